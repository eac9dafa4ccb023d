"""Celery tasks of replication. Thin: the database row decides what happens."""

from __future__ import annotations

from celery import shared_task

from jipp.tasks import send_notifications
from replication import sweep


@shared_task
def fire_due_reminders() -> int:
    """Beat's sweep (every two minutes): fire what is due; a second run finds nothing."""
    return sweep.fire_due_reminders().fired


@shared_task(soft_time_limit=100, time_limit=120)
def send_reminder_emails(notification_ids: list[int]) -> int:
    """Send a chunk of the sweep's e-mails through the outbox (jipp.tasks).

    One message per chunk instead of per e-mail, and one claim for the chunk: at national
    scale the broker round trips and the claims, not the mail, were the cost. A chunk
    delivered twice, or cut short, changes nothing: rows are claimed `pending -> sending`
    first, and what is left pending is queued again by jipp.tasks.requeue_notifications.
    """
    return send_notifications(notification_ids)
