"""Writes of replication plans: filing, editing, submission, the ministry's decisions, messages.

Each function is one transaction that locks the plan and checks its status there, so two
people acting at once make one change and one clear error. The stages' own transitions
live in replication.stage_services.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innovations import similarity
from innovations.models import Innovation, InnovationStatus
from jipp import clock
from jipp.models import AuditEvent, Institution, User
from jipp.services import record_event
from replication import interest_services, listing, notices, reminders, schedule
from replication.models import (
    EDITABLE_STATUSES,
    FINISHED_STAGE_STATUSES,
    OPEN_STATUSES,
    STAGE_ORDER,
    PlanMessage,
    PlanStatus,
    ReplicationPlan,
    Stage,
)

PLAN_FIELDS = (
    "adopter",
    "local_name",
    "summary",
    "start_date",
    "target_end_date",
    "budget_source",
    "budget_amount",
)


def _check_data(data: Mapping[str, Any], province_id: int, dues: Mapping[str, date]) -> None:
    schedule.check_schedule(data.get("start_date"), data.get("target_end_date"), dues)
    amount = data.get("budget_amount")
    if amount is not None and amount < 0:
        raise ValidationError({"budget_amount": [_("The budget cannot be negative.")]})
    adopter: Institution | None = data.get("adopter")
    if adopter is not None and adopter.province_id != province_id:
        raise ValidationError(
            {"adopter": [_("The adopting institution must be in the plan's province.")]}
        )


# Access -----------------------------------------------------------------------------


def is_officer_of(plan: ReplicationPlan, user: User) -> bool:
    return user.is_bappeda and user.province_id == plan.province_id


def require_editor(plan: ReplicationPlan, by: User) -> None:
    """403 unless `by` may change the plan: ReplicationPlan.objects.editable_by is the rule.

    An officer's own plan that is closed (completed, cancelled) is refused with a message.
    """
    if not ReplicationPlan.objects.editable_by(by).filter(pk=plan.pk).exists():
        if is_officer_of(plan, by):
            raise ValidationError(_("This plan is closed: it can no longer be changed."))
        raise PermissionDenied(_("Only Bappeda officers of the plan's province may do this."))


def require_ministry(by: User) -> None:
    if not by.is_ministry:
        raise PermissionDenied(_("Only ministry reviewers may do this."))


def lock(plan: ReplicationPlan) -> ReplicationPlan:
    return (
        ReplicationPlan.objects.select_for_update(of=("self",))
        .select_related("innovation", "province")
        .get(pk=plan.pk)
    )


def refresh_current_stage(plan: ReplicationPlan) -> None:
    """The first stage neither done nor verified ("" once all are)."""
    first = (
        Stage.objects.filter(plan=plan)
        .exclude(status__in=FINISHED_STAGE_STATUSES)
        .order_by("order")
        .values_list("kind", flat=True)
        .first()
    )
    plan.current_stage = first or ""
    plan.save(update_fields=["current_stage"])


def _tell_officers(plan: ReplicationPlan, event: AuditEvent, by: User) -> None:
    """The province's officers hear of every decision on their plan."""
    subject = gettext_lazy("Replication plan %(title)s: %(status)s")
    body = gettext_lazy("Replication plan %(title)s: %(status)s.\n\n%(note)s")
    notices.notify_users(
        notices.officers_of(plan, but=by),
        kind="plan_decided",
        key=f"plan-decided:{event.pk}",
        subject=subject,
        body=body,
        url=plan.get_absolute_url(),
        title=notices.plan_title(plan),
        status=PlanStatus(event.to_status).label,
        note=event.note,
    )


# Plans ------------------------------------------------------------------------------


