"""Celery tasks of forums. Thin: the database rows decide what happens."""

from __future__ import annotations

from celery import shared_task

from forums import reminders


@shared_task
def remind_participants() -> int:
    """On beat every 15 minutes: remind participants of tomorrow's forums (08:00 local)."""
    return reminders.remind_participants()
