"""After approval a due date moves only when a ministry reviewer accepts the officer's reason."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.models import User
from jipp.services import record_event
from replication import notices, reminders, schedule, services
from replication.models import DueDateRequest, DueDateRequestStatus, ReplicationPlan, Stage
from replication.stage_services import lock_stage, require_approved, wrong_status


def _check_move(plan: ReplicationPlan, stage: Stage, proposed: date) -> None:
    """The moved date keeps the plan's rules: within its dates, in stage order."""
    dues = dict(Stage.objects.filter(plan=plan).values_list("kind", "due_date"))
    dues[stage.kind] = proposed
    try:
        schedule.check_schedule(plan.start_date, plan.target_end_date, dues)
    except ValidationError as error:
        messages = [m for texts in error.message_dict.values() for m in texts]
        raise ValidationError(messages) from error


@transaction.atomic
def request_due_date(*, stage: Stage, by: User, proposed_date: date, reason: str) -> DueDateRequest:
    services.require_editor(stage.plan, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for moving the due date."))
    plan, locked = lock_stage(stage)
    require_approved(plan)
    if locked.is_finished:
        raise wrong_status(locked)
    if proposed_date == locked.due_date:
        raise ValidationError(_("The proposed date is the current due date."))
    if locked.due_date_requests.filter(status=DueDateRequestStatus.PENDING).exists():
        raise ValidationError(_("A request to move this due date is already waiting."))
    _check_move(plan, locked, proposed_date)
    request = DueDateRequest.objects.create(
        stage=locked,
        requested_by=by,
        previous_date=locked.due_date,
        proposed_date=proposed_date,
        reason=reason,
    )
    record_event(
        actor=by,
        action="due_date_requested",
        target=locked,
        from_status=locked.status,
        to_status=locked.status,
        note=f"{locked.due_date.isoformat()} → {proposed_date.isoformat()}: {reason}",
    )
    notices.notify_users(
        notices.reviewers(),
        kind="due_date_requested",
        key=f"due-date-requested:{request.pk}",
        subject=gettext_lazy("Due date change to decide: %(stage)s, %(title)s"),
        body=gettext_lazy(
            "%(province)s asks to move the due date of %(stage)s from %(old)s to %(new)s: "
            "%(reason)s"
        ),
        url=locked.get_absolute_url(),
        stage=locked.get_kind_display(),
        title=notices.plan_title(plan),
        province=plan.province.name,
        old=locked.due_date.isoformat(),
        new=proposed_date.isoformat(),
        reason=reason,
    )
    return request


@transaction.atomic
def decide_due_date(
    *, request: DueDateRequest, by: User, accept: bool, note: str = ""
) -> DueDateRequest:
    """Accepted: the due date moves; a later date counts as a slip (times and days)."""
    services.require_ministry(by)
    note = note.strip()
    if not accept and not note:
        raise ValidationError(_("Write a note: the province needs to know why."))
    plan, stage = lock_stage(request.stage)
    locked = DueDateRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != DueDateRequestStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    require_approved(plan)
    if accept:
        if stage.is_finished:
            raise wrong_status(stage)
        _check_move(plan, stage, locked.proposed_date)
        days = (locked.proposed_date - stage.due_date).days
        stage.due_date = locked.proposed_date
        if days > 0:
            stage.slip_count += 1
            stage.slip_days += days
        stage.reminder_generation += 1
        stage.save(update_fields=["due_date", "slip_count", "slip_days", "reminder_generation"])
        reminders.write_generation(plan=plan, stages=[stage])
    locked.status = DueDateRequestStatus.ACCEPTED if accept else DueDateRequestStatus.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    event = record_event(
        actor=by,
        action="due_date_accepted" if accept else "due_date_declined",
        target=stage,
        from_status=stage.status,
        to_status=stage.status,
        note=f"{locked.proposed_date.isoformat()}" + (f": {note}" if note else ""),
    )
    notices.notify_users(
        notices.officers_of(plan),
        kind="due_date_decided",
        key=f"due-date-decided:{event.pk}",
        subject=gettext_lazy("Due date of %(stage)s, %(title)s: %(decision)s"),
        body=gettext_lazy(
            "Your request to move the due date of %(stage)s to %(new)s: %(decision)s.\n\n%(note)s"
        ),
        url=stage.get_absolute_url(),
        stage=stage.get_kind_display(),
        title=notices.plan_title(plan),
        new=locked.proposed_date.isoformat(),
        decision=DueDateRequestStatus(locked.status).label,
        note=note,
    )
    return locked
