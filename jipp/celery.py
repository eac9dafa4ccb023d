"""The Celery app: one worker pool and exactly one beat, on a static schedule."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jipp.settings")

app = Celery("jipp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Static on purpose: one beat process reads it; no schedule lives in the database.
app.conf.beat_schedule = {
    "requeue-notifications": {
        "task": "jipp.tasks.requeue_notifications",
        "schedule": 60.0,
    },
    "requeue-exports": {
        "task": "jipp.tasks.requeue_exports",
        "schedule": 60.0,
    },
    "delete-old-exports": {
        "task": "jipp.tasks.delete_old_exports",
        "schedule": crontab(hour=2, minute=0),
    },
    "fire-due-reminders": {
        "task": "replication.tasks.fire_due_reminders",
        "schedule": 120.0,
    },
    "remind-forum-participants": {
        "task": "forums.tasks.remind_participants",
        "schedule": crontab(minute="*/15"),
    },
    "send-digests": {
        "task": "jipp.tasks.send_digests",
        "schedule": crontab(minute="*/15"),
    },
}
