from django.urls import path

from replication import action_views, case_views, export_views, views
from replication.dashboard import views as dashboard_views
from replication.indicator_views import urlpatterns as indicator_urls
from replication.interest_views import urlpatterns as interest_urls

app_name = "replication"

plan = "plans/<int:pk>/"
stage = plan + "stages/<str:kind>/"

urlpatterns = [
    path("", dashboard_views.public_figures, name="figures"),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/export.csv", export_views.plan_export_csv, name="plan_export_csv"),
    path("plans/export.xlsx", export_views.plan_export_xlsx, name="plan_export_xlsx"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path(plan, views.plan_detail, name="plan_detail"),
    path(plan + "edit/", views.plan_edit, name="plan_edit"),
    path(plan + "submit/", action_views.plan_submit, name="plan_submit"),
    path(plan + "approve/", action_views.plan_approve, name="plan_approve"),
    path(plan + "return/", action_views.plan_return, name="plan_return"),
    path(plan + "cancel/", action_views.plan_cancel, name="plan_cancel"),
    path(plan + "messages/", action_views.message_post, name="message_post"),
    path(stage + "start/", action_views.stage_start, name="stage_start"),
    path(stage + "complete/", action_views.stage_complete, name="stage_complete"),
    path(stage + "verify/", action_views.stage_verify, name="stage_verify"),
    path(stage + "return/", action_views.stage_return, name="stage_return"),
    path(stage + "evidence/", action_views.evidence_add, name="evidence_add"),
    path(stage + "due-date/", action_views.due_date_request, name="due_date_request"),
    path(
        plan + "evidence/<int:evidence_id>/remove/",
        action_views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        plan + "due-dates/<int:request_id>/decide/",
        action_views.due_date_decide,
        name="due_date_decide",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("review/", views.review, name="review"),
    *interest_urls,
    *indicator_urls,
]
