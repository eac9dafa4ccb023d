"""/dashboard/: the ministry's national dashboard, a Bappeda officer's province, reports."""

from django.urls import path

from replication.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report_page, name="dashboard_report"),
    path("report.xlsx", views.report_xlsx, name="dashboard_report_xlsx"),
]
