"""Writing and cancelling a stage's reminders (DESIGN.md section 4).

Called inside the transaction that raises `Stage.reminder_generation`, so the rows and
the rise commit together. The sweep (replication.sweep) fires them; their text is built
then, from the stage as it is at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from replication.models import (
    FINISHED_STAGE_STATUSES,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    ReplicationPlan,
    Stage,
)

# Days from the due date, in firing order.
OFFSETS: dict[str, int] = {
    ReminderKind.DUE_IN_7D: -7,
    ReminderKind.DUE_IN_1D: -1,
    ReminderKind.OVERDUE_1D: 1,
    ReminderKind.OVERDUE_7D: 7,
    ReminderKind.ESCALATION_14D: 14,
}
REMIND_AT = time(8, 0)  # local time of the adopting province


class Moment(NamedTuple):
    kind: str
    due_at: datetime  # UTC
    status: str


def moment(due_date: date, zone: tzinfo, days: int) -> datetime:
    """08:00 in the province on due_date + days, as a UTC instant (08:00 WIT is 23:00 UTC)."""
    local = datetime.combine(due_date + timedelta(days=days), REMIND_AT, tzinfo=zone)
    return local.astimezone(UTC)


def schedule(due_date: date, zone: tzinfo, now: datetime) -> list[Moment]:
    """The five moments of a due date. Of those already past, only the latest stays
    scheduled (one catch-up at the next sweep, never a burst); the others are skipped."""
    moments = [(kind, moment(due_date, zone, days)) for kind, days in OFFSETS.items()]
    past = [kind for kind, due_at in moments if due_at <= now]
    skipped = set(past[:-1])
    return [
        Moment(
            kind, due_at, ReminderStatus.SKIPPED if kind in skipped else ReminderStatus.SCHEDULED
        )
        for kind, due_at in moments
    ]


def cancel_open(
    stages: Iterable[Stage] | None = None, *, plan: ReplicationPlan | None = None
) -> int:
    """Cancel the scheduled reminders of these stages (or of every stage of a plan)."""
    rows = Reminder.objects.filter(status=ReminderStatus.SCHEDULED)
    if plan is not None:
        rows = rows.filter(stage__plan=plan)
    else:
        rows = rows.filter(stage__in=[stage.pk for stage in stages or ()])
    return rows.update(status=ReminderStatus.CANCELLED)


def write_generation(*, plan: ReplicationPlan, stages: Iterable[Stage]) -> int:
    """Write the current generation's reminders of these stages; cancel older open ones.

    Only an approved plan's unfinished stages are reminded. `stages` must carry the
    `reminder_generation` just raised. Idempotent for one generation.
    """
    if plan.status != PlanStatus.APPROVED:
        return 0
    open_stages = [stage for stage in stages if stage.status not in FINISHED_STAGE_STATUSES]
    if not open_stages:
        return 0
    # Older rounds' open reminders, of all these stages in one statement.
    older = Q(pk__in=[])
    for stage in open_stages:
        older |= Q(stage_id=stage.pk, generation__lt=stage.reminder_generation)
    Reminder.objects.filter(older, status=ReminderStatus.SCHEDULED).update(
        status=ReminderStatus.CANCELLED
    )
    now, zone = timezone.now(), plan.province.tzinfo
    rows = [
        Reminder(
            stage=stage,
            generation=stage.reminder_generation,
            kind=item.kind,
            due_at=item.due_at,
            status=item.status,
            created_at=now,
        )
        for stage in open_stages
        for item in schedule(stage.due_date, zone, now)
    ]
    # A generation is written once; a second call (a retried request) changes nothing.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
