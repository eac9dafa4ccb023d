"""The notification outbox: written in the caller's transaction, sent once, never lost."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from jipp import services, tasks
from jipp.celery import app as celery_app
from jipp.digests import send_due_digests
from jipp.models import Notification, NotificationStatus
from tests.support.mail import FailingBackend


def _notify(user, key="k1", **kwargs):
    defaults = {"kind": "test", "subject": "Tahap jatuh tempo", "body": "Isi pesan"}
    return services.notify(user=user, dedupe_key=key, **{**defaults, **kwargs})


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db
def test_a_second_notification_with_the_same_dedupe_key_is_not_created(bappeda_kalsel):
    first, created = _notify(bappeda_kalsel)
    again, created_again = _notify(bappeda_kalsel, subject="Another text")
    assert created and not created_again
    assert again.pk == first.pk
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_an_email_notification_is_queued_only_after_commit(
    bappeda_kalsel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notification, _ = _notify(bappeda_kalsel)
    assert notification.status == NotificationStatus.PENDING
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_digest_and_inbox_rows_are_never_emailed_one_by_one(
    make_user, django_capture_on_commit_callbacks
):
    digest_user = make_user("digest", reminder_channel="digest")
    inbox_user = make_user("inbox", reminder_channel="inbox")
    with django_capture_on_commit_callbacks() as callbacks:
        held_digest, _ = _notify(digest_user, "d1", reminder=True)
        held_inbox, _ = _notify(inbox_user, "i1", reminder=True)
    assert callbacks == []
    assert {held_digest.status, held_inbox.status} == {NotificationStatus.HELD}

    assert tasks.send_notification(held_digest.pk) == "not claimed"
    assert tasks.send_notification(held_inbox.pk) == "not claimed"
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert tasks.requeue_notifications() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_decision_is_emailed_even_to_a_user_who_wants_reminders_in_the_inbox(make_user):
    user = make_user("inbox", reminder_channel="inbox")
    notification, _ = _notify(user, reminder=False)
    assert notification.channel == "email"


@pytest.mark.django_db
def test_the_daily_digest_gathers_held_reminders_at_0830_local_time(make_user):
    # Kalimantan Selatan is WITA (UTC+8): 08:30 there is 00:30 UTC.
    officer = make_user("digest", reminder_channel="digest", province_code="63")
    inbox_only = make_user("inbox", reminder_channel="inbox", province_code="63")
    with time_machine.travel("2026-03-02 00:00Z"):
        for n in range(3):
            _notify(officer, f"r{n}", reminder=True, subject=f"Pengingat {n}")
        _notify(inbox_only, "other", reminder=True)
    with time_machine.travel("2026-03-02 00:20Z"):  # 08:20 WITA: too early
        assert send_due_digests() == 0
    with time_machine.travel("2026-03-02 00:31Z"):
        assert send_due_digests() == 1
        assert send_due_digests() == 0  # the same day, nothing twice

    digest = Notification.objects.get(kind="digest")
    assert digest.user == officer and digest.channel == "email"
    assert all(f"Pengingat {n}" in digest.body for n in range(3))
    assert Notification.objects.filter(status=NotificationStatus.DIGESTED).count() == 3
    assert Notification.objects.get(dedupe_key="other").status == NotificationStatus.HELD


@pytest.mark.django_db
def test_a_mail_server_error_is_retried_with_backoff_then_marked_failed(ministry, settings):
    settings.EMAIL_BACKEND = "tests.support.mail.FailingBackend"
    FailingBackend.failures = -1
    notification, _ = _notify(ministry)
    start = timezone.now()
    delays = []
    for attempt in range(1, 6):
        with time_machine.travel(start + timedelta(hours=attempt * 3), tick=False):
            assert tasks.send_notification(notification.pk) in {"retry", "failed"}
            notification.refresh_from_db()
            assert notification.attempts == attempt
            if notification.next_attempt_at:
                delays.append(notification.next_attempt_at - timezone.now())
            # Not due yet: a second delivery of the same task does nothing.
            assert tasks.send_notification(notification.pk) == "not claimed"
    assert notification.status == NotificationStatus.FAILED
    assert "SMTPServerDisconnected" in notification.last_error
    assert delays == sorted(delays) and delays[0] >= timedelta(minutes=1)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_mail_server_that_recovers_gets_the_message_once(ministry, settings):
    settings.EMAIL_BACKEND = "tests.support.mail.FailingBackend"
    FailingBackend.failures = 3
    notification, _ = _notify(ministry)
    results = []
    for hours in range(5):
        with time_machine.travel(timezone.now() + timedelta(hours=hours * 3)):
            results.append(tasks.send_notification(notification.pk))
    assert results == ["retry", "retry", "retry", "sent", "not claimed"]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_stale_claim_of_a_dead_worker_is_recovered(ministry, celery_worker):
    # A worker claimed this row eleven minutes ago and died before sending.
    notification = Notification.objects.create(
        user=ministry,
        email=ministry.email,
        kind="test",
        subject="S",
        body="B",
        dedupe_key="dead-worker",
        channel="email",
        status=NotificationStatus.SENDING,
        next_attempt_at=timezone.now() - timedelta(minutes=11),
        claimed_at=timezone.now() - timedelta(minutes=11),
    )
    # A claim is someone else's: a redelivered task leaves it alone.
    assert tasks.send_notification(notification.pk) == "not claimed"

    # The sweep gives it back and the worker sends it, once.
    assert tasks.requeue_notifications() == 1
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent")
    assert tasks.requeue_notifications() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_concurrent_senders_claims_a_row(ministry, settings):
    settings.EMAIL_BACKEND = "tests.support.mail.SlowBackend"
    notification, _ = _notify(ministry)
    barrier = threading.Barrier(2)
    results = []

    def sender():
        barrier.wait()
        try:
            results.append(tasks.send_notification(notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["not claimed", "sent"]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_one_notification_travels_through_a_real_worker(ministry, celery_worker):
    with transaction.atomic():
        notification, _ = _notify(ministry, subject="Rencana disetujui")
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent")
    assert [m.subject for m in mail.outbox] == ["Rencana disetujui"]
    assert mail.outbox[0].to == [ministry.email]


@pytest.mark.django_db(transaction=True)
def test_a_request_succeeds_with_redis_down_and_the_sweep_sends_later(
    request, client, make_user, ministry, settings
):
    invitee = make_user("baru", invited_by=ministry)
    invitee.set_unusable_password()
    invitee.save()
    from jipp.emails import invitation_token

    url = f"/accounts/invitation/{invitation_token(invitee)}/"
    broker = celery_app.conf.broker_url
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0")  # nothing listens there
    celery_app.close()  # drop pooled connections to the real Redis
    try:
        response = client.post(
            url, {"new_password1": "Sahabat-Rimba-2020", "new_password2": "Sahabat-Rimba-2020"}
        )
    finally:
        celery_app.conf.update(broker_url=broker)
        celery_app.close()
    assert response.status_code == 302
    notification = Notification.objects.get(kind="invitation_accepted")
    assert notification.status == NotificationStatus.PENDING

    # Redis is back: the worker runs, and the operator's sweep finds the row.
    request.getfixturevalue("celery_worker")
    settings.NOTIFICATION_QUEUE_GRACE_SECONDS = 0
    call_command("send_notifications")
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).status == "sent")
    assert [m.to for m in mail.outbox] == [[ministry.email]]
