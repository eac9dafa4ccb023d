from django.contrib import admin
from django.urls import include, path

from jipp import (
    account_request_views,
    account_views,
    errors,
    export_views,
    health,
    picker_views,
    preference_views,
    signin,
    views,
    work_views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("innovations/", include("innovations.urls")),
    path("replication/", include("replication.urls")),
    path("dashboard/", include("replication.dashboard.urls")),
    path("forums/", include("forums.urls")),
    path("work/", work_views.work, name="work"),
    # The pickers' suggestions: at the root, where no innovation's address can collide.
    path("pick/innovations/", picker_views.pick_innovations, name="pick_innovations"),
    path("pick/institutions/", picker_views.pick_institutions, name="pick_institutions"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("accounts/preferences/", preference_views.preferences, name="preferences"),
    # Before Django's own auth URLs: the same view, plus the change in the audit trail.
    path(
        "accounts/password_change/",
        signin.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_reset/",
        signin.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/users/", account_views.user_list, name="user_list"),
    path("accounts/users/invite/", account_views.user_invite, name="user_invite"),
    path("accounts/users/<int:pk>/active/", account_views.user_set_active, name="user_set_active"),
    path(
        "accounts/users/<int:pk>/resend/",
        account_views.user_resend_invitation,
        name="user_resend_invitation",
    ),
    path("accounts/request/", account_request_views.account_request, name="account_request"),
    path(
        "accounts/request/sent/",
        account_request_views.account_request_sent,
        name="account_request_sent",
    ),
    path(
        "accounts/requests/",
        account_request_views.account_request_list,
        name="account_requests",
    ),
    path(
        "accounts/requests/<int:pk>/",
        account_request_views.account_request_detail,
        name="account_request_detail",
    ),
    path(
        "accounts/invitation/<str:token>/",
        account_views.accept_invitation,
        name="accept_invitation",
    ),
    path("exports/<int:pk>/", export_views.export_download, name="export_download"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("api/", include("jipp.api_urls")),
    path("admin/", admin.site.urls),
]

# 404 and 403 are Django's handlers with templates/404.html and 403.html.
handler400 = errors.bad_request
handler500 = errors.server_error
