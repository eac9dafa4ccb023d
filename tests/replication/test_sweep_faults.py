"""Reminders under faults, and end to end through a real Celery worker on Redis.

The outbox's own faults (a mail server failing, a dead worker's claim, two senders) are
tested on plain notifications in tests/jipp/test_outbox.py; here they are reproduced on
the rows the sweep writes, with the mail server as the only stand-in.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from jipp import tasks as outbox
from jipp.celery import app as celery_app
from jipp.models import Notification, NotificationStatus
from replication import stage_services, sweep
from replication import tasks as replication_tasks
from replication.models import Reminder
from tests.replication import reminder_fixtures
from tests.replication.conftest import pdf, stage
from tests.replication.reminder_fixtures import first_stage
from tests.support.mail import FailingBackend

# The shared reminder fixtures (tests/replication/reminder_fixtures.py).
officer_of = reminder_fixtures.officer_of
plan_in = reminder_fixtures.plan_in


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def reminded():
    return Notification.objects.filter(kind__startswith="reminder_")


@contextlib.contextmanager
def redis_unreachable() -> Iterator[None]:
    """Point this process's Celery at a port nobody listens on (the shared Redis stays up)."""
    broker = celery_app.conf.broker_url
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0")
    celery_app.close()  # drop pooled connections to the real Redis
    try:
        yield
    finally:
        celery_app.conf.update(broker_url=broker)
        celery_app.close()


@pytest.mark.django_db(transaction=True)
def test_with_redis_unreachable_nothing_is_lost_and_the_next_sweep_catches_up(
    request, plan_in, officer_of, settings
):
    officer = officer_of("63")
    plan = plan_in("63", date.today() + timedelta(days=30))
    stage_services.start_stage(stage=stage(plan), by=officer)
    learning = Reminder.objects.get(stage=stage(plan, "learning"), kind="due_in_7d")
    Reminder.objects.filter(pk=learning.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    with redis_unreachable():
        # Completing a stage and firing a reminder both succeed without Redis.
        stage_services.complete_stage(
            stage=stage(plan), by=officer, note="Selesai.", evidence_files=[pdf()]
        )
        assert sweep.fire_due_reminders().fired == 1
    assert not Reminder.objects.filter(stage=first_stage(plan), status="scheduled").exists()
    waiting = Notification.objects.filter(kind__in=["stage_done", "reminder_due_in_7d"])
    assert set(waiting.values_list("status", flat=True)) == {"pending"}
    assert waiting.count() == 2  # the reviewer's "to verify" and the officer's reminder

    # Redis is back: the worker runs and the outbox's sweep queues what waited.
    request.getfixturevalue("celery_worker")
    settings.NOTIFICATION_QUEUE_GRACE_SECONDS = 0
    call_command("send_notifications")
    assert wait_for(lambda: set(waiting.values_list("status", flat=True)) == {"sent"})
    for row in waiting:
        assert [m.to for m in mail.outbox if m.subject == row.subject] == [[row.email]]
    assert sweep.fire_due_reminders().fired == 0


def _fired_reminder_notification(plan_in) -> Notification:
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan_in("63", date(2026, 4, 10))
    with time_machine.travel("2026-04-03 00:00Z", tick=False):
        sweep.fire_due_reminders()
    return reminded().get()


@pytest.mark.django_db
def test_a_reminder_survives_a_mail_server_failing_three_times_and_is_sent_once(plan_in, settings):
    settings.EMAIL_BACKEND = "tests.support.mail.FailingBackend"
    FailingBackend.failures = 3
    notification = _fired_reminder_notification(plan_in)
    results = []
    for hours in range(6):
        with time_machine.travel(timezone.now() + timedelta(hours=3 * hours)):
            results.append(outbox.send_notification(notification.pk))
    assert results == ["retry", "retry", "retry", "sent", "not claimed", "not claimed"]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == notification.subject


@pytest.mark.django_db
def test_a_reminder_whose_mail_server_always_fails_is_failed_after_five_attempts(plan_in, settings):
    settings.EMAIL_BACKEND = "tests.support.mail.FailingBackend"
    FailingBackend.failures = -1
    notification = _fired_reminder_notification(plan_in)
    for hours in range(7):
        with time_machine.travel(timezone.now() + timedelta(hours=3 * hours)):
            outbox.send_notification(notification.pk)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.FAILED, 5)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_chunk_of_reminder_emails_delivered_twice_sends_each_once(plan_in, officer_of):
    officer_of("63")
    officer_of("63", "bappeda63b")
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan_in("63", date(2026, 4, 10))
    with time_machine.travel("2026-04-03 00:00Z", tick=False):
        sweep.fire_due_reminders()
    ids = list(reminded().values_list("pk", flat=True))
    assert replication_tasks.send_reminder_emails(ids) == 2
    assert replication_tasks.send_reminder_emails(ids) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_reminder_claimed_by_a_worker_that_died_is_recovered_and_sent_once(request, plan_in):
    notification = _fired_reminder_notification(plan_in)
    # A worker claimed the row eleven minutes ago and was killed before sending.
    eleven = timezone.now() - timedelta(minutes=11)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, claimed_at=eleven, next_attempt_at=eleven
    )
    assert outbox.send_notification(notification.pk) == "not claimed"
    request.getfixturevalue("celery_worker")
    assert outbox.requeue_notifications() >= 1
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent")
    assert outbox.requeue_notifications() == 0
    assert [m.subject for m in mail.outbox if m.subject == notification.subject] == [
        notification.subject
    ]


