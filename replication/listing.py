"""Reads of plans for lists, exports and the ministry's queue: scoped, filtered, prepared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.models import AuditEvent, User
from replication import results_forms
from replication.forms import FilterForm
from replication.models import (
    DueDateRequest,
    DueDateRequestStatus,
    IndicatorChangeRequest,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
    overdue_stages,
)


def filtered_plans(user: User, params: QueryDict) -> tuple[FilterForm, QuerySet[ReplicationPlan]]:
    """What the user may see, narrowed by the list's filters, newest first."""
    form = FilterForm(params, user=user)
    plans = ReplicationPlan.objects.visible_to(user).with_overdue()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("status"):
            plans = plans.filter(status=data["status"])
        if data.get("stage"):
            plans = plans.filter(current_stage=data["stage"], status=PlanStatus.APPROVED)
        if data.get("overdue"):
            plans = plans.filter(pk__in=Stage.objects.filter(overdue_stages()).values("plan_id"))
        if data.get("innovation"):
            plans = plans.filter(innovation__slug=data["innovation"])
        if data.get("province"):
            plans = plans.filter(province__code=data["province"])
    plans = plans.select_related("innovation", "province", "adopter").order_by("-created_at", "-id")
    return form, plans


@dataclass
class QueueItem:
    kind: str  # plan, due_date, stage
    plan: ReplicationPlan
    since: datetime
    stage: Stage | None = None
    request: DueDateRequest | None = None
    change: IndicatorChangeRequest | None = None


QUEUE_SHOWN = 100
QUEUE_RELATED = ("innovation", "province", "adopter")


def plans_to_decide() -> QuerySet[ReplicationPlan]:
    """Submitted plans, oldest first (through the partial index plan_waiting_review)."""
    return (
        ReplicationPlan.objects.filter(status=PlanStatus.SUBMITTED)
        .select_related(*QUEUE_RELATED)
        .order_by("submitted_at", "id")
    )


def stages_to_verify() -> QuerySet[Stage]:
    """Done stages of approved plans, oldest first (stage_waiting_verification)."""
    return (
        Stage.objects.filter(status=StageStatus.DONE, plan__status=PlanStatus.APPROVED)
        .select_related(*[f"plan__{name}" for name in QUEUE_RELATED])
        .order_by("completed_at", "id")
    )


def due_date_requests() -> QuerySet[DueDateRequest]:
    """Pending due-date requests of approved plans, oldest first (due_date_request_waiting)."""
    return (
        DueDateRequest.objects.filter(
            status=DueDateRequestStatus.PENDING, stage__plan__status=PlanStatus.APPROVED
        )
        .select_related("stage", *[f"stage__plan__{name}" for name in QUEUE_RELATED])
        .order_by("created_at", "id")
    )


def indicator_changes() -> QuerySet[IndicatorChangeRequest]:
    """Pending indicator changes of approved plans, oldest first (indicator_change_waiting)."""
    return (
        IndicatorChangeRequest.objects.filter(
            status=DueDateRequestStatus.PENDING, indicator__plan__status=PlanStatus.APPROVED
        )
        .select_related("indicator", *[f"indicator__plan__{name}" for name in QUEUE_RELATED])
        .order_by("created_at", "id")
    )


REVIEW_KINDS: dict[str, Any] = {
    "plan": gettext_lazy("Plans to decide"),
    "stage": gettext_lazy("Stages to verify"),
    "due_date": gettext_lazy("Due-date requests"),
    "indicator": gettext_lazy("Indicator changes"),
}


@dataclass
class ReviewSection:
    kind: str  # one of REVIEW_KINDS
    items: list[QueueItem]  # the oldest waiting, at most QUEUE_SHOWN
    total: int  # how many wait in all

    @property
    def label(self) -> Any:
        return REVIEW_KINDS[self.kind]


def review_sections(
    *, kinds: list[str] | None = None, province: str = "", limit: int = QUEUE_SHOWN
) -> list[ReviewSection]:
    """The ministry's queue, one section per kind, each oldest first.

    At national scale thousands can wait; each section lists the oldest `limit` through
    its partial index and counts the rest: two queries a kind at most, whatever the size.
    """
    plans, stages, requests = plans_to_decide(), stages_to_verify(), due_date_requests()
    changes = indicator_changes()
    if province:
        plans = plans.filter(province__code=province)
        stages = stages.filter(plan__province__code=province)
        requests = requests.filter(stage__plan__province__code=province)
        changes = changes.filter(indicator__plan__province__code=province)
    readers: dict[str, Any] = {
        "plan": (
            plans,
            lambda plan: QueueItem("plan", plan, plan.submitted_at or plan.created_at),
        ),
        "stage": (
            stages,
            lambda stage: QueueItem(
                "stage", stage.plan, stage.completed_at or stage.plan.created_at, stage
            ),
        ),
        "due_date": (
            requests,
            lambda request: QueueItem(
                "due_date", request.stage.plan, request.created_at, request.stage, request
            ),
        ),
        "indicator": (
            changes,
            lambda change: QueueItem(
                "indicator", change.indicator.plan, change.created_at, change=change
            ),
        ),
    }
    sections = []
    for kind in kinds or list(REVIEW_KINDS):
        queryset, item = readers[kind]
        items = [item(row) for row in queryset[:limit]]
        total = len(items) if len(items) < limit else queryset.count()
        if kind == "stage":  # the reviewer sees a done evaluation's values beside it
            results_forms.attach_indicators(entry.stage for entry in items if entry.stage)
        sections.append(ReviewSection(kind, items, total))
    return sections


def field_label(name: str) -> str:
    if name == "indicators":
        return _("indicators")
    if name.startswith("due_"):
        return _("due date of %(stage)s") % {"stage": StageKind(name[4:]).label}
    return str(getattr(ReplicationPlan._meta.get_field(name), "verbose_name", name))


def events_of(plan: ReplicationPlan) -> Any:
    """The AuditEvents of the plan and of its stages, oldest first."""
    stage_ids = list(Stage.objects.filter(plan=plan).values_list("pk", flat=True))
    return (
        AuditEvent.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(ReplicationPlan), target_id=plan.pk)
            | Q(target_type=ContentType.objects.get_for_model(Stage), target_id__in=stage_ids)
        )
        .select_related("actor", "actor__institution")
        .order_by("created_at", "id")
    )
