"""Celery tasks of the outbox. Thin: the database row decides what happens.

A task may run twice (acks late, redelivery, a sweep re-queuing): the conditional
claim `pending -> sending` makes the second run a no-op.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from jipp import digests, emails, exports
from jipp.models import Export, Notification, NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)


def is_permanent(error: Exception) -> bool:
    """Whether sending this message can never succeed, however often it is tried.

    Permanent: a header Django refuses (a line break in the subject of an old row), an
    address that cannot be written (both ValueError), a recipient or a message the
    server refuses with a 5xx answer. Everything else (no connection, a timeout, a 4xx
    answer, the server refusing our own sender or login) is the mail system's state,
    and is tried again with the backoff.
    """
    if isinstance(error, ValueError):  # BadHeaderError, UnicodeError, "Invalid address"
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


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
    except Exception as error:
        # Whatever one row raises is that row's outcome: it never leaves the row
        # `sending` nor stops the rest of a chunk.
        if not isinstance(error, (smtplib.SMTPException, OSError, ValueError)):
            logger.exception("notification %s: unexpected error while sending", notification.pk)
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
    A slow mail server must not let the chunk's later claims go stale (the sweep would
    hand them to another worker while this one still holds them): past half the claim
    timeout, the rest is given back to the outbox and queued again.
    """
    rows = _claim(notification_ids)
    started = time.monotonic()
    budget = settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS / 2
    sent = 0
    for index, row in enumerate(rows):
        if time.monotonic() - started > budget:
            _release(rows[index:])
            break
        sent += _send(row) == "sent"
    return sent


def _release(rows: list[Notification]) -> None:
    Notification.objects.filter(
        pk__in=[row.pk for row in rows], status=NotificationStatus.SENDING
    ).update(status=NotificationStatus.PENDING, next_attempt_at=timezone.now(), claimed_at=None)


def _record_failure(notification: Notification, error: Exception) -> str:
    attempts = notification.attempts + 1
    permanent = is_permanent(error)
    failed = permanent or attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
    reason = f"{type(error).__name__}: {error}"
    if permanent:
        reason = f"Not retried, the message cannot be sent as it is. {reason}"
    Notification.objects.filter(pk=notification.pk, status=NotificationStatus.SENDING).update(
        status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
        attempts=attempts,
        last_error=reason[:2000],
        next_attempt_at=None if failed else timezone.now() + backoff(attempts),
    )
    logger.warning("notification %s attempt %s failed: %s", notification.pk, attempts, error)
    if failed:
        return "failed"
    return "retry"


@shared_task
def requeue_notifications() -> int:
    """Queue what nobody is sending: due rows never picked up, retries, stale claims."""
    now = timezone.now()
    grace = timedelta(seconds=settings.NOTIFICATION_QUEUE_GRACE_SECONDS)
    stale = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    with transaction.atomic():
        # A worker that died mid-send leaves its claim behind: the row comes back with
        # one attempt used, so a message that stops its worker every time ends `failed`.
        stale_claims = Notification.objects.filter(
            status=NotificationStatus.SENDING, claimed_at__lt=stale
        )
        lost = "The sending worker stopped before finishing (claim expired)."
        stale_claims.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS - 1).update(
            status=NotificationStatus.FAILED,
            attempts=F("attempts") + 1,
            last_error=lost,
            next_attempt_at=None,
        )
        stale_claims.update(
            status=NotificationStatus.PENDING,
            attempts=F("attempts") + 1,
            last_error=lost,
            next_attempt_at=now,
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


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=3)
def send_password_reset(user_id: int | None) -> bool:
    """Build and mail a password-reset link; None (no such account) does nothing."""
    return user_id is not None and emails.send_password_reset(user_id)


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
