from django.urls import path

from innovations import export_views, views

app_name = "innovations"

urlpatterns = [
    path("", views.innovation_list, name="list"),
    path("innovators/", views.innovator_list, name="innovators"),
    path("innovators/<slug:slug>/", views.innovator_detail, name="innovator"),
    # Not slugs (a slug has no dot), so they can never hide an innovation's page.
    path("export.csv", export_views.export_csv, name="export_csv"),
    path("export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/", views.innovation_detail, name="detail"),
]
