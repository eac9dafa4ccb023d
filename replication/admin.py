"""Django admin of replication, for operators: plans, overdue stages, the reminders' record.

Plans and stages change through the portal's services (they write the audit trail and
the reminders); here they are looked at, not edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from replication.models import Reminder, ReplicationPlan, Stage, overdue_stages


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("order", "kind", "due_date", "status", "slip_count", "reminder_generation")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReplicationPlan)
class ReplicationPlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "province", "adopter", "status", "current_stage", "approved_at"]
    list_filter = ["status", "current_stage", "province"]
    search_fields = ["local_name", "innovation__title", "adopter__name"]
    list_select_related = ["province", "adopter", "innovation"]
    date_hierarchy = "created_at"
    inlines = [StageInline]


class OverdueFilter(admin.SimpleListFilter):
    """Unfinished stages of approved plans past their due date in their province."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Stage]) -> QuerySet[Stage]:
        if self.value() == "yes":
            return queryset.filter(overdue_stages())
        if self.value() == "no":
            return queryset.exclude(overdue_stages())
        return queryset


@admin.register(Stage)
class StageAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "province",
        "due_date",
        "status",
        "slip_count",
        "reminder_generation",
    ]
    list_filter = [OverdueFilter, "status", "kind", "plan__province"]
    search_fields = ["plan__local_name", "plan__innovation__title"]
    list_select_related = ["plan", "plan__province", "plan__innovation"]
    date_hierarchy = "due_date"

    @admin.display(description=_("province"), ordering="plan__province__name")
    def province(self, stage: Stage) -> str:
        return stage.plan.province.name


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """The sweep's record: what is scheduled, fired, skipped or cancelled, and when."""

    list_display = ["__str__", "kind", "generation", "due_at", "status", "fired_at"]
    list_filter = ["status", "kind"]
    search_fields = ["stage__plan__local_name", "stage__plan__innovation__title"]
    list_select_related = [
        "stage",
        "stage__plan",
        "stage__plan__province",
        "stage__plan__innovation",
    ]
    date_hierarchy = "due_at"
    raw_id_fields = ["stage"]
