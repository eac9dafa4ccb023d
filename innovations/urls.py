from django.urls import path

from innovations import (
    export_views,
    import_views,
    kit_views,
    review_views,
    submission_views,
    views,
)

app_name = "innovations"

urlpatterns = [
    path("", views.innovation_list, name="list"),
    path("innovators/", views.innovator_list, name="innovators"),
    path("innovators/<slug:slug>/", views.innovator_detail, name="innovator"),
    # Not slugs (a slug has no dot), so they can never hide an innovation's page.
    path("export.csv", export_views.export_csv, name="export_csv"),
    path("export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    # Reserved words (RESERVED_SLUGS), so they come before the innovation's own page.
    path("mine/", submission_views.my_innovations, name="mine"),
    path("mine/<slug:slug>/", submission_views.my_innovation_detail, name="mine_detail"),
    path("new/", submission_views.innovation_new, name="new"),
    path("review/", review_views.review_queue, name="review"),
    path("review/kit/<int:pk>/", kit_views.kit_review, name="kit_review"),
    path("review/kit/<int:pk>/decide/", kit_views.kit_decide, name="kit_decide"),
    path("review/<slug:slug>/", review_views.review_detail, name="review_detail"),
    path("review/<slug:slug>/decide/", review_views.decide, name="decide"),
    # Not in RESERVED_SLUGS: the importer never gives an innovation the slug "import".
    path("import/", import_views.import_innovations, name="import"),
    path("kit/<int:pk>/download/", kit_views.kit_download, name="kit_download"),
    path("<slug:slug>/", views.innovation_detail, name="detail"),
    path("<slug:slug>/kit/", kit_views.kit_manage, name="kit_manage"),
    path("<slug:slug>/edit/", submission_views.innovation_edit, name="edit"),
    path("<slug:slug>/submit/", submission_views.innovation_submit, name="submit"),
    path("<slug:slug>/revise/", submission_views.innovation_revise, name="revise"),
    path("<slug:slug>/revise/submit/", submission_views.revision_submit, name="revise_submit"),
]
