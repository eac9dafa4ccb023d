from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jipp import services
from jipp.models import (
    AccountRequest,
    AuditEvent,
    Export,
    Institution,
    Notification,
    NotificationStatus,
    Province,
    User,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capital", "zone_label", "hub_since"]
    list_filter = ["timezone", "hub_since"]
    search_fields = ["name", "code", "bps_code", "capital"]
    readonly_fields = ["code", "bps_code"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "parent", "email_domain"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "slug", "email_domain"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["province", "parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "get_full_name", "institution", "province", "is_active"]
    list_filter = ["groups", "is_active", "province", "is_staff"]
    list_select_related = ["institution", "province"]
    search_fields = ["username", "email", "first_name", "last_name", "institution__name"]
    autocomplete_fields = ["institution"]
    readonly_fields = ["invited_by", "invited_at", "last_login", "date_joined"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            _("JIPP"),
            {
                "fields": (
                    "institution",
                    "province",
                    "phone",
                    "language",
                    "reminder_channel",
                    "invited_by",
                    "invited_at",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.end_sessions(obj)  # as a deactivation by the ministry does


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    # "Failed" in the status filter lists what failed, with why (last_error).
    list_display = [
        "created_at",
        "kind",
        "subject",
        "recipient",
        "channel",
        "status",
        "attempts",
        "error",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["subject", "email", "user__username", "dedupe_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [
        "user",
        "email",
        "kind",
        "subject",
        "body",
        "url",
        "attachment_name",
        "dedupe_key",
        "language",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "claimed_at",
        "sent_at",
        "read_at",
        "created_at",
    ]
    exclude = ["attachment", "attachment_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "retry_button"]

    @admin.display(description=_("Retry"))
    @admin.display(description=_("last error"), ordering="last_error")
    def error(self, notification: Notification) -> str:
        """The start of the reason: the whole of it is on the row's page."""
        return Truncator(notification.last_error).chars(140)

    def retry_button(self, notification: Notification) -> str:
        """One click on a failed row's page: a submit button of the change form that posts
        to the retry view below (formaction), with the form's CSRF token."""
        if notification.status != NotificationStatus.FAILED:
            return "—"
        return format_html(
            '<button type="submit" class="button" formaction="{}">{}</button>',
            reverse("admin:jipp_notification_retry", args=[notification.pk]),
            _("Retry this e-mail"),
        )

    def get_urls(self) -> list[Any]:
        retry = self.admin_site.admin_view(require_POST(self.retry_one))
        return [
            path("<int:pk>/retry/", retry, name="jipp_notification_retry"),
            *super().get_urls(),
        ]

    def retry_one(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(Notification, pk=pk)
        if not self.has_view_or_change_permission(request, notification):
            raise PermissionDenied
        if notification.status == NotificationStatus.FAILED:
            services.retry_notification(notification=notification)
            self.message_user(request, _("The e-mail is queued again."), messages.SUCCESS)
        else:
            self.message_user(request, _("Only a failed e-mail can be retried."), messages.WARNING)
        return redirect("admin:jipp_notification_change", pk)

    @admin.action(description=_("Retry the selected failed e-mails"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        failed = queryset.filter(status=NotificationStatus.FAILED)
        for notification in failed:
            services.retry_notification(notification=notification)
        self.message_user(
            request,
            _("%(count)d e-mails queued again.") % {"count": len(failed)},
            messages.SUCCESS,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "to_status"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "note", "actor__username"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"

    # The audit trail is written by services only; nobody edits history.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Generated files, for support: read-only (they belong to the user who asked)."""

    list_display = ["created_at", "user", "kind", "status", "row_count", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["user__username", "params"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "user",
        "kind",
        "params",
        "language",
        "status",
        "file",
        "download_name",
        "row_count",
        "created_at",
        "finished_at",
        "error",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AccountRequest)
class AccountRequestAdmin(admin.ModelAdmin):
    """Requests are decided on the ministry's own pages; the decision fields are history."""

    list_display = ["created_at", "institution_name", "contact_email", "province", "status"]
    list_filter = ["status", "institution_kind", "province"]
    search_fields = ["institution_name", "contact_name", "contact_email"]
    list_select_related = ["province"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["institution"]
    readonly_fields = ["status", "decided_by", "decided_at", "note", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
