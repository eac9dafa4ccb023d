"""Reads of plans for lists, exports and the ministry's queue: scoped, filtered, prepared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from jipp.models import AuditEvent, User
from replication.forms import FilterForm
from replication.models import (
    DueDateRequest,
    DueDateRequestStatus,
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


QUEUE_SHOWN = 100


@dataclass
class ReviewQueue:
    items: list[QueueItem]  # the oldest waiting, at most QUEUE_SHOWN
    total: int  # how many wait in all


def review_queue(limit: int = QUEUE_SHOWN) -> ReviewQueue:
    """Submitted plans, due-date requests and done stages, oldest first.

    At national scale thousands can wait; the page lists the oldest `limit`. Each kind is
    read oldest first through its partial index, `limit` rows at most: the oldest of all
    are among them. Six queries, whatever the size of the queue.
    """
    related = ("innovation", "province", "adopter")
    plans = ReplicationPlan.objects.filter(status=PlanStatus.SUBMITTED)
    requests = DueDateRequest.objects.filter(
        status=DueDateRequestStatus.PENDING, stage__plan__status=PlanStatus.APPROVED
    )
    stages = Stage.objects.filter(status=StageStatus.DONE, plan__status=PlanStatus.APPROVED)
    items = [
        QueueItem("plan", plan, plan.submitted_at or plan.created_at)
        for plan in plans.select_related(*related).order_by("submitted_at", "id")[:limit]
    ]
    items += [
        QueueItem("due_date", request.stage.plan, request.created_at, request.stage, request)
        for request in requests.select_related(
            "stage", *[f"stage__plan__{name}" for name in related]
        ).order_by("created_at", "id")[:limit]
    ]
    items += [
        QueueItem("stage", stage.plan, stage.completed_at or stage.plan.created_at, stage)
        for stage in stages.select_related(*[f"plan__{name}" for name in related]).order_by(
            "completed_at", "id"
        )[:limit]
    ]
    items.sort(key=lambda item: item.since)
    return ReviewQueue(items[:limit], plans.count() + requests.count() + stages.count())


def field_label(name: str) -> str:
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