# End to end: the beat schedule's task, a real worker on Redis, the mail backend.
# Kalimantan Selatan is WITA: 08:00 there on 20 November 2026 is 00:00 UTC.
T_MINUS_7 = "2026-11-20 00:01Z"
DUE = date(2026, 11, 27)


@pytest.mark.django_db(transaction=True)
def test_a_stage_due_in_seven_days_yields_one_email_per_officer(plan_in, officer_of, celery_worker):
    officers = [officer_of("63"), officer_of("63", "bappeda63b")]
    with time_machine.travel("2026-10-01 03:00Z", tick=False):
        plan_in("63", DUE)
    with time_machine.travel(T_MINUS_7):
        replication_tasks.fire_due_reminders.delay()
        assert wait_for(lambda: reminded().filter(status="sent").count() == 2)
    assert Reminder.objects.filter(status="fired").count() == 1
    sent = [m for m in mail.outbox if m.subject == reminded().first().subject]
    assert sorted(m.to[0] for m in sent) == sorted(officer.email for officer in officers)
    assert "27 November 2026" in sent[0].subject


@pytest.mark.django_db(transaction=True)
def test_a_digest_user_gets_one_email_for_three_reminders(
    plan_in, officer_of, make_institution, celery_worker
):
    officer = officer_of("63", reminder_channel="digest")
    with time_machine.travel("2026-10-01 03:00Z", tick=False):
        for _ in range(3):
            plan_in("63", DUE)
    with time_machine.travel(T_MINUS_7):
        replication_tasks.fire_due_reminders.delay()
        assert wait_for(lambda: reminded().filter(status="held").count() == 3)
    with time_machine.travel("2026-11-20 00:31Z"):  # 08:31 WITA
        outbox.send_digests.delay()
        assert wait_for(lambda: Notification.objects.filter(kind="digest", status="sent").exists())
    digest = Notification.objects.get(kind="digest")
    (subject,) = set(reminded().values_list("subject", flat=True))  # three alike plans
    assert digest.body.count(subject) == 3
    subjects = {subject}
    mine = [m for m in mail.outbox if m.to == [officer.email]]
    assert [m.subject for m in mine if m.subject in subjects | {digest.subject}] == [digest.subject]
    assert set(reminded().values_list("status", flat=True)) == {"digested"}