@transaction.atomic
def file_plan(
    *,
    by: User,
    data: Mapping[str, Any],
    stage_due_dates: Mapping[str, date | None] | None = None,
    indicators: Sequence[Mapping[str, Any]] = (),
) -> ReplicationPlan:
    """A draft plan of the officer's province with all seven stages and its indicators."""
    from replication import indicator_services

    if not by.is_bappeda or by.province_id is None:
        raise PermissionDenied(_("Only Bappeda officers file replication plans."))
    innovation: Innovation = data["innovation"]
    if innovation.status != InnovationStatus.APPROVED:
        raise ValidationError(
            {"innovation": [_("Only an approved innovation of the registry can be replicated.")]}
        )
    dues = schedule.fill_schedule(data, stage_due_dates)
    _check_data(data, by.province_id, dues)
    plan = ReplicationPlan(
        innovation=innovation, province_id=by.province_id, filed_by=by, status=PlanStatus.DRAFT
    )
    for name in PLAN_FIELDS:
        setattr(plan, name, data.get(name))
    plan.local_name = plan.local_name or ""
    plan.summary = plan.summary or ""
    plan.current_stage = STAGE_ORDER[0]
    _refuse_second_open_plan(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:  # another officer filed the same plan a moment ago
        raise _second_open_plan_error() from error
    Stage.objects.bulk_create(
        Stage(plan=plan, kind=kind, order=number, due_date=dues[kind])
        for number, kind in enumerate(STAGE_ORDER, 1)
    )
    record_event(actor=by, action="plan_created", target=plan, to_status=plan.status)
    if indicators:
        indicator_services.write_rows(plan=plan, by=by, rows=indicators)
    interest_services.mark_planned(plan=plan)  # the province's interest is now planned
    return plan


def _second_open_plan_error(first: ReplicationPlan | None = None) -> ValidationError:
    """Refuses a second open plan; `params["plan"]` names the first, for a link to it."""
    return ValidationError(
        _(
            "This institution already has an open plan to replicate this innovation: "
            "continue that one, or cancel it first."
        ),
        code="open_plan_exists",
        params={"plan": first.pk if first else None},
    )


def _refuse_second_open_plan(plan: ReplicationPlan) -> None:
    if plan.adopter_id is None:
        return
    others = ReplicationPlan.objects.filter(
        province_id=plan.province_id,
        adopter_id=plan.adopter_id,
        innovation_id=plan.innovation_id,
        status__in=OPEN_STATUSES,
    ).exclude(pk=plan.pk)
    first = others.order_by("pk").first()
    if first is not None:
        raise _second_open_plan_error(first)


def _stale_error(plan: ReplicationPlan, version: int) -> ValidationError:
    """Who changed the plan since `version` was read, when, and which fields."""
    edits = list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(ReplicationPlan),
            target_id=plan.pk,
            action="plan_edited",
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[: max(plan.version - version, 1)]
    )
    fields: list[str] = []
    for event in reversed(edits):
        fields += [name for name in event.note.split(",") if name and name not in fields]
    latest = edits[0] if edits else None
    when = latest.created_at if latest else timezone.now()
    return ValidationError(
        _(
            "This plan was changed by %(name)s at %(time)s since you opened it: %(fields)s. "
            "Nothing was saved: reload the page to see the changes, then edit again."
        )
        % {
            "name": notices.person(latest.actor if latest else None),
            "time": clock.local_time(when, plan.province),  # the plan page's clock
            "fields": ", ".join(listing.field_label(name) for name in fields) or "—",
        },
        code="stale",
    )


@transaction.atomic
def update_plan(
    *,
    plan: ReplicationPlan,
    by: User,
    data: Mapping[str, Any],
    stage_due_dates: Mapping[str, date | None] | None,
    version: int,
    indicators: Sequence[Mapping[str, Any]] | None = None,
    removed_indicators: Sequence[int] = (),
) -> ReplicationPlan:
    """Edit a draft or returned plan, if nobody else changed it since `version` was read.

    `indicators` (the form's rows; None leaves them alone) are written in the same
    transaction and under the same version: a stale page changes no indicator either.
    """
    from replication import indicator_services

    require_editor(plan, by)
    locked = lock(plan)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Only a draft or a returned plan can be edited."))
    if version != locked.version:
        raise _stale_error(locked, version)
    stages = {stage.kind: stage for stage in Stage.objects.select_for_update().filter(plan=locked)}
    dues = schedule.fill_schedule(data, stage_due_dates)
    _check_data(data, locked.province_id, dues)
    changed = []
    for name in PLAN_FIELDS:
        value = data.get(name)
        if name in ("local_name", "summary"):
            value = value or ""
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    for kind, stage in stages.items():
        if stage.due_date != dues[kind]:
            stage.due_date = dues[kind]
            stage.save(update_fields=["due_date"])
            changed.append(schedule.due_field(kind))
    if indicators is not None or removed_indicators:
        written = indicator_services.write_rows(
            plan=locked, by=by, rows=indicators or [], removed=removed_indicators
        )
        if written:
            changed.append("indicators")
    if not changed:
        return locked
    _refuse_second_open_plan(locked)
    locked.version += 1
    locked.save()
    record_event(
        actor=by,
        action="plan_edited",
        target=locked,
        from_status=locked.status,
        to_status=locked.status,
        note=",".join(changed),
    )
    return locked


@transaction.atomic
def submit_plan(*, plan: ReplicationPlan, by: User) -> ReplicationPlan:
    require_editor(plan, by)
    locked = lock(plan)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Only a draft or a returned plan can be submitted."))
    if locked.adopter_id is None:
        raise ValidationError(_("Choose the adopting institution before submitting the plan."))
    if not locked.indicators.exists():
        raise ValidationError(
            _(
                "Add at least one indicator (what the replication should change, with its "
                "baseline and target) before submitting the plan: edit the plan."
            ),
            code="no_indicators",
        )
    previous = locked.status
    locked.status = PlanStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    event = record_event(
        actor=by,
        action="plan_submitted",
        target=locked,
        from_status=previous,
        to_status="submitted",
    )
    notices.notify_users(
        notices.reviewers(),
        kind="plan_submitted",
        key=f"plan-submitted:{event.pk}",
        subject=gettext_lazy("Replication plan to review: %(title)s"),
        body=gettext_lazy("%(province)s submitted a replication plan for review: %(title)s."),
        url=locked.get_absolute_url(),
        title=notices.plan_title(locked),
        province=locked.province.name,
    )
    return locked


