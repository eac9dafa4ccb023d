"""The reminder sweep: claim due reminders, write their notifications, mark them fired.

Run by beat (replication.tasks.fire_due_reminders) and by `manage.py fire_reminders`.
Each batch is one transaction. Its rows are claimed with FOR UPDATE SKIP LOCKED, so a
second sweep at the same moment takes other rows or none, and a row is fired once: a
repeated sweep finds it fired, and the notification's dedupe key
("reminder:<reminder id>:<user id>") refuses a second row even so.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from jipp.models import Notification, NotificationChannel, NotificationStatus, Role, User
from replication import reminder_texts
from replication.models import (
    FINISHED_STAGE_STATUSES,
    PlanStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
TIME_BUDGET_SECONDS = 60.0  # beat runs the sweep again two minutes later: never overlap much
SEND_CHUNK = 25  # e-mails per send task: well within its time limit on a slow mail server


# What firing reads: not the innovation's long texts.
CLAIMED_FIELDS = [
    "generation",
    "kind",
    "due_at",
    "status",
    "stage__kind",
    "stage__status",
    "stage__due_date",
    "stage__reminder_generation",
    "stage__plan__status",
    "stage__plan__local_name",
    "stage__plan__approved_by_id",
    "stage__plan__province__name",
    "stage__plan__province__timezone",
    "stage__plan__innovation__title",
]


@dataclass
class Result:
    fired: int = 0
    cancelled: int = 0
    skipped: int = 0  # missed moments of a stage whose later moment went instead
    notifications: int = 0
    batches: int = 0
    queue_seconds: float = 0.0  # spent handing e-mails to Redis after each commit


def dedupe_key(reminder: Reminder, user: User) -> str:
    return f"reminder:{reminder.pk}:{user.pk}"


def fire_due_reminders(
    *, batch_size: int = BATCH_SIZE, time_budget: float = TIME_BUDGET_SECONDS
) -> Result:
    """Fire every reminder due now, batch by batch, until none is left or time is up."""
    now = timezone.now()  # rows falling due while this runs wait for the next sweep
    started, result = time.monotonic(), Result()
    while True:
        claimed = _fire_batch(now, batch_size, result)
        if claimed < batch_size or time.monotonic() - started > time_budget:
            return result


def claim(now: datetime, limit: int) -> QuerySet[Reminder]:
    """Due scheduled reminders not claimed by another sweep, read through the partial
    index `reminder_due`; call inside a transaction."""
    return (
        Reminder.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status=ReminderStatus.SCHEDULED, due_at__lte=now)
        .select_related("stage__plan__province", "stage__plan__innovation")
        .only(*CLAIMED_FIELDS)
        .order_by("due_at")[:limit]
    )


@transaction.atomic
def _fire_batch(now: datetime, limit: int, result: Result) -> int:
    claimed = list(claim(now, limit))
    if not claimed:
        return 0
    result.batches += 1
    live, stale = [], []
    for reminder in claimed:
        stage, plan = reminder.stage, reminder.stage.plan
        # The stage as it is now decides: finished, plan no longer approved, or an older
        # round that slipped through: nobody is reminded.
        if (
            stage.status in FINISHED_STAGE_STATUSES
            or plan.status != PlanStatus.APPROVED
            or reminder.generation != stage.reminder_generation
        ):
            stale.append(reminder.pk)
        else:
            live.append(reminder)
    # After an outage several moments of one stage may be due at once: like a round
    # written late, only the latest is sent, the earlier ones are skipped (no burst).
    latest = {reminder.stage_id: reminder for reminder in live}  # claimed by due_at
    missed = [reminder.pk for reminder in live if latest[reminder.stage_id] is not reminder]
    live = list(latest.values())
    rows = _notifications(live, now)
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    to_send = list(
        Notification.objects.filter(
            dedupe_key__in=[row.dedupe_key for row in rows if row.channel == "email"],
            status=NotificationStatus.PENDING,
        ).values_list("pk", flat=True)
    )
    Reminder.objects.filter(pk__in=[r.pk for r in live]).update(
        status=ReminderStatus.FIRED, fired_at=now
    )
    Reminder.objects.filter(pk__in=stale).update(status=ReminderStatus.CANCELLED)
    Reminder.objects.filter(pk__in=missed).update(status=ReminderStatus.SKIPPED)
    if to_send:
        # robust: with Redis down the rows are committed anyway and
        # jipp.tasks.requeue_notifications queues them once it is back.
        transaction.on_commit(partial(_queue, to_send, result), robust=True)
    result.fired += len(live)
    result.cancelled += len(stale)
    result.skipped += len(missed)
    result.notifications += len(rows)
    return len(claimed)


def _recipients(reminders: list[Reminder]) -> dict[int, list[User]]:
    """Reminder id -> its users: the province's active Bappeda officers; for the
    escalation also the approving reviewer, or every active reviewer when that
    account is inactive, no longer a reviewer, or gone."""
    provinces = {r.stage.plan.province_id for r in reminders}
    officers: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.in_role(Role.BAPPEDA).filter(province_id__in=provinces):
        officers[user.province_id].append(user)  # type: ignore[index]
    escalations = [r for r in reminders if r.kind == ReminderKind.ESCALATION_14D]
    reviewers = (
        {user.pk: user for user in User.objects.in_role(Role.MINISTRY)} if escalations else {}
    )
    recipients: dict[int, list[User]] = {}
    for reminder in reminders:
        plan = reminder.stage.plan
        users = list(officers[plan.province_id])
        if reminder.kind == ReminderKind.ESCALATION_14D:
            approver = reviewers.get(plan.approved_by_id or 0)
            extra = [approver] if approver else list(reviewers.values())
            users += [user for user in extra if user not in users]
        recipients[reminder.pk] = users
    return recipients


def _notifications(reminders: list[Reminder], now: datetime) -> list[Notification]:
    """One row per reminder and recipient, in the recipient's language and channel
    (the rules of jipp.services.notify for reminders, written in bulk)."""
    rows = []
    recipients = _recipients(reminders)
    texts: dict[tuple[int, str], reminder_texts.Text] = {}
    for reminder in reminders:
        stage = reminder.stage
        today = now.astimezone(stage.plan.province.tzinfo).date()
        for user in recipients[reminder.pk]:
            key = (reminder.pk, user.language)
            if key not in texts:
                with translation.override(user.language):
                    texts[key] = reminder_texts.build(stage, reminder.kind, today)
            text = texts[key]
            channel = user.reminder_channel
            if channel == NotificationChannel.EMAIL and not user.email:
                channel = NotificationChannel.INBOX  # nobody to e-mail: the inbox has it
            email = channel == NotificationChannel.EMAIL
            rows.append(
                Notification(
                    user=user,
                    email=user.email,
                    kind=f"reminder_{reminder.kind}",
                    subject=text.subject,
                    body=text.body,
                    url=text.url,
                    dedupe_key=dedupe_key(reminder, user),
                    language=user.language,
                    channel=channel,
                    status=NotificationStatus.PENDING if email else NotificationStatus.HELD,
                    next_attempt_at=now if email else None,
                    created_at=now,
                )
            )
    return rows


def _queue(notification_ids: list[int], result: Result) -> None:
    started = time.monotonic()
    try:
        queue_sends(notification_ids)
    finally:
        result.queue_seconds += time.monotonic() - started


def queue_sends(notification_ids: Iterable[int]) -> None:
    """Queue a batch's e-mails in chunks (replication.tasks.send_reminder_emails), over
    one broker connection."""
    from jipp.celery import app
    from replication.tasks import send_reminder_emails

    ids = list(notification_ids)
    with app.producer_or_acquire() as producer:
        for start in range(0, len(ids), SEND_CHUNK):
            send_reminder_emails.apply_async((ids[start : start + SEND_CHUNK],), producer=producer)
