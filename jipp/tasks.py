"""Celery tasks of the outbox. Thin: the database row decides what happens.

A task may run twice (acks late, redelivery, a sweep re-queuing): the conditional
claim `pending -> sending` makes the second run a no-op.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jipp import digests, emails, exports
from jipp.models import Export, Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)

# What a mail server or the network raises; anything else is a bug and is not retried.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def backoff(attempts: int) -> timedelta:
    steps = settings.NOTIFICATION_BACKOFF_MINUTES
    return timedelta(minutes=steps[min(attempts, len(steps)) - 1])


def _claim(ids: list[int]) -> list[Notification]:
    """Take due pending e-mails `pending -> sending`; rows another worker holds are skipped."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(
                pk__in=ids,
                channel=NotificationChannel.EMAIL,
                status=NotificationStatus.PENDING,
                next_attempt_at__lte=now,
            )
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=NotificationStatus.SENDING, claimed_at=now
        )
    return rows


def _send(notification: Notification) -> str:
    try:
        emails.send_notification_email(notification)
    except MAIL_ERRORS as error:
        return _record_failure(notification, error)
    # Marked sent at once, row by row: if the worker dies, at most this one message can
    # go out twice (DESIGN.md section 4), never the rest of a batch.
    Notification.objects.filter(pk=notification.pk, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


@shared_task
def send_notification(notification_id: int) -> str:
    claimed = _claim([notification_id])
    if not claimed:
        return "not claimed"  # sent, failed, not yet due, or another worker has it
    return _send(claimed[0])


def send_notifications(notification_ids: list[int]) -> int:
    """Send many at once: one claim for all of them, then each marked as it goes.

    For the reminder sweep's chunks, where the per-message claim was most of the cost.
    """
    return sum(_send(row) == "sent" for row in _claim(notification_ids))


def _record_failure(notification: Notification, error: Exception) -> str:
    attempts = notification.attempts + 1
    failed = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
    Notification.objects.filter(pk=notification.pk, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=None if failed else timezone.now() + backoff(attempts),
    )
    logger.warning("notification %s attempt %s failed: %s", notification.pk, attempts, error)
    return "failed" if failed else "retry"


@shared_task
def requeue_notifications() -> int:
    """Queue what nobody is sending: due rows never picked up, retries, stale claims."""
    now = timezone.now()
    grace = timedelta(seconds=settings.NOTIFICATION_QUEUE_GRACE_SECONDS)
    stale = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    with transaction.atomic():
        # A worker that died mid-send leaves its claim behind; give the row back.
        Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=stale).update(
            status=NotificationStatus.PENDING, next_attempt_at=now
        )
    due = list(
        Notification.objects.filter(
            Q(next_attempt_at__lte=now - grace)
            | Q(attempts__gt=0, next_attempt_at__lte=now)
            | Q(claimed_at__lt=stale),
            status=NotificationStatus.PENDING,
            channel=NotificationChannel.EMAIL,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:5000]
    )
    for pk in due:
        send_notification.delay(pk)
    return len(due)


@shared_task
def send_digests() -> int:
    """Every quarter hour: the users whose local 08:30 has come get their daily digest."""
    return digests.send_due_digests()


@shared_task
def delete_old_exports() -> int:
    """Generated files are kept for a week; the list they came from can make them again."""
    cutoff = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(Export.objects.filter(created_at__lt=cutoff))
    for export in old:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    return len(old)


# Longer than the default limits: a large workbook takes a while. A run past the soft
# limit marks the export failed and tells its owner.
@shared_task(soft_time_limit=900, time_limit=960)
def build_export(export_id: int) -> str:
    """Build a large XLSX (any registered kind) and send its link to the owner's inbox."""
    return exports.run_export(export_id)


@shared_task
def requeue_exports() -> int:
    """Every minute: queue again the pending exports whose task was lost."""
    return exports.requeue_exports()