def _decided_error(plan: ReplicationPlan) -> ValidationError:
    return ValidationError(
        _("This plan is not waiting for a decision: it is %(status)s now.")
        % {"status": str(PlanStatus(plan.status).label).lower()}
    )


@transaction.atomic
def approve_plan(*, plan: ReplicationPlan, by: User, note: str = "") -> ReplicationPlan:
    require_ministry(by)
    locked = lock(plan)
    if locked.status != PlanStatus.SUBMITTED:
        raise _decided_error(locked)
    if not locked.indicators.exists():
        raise ValidationError(
            _(
                "This plan has no indicators yet: it cannot be approved. Return it to the "
                "province with a note asking to add at least one indicator."
            ),
            code="no_indicators",
        )
    locked.status = PlanStatus.APPROVED
    locked.approved_by = by
    locked.approved_at = timezone.now()
    locked.return_note = ""
    locked.save(update_fields=["status", "approved_by", "approved_at", "return_note"])
    # The reminders of every stage are written from here on (DESIGN.md section 4).
    Stage.objects.filter(plan=locked).exclude(status__in=FINISHED_STAGE_STATUSES).update(
        reminder_generation=F("reminder_generation") + 1
    )
    reminders.write_generation(
        plan=locked,
        stages=Stage.objects.filter(plan=locked).exclude(status__in=FINISHED_STAGE_STATUSES),
    )
    event = record_event(
        actor=by,
        action="plan_approved",
        target=locked,
        from_status=PlanStatus.SUBMITTED,
        to_status=PlanStatus.APPROVED,
        note=note.strip(),
    )
    _tell_officers(locked, event, by)
    similarity.queue_province_refresh(
        province_id=locked.province_id, innovation_id=locked.innovation_id
    )
    notices.notify_users(
        notices.innovators_of(locked),
        kind="plan_approved",
        key=f"plan-approved-innovator:{event.pk}",
        subject=gettext_lazy("%(province)s will replicate %(innovation)s"),
        body=gettext_lazy(
            "The ministry approved the plan of %(province)s to replicate your innovation "
            "%(innovation)s."
        ),
        url=locked.get_absolute_url(),
        province=locked.province.name,
        innovation=locked.innovation.title,
    )
    return locked


@transaction.atomic
def return_plan(*, plan: ReplicationPlan, by: User, note: str) -> ReplicationPlan:
    require_ministry(by)
    note = note.strip()
    if not note:
        raise ValidationError(_("Write a note: the province needs to know what to change."))
    locked = lock(plan)
    if locked.status != PlanStatus.SUBMITTED:
        raise _decided_error(locked)
    locked.status = PlanStatus.RETURNED
    locked.return_note = note
    locked.save(update_fields=["status", "return_note"])
    event = record_event(
        actor=by,
        action="plan_returned",
        target=locked,
        from_status=PlanStatus.SUBMITTED,
        to_status=PlanStatus.RETURNED,
        note=note,
    )
    _tell_officers(locked, event, by)
    return locked


@transaction.atomic
def cancel_plan(*, plan: ReplicationPlan, by: User, reason: str) -> ReplicationPlan:
    if not (is_officer_of(plan, by) or by.is_ministry):
        raise PermissionDenied(
            _("Only the province's Bappeda officers or the ministry may cancel a plan.")
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for cancelling the plan."))
    locked = lock(plan)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This plan is %(status)s: it cannot be cancelled.")
            % {"status": str(PlanStatus(locked.status).label).lower()}
        )
    previous = locked.status
    locked.status = PlanStatus.CANCELLED
    locked.cancel_reason = reason
    locked.save(update_fields=["status", "cancel_reason"])
    reminders.cancel_open(plan=locked)
    interest_services.reopen_for(plan=locked, by=by)  # its interest opens again
    if previous == PlanStatus.APPROVED:  # no longer public
        similarity.queue_province_refresh(
            province_id=locked.province_id, innovation_id=locked.innovation_id
        )
    event = record_event(
        actor=by,
        action="plan_cancelled",
        target=locked,
        from_status=previous,
        to_status=PlanStatus.CANCELLED,
        note=reason,
    )
    _tell_officers(locked, event, by)
    return locked


@transaction.atomic
def post_message(*, plan: ReplicationPlan, by: User, body: str) -> tuple[PlanMessage, int]:
    """A message on the plan from anyone who may see it; the other parties are told.

    Returns the message and how many people were told (the author never is).
    """
    if not ReplicationPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("You cannot write on this plan."))
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message."))
    message = PlanMessage.objects.create(
        plan=ReplicationPlan.objects.select_related("province", "innovation").get(pk=plan.pk),
        author=by,
        body=body[:5000],
    )
    return message, notices.tell_about_message(message)
