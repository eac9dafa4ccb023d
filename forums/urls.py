from django.urls import path

from forums import calendar_views, manage_views, material_views, views

app_name = "forums"

session = "<int:pk>/"
presentation = session + "presentations/<int:presentation_id>/"
participant = session + "participants/<int:participant_id>/"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("new/", manage_views.session_new, name="session_new"),
    path(session, views.detail, name="detail"),
    path(session + "edit/", manage_views.session_edit, name="session_edit"),
    path(session + "delete/", manage_views.session_delete, name="session_delete"),
    path(session + "answer/", views.answer, name="answer"),
    path("answer/<str:token>/", views.answer_link, name="answer_link"),
    path(session + "manage/", manage_views.manage, name="manage"),
    path(session + "schedule/", manage_views.session_schedule, name="session_schedule"),
    path(session + "cancel/", manage_views.session_cancel, name="session_cancel"),
    path(session + "held/", manage_views.session_held, name="session_held"),
    path(session + "attendance/", manage_views.attendance, name="attendance"),
    path(session + "presentations/", manage_views.presentation_add, name="presentation_add"),
    path(presentation + "move/", manage_views.presentation_move, name="presentation_move"),
    path(presentation + "remove/", manage_views.presentation_remove, name="presentation_remove"),
    path(presentation + "materials/", material_views.materials_form, name="materials"),
    path(
        presentation + "materials/remove/",
        material_views.materials_remove,
        name="materials_remove",
    ),
    path(presentation + "slides/", material_views.slides_download, name="slides_download"),
    path(session + "invite/", manage_views.invite, name="invite"),
    path(participant + "remove/", manage_views.participant_remove, name="participant_remove"),
    path(session + "outcomes/", manage_views.outcome_add, name="outcome_add"),
    *calendar_views.urlpatterns,
]
