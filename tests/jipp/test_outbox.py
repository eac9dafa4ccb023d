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
from tests.support.mail import FailingBackend, SmtpServer, closed_port


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


# Permanent and transient mail errors, against a real SMTP server --------------------


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.use_in(settings)
        yield server


def _row(user, key="old", **fields):
    """An outbox row as an older release could write it (not through notify)."""
    values = {
        "user": user,
        "email": user.email,
        "kind": "test",
        "subject": "Tahap jatuh tempo",
        "body": "Isi",
        "dedupe_key": key,
        "channel": "email",
        "status": NotificationStatus.PENDING,
        "next_attempt_at": timezone.now(),
        **fields,
    }
    return Notification.objects.create(**values)


@pytest.mark.django_db
def test_a_subject_with_line_breaks_is_written_on_one_line(ministry):
    notification, _ = _notify(
        ministry, subject="Permintaan akun dari Dinas\r\nKesehatan\tKab.\u2028Tapin\x00 "
    )
    assert notification.subject == "Permintaan akun dari Dinas Kesehatan Kab. Tapin"


def test_one_line_collapses_every_control_character_and_keeps_the_limit():
    assert services.one_line("a\nb\rc\x0bd\x0ce\x1cf\x85g\u2029h\x7fi") == "a b c d e f g h i"
    assert services.one_line("  Forum\n\n  FRIPP  ") == "Forum FRIPP"
    assert len(services.one_line("x " * 300)) <= 255


@pytest.mark.django_db
def test_a_message_the_mail_system_accepts_is_sent_through_real_smtp(ministry, smtp):
    notification, _ = _notify(ministry)
    assert tasks.send_notification(notification.pk) == "sent"
    assert len(smtp.messages) == 1 and b"Subject: Tahap jatuh tempo" in smtp.messages[0]


@pytest.mark.django_db
def test_a_refused_header_fails_at_once_with_its_error(ministry, smtp):
    # A row of an older release: a line break in its subject, which Django refuses.
    notification = _row(ministry, subject="Permintaan akun dari Dinas\nKesehatan")
    assert tasks.send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 1 and notification.next_attempt_at is None
    assert "BadHeaderError" in notification.last_error
    assert smtp.messages == []


@pytest.mark.django_db
def test_an_address_that_cannot_be_written_fails_at_once(ministry, smtp):
    notification = _row(ministry, email="bukan alamat@@example")
    assert tasks.send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.last_error


@pytest.mark.django_db
def test_a_recipient_the_server_refuses_for_good_fails_at_once(ministry, smtp):
    smtp.refuse[ministry.email] = "550 5.1.1 No such user here"
    notification, _ = _notify(ministry)
    assert tasks.send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.attempts == 1
    assert "550" in notification.last_error and "No such user" in notification.last_error


@pytest.mark.django_db
def test_a_message_the_server_rejects_for_good_fails_at_once(ministry, smtp):
    smtp.reject_data = "554 5.7.1 Message refused"
    notification, _ = _notify(ministry)
    assert tasks.send_notification(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and "554" in notification.last_error


@pytest.mark.django_db
def test_a_4xx_answer_is_retried_with_backoff_and_sent_once_the_server_accepts(ministry, smtp):
    smtp.refuse[ministry.email] = "451 4.3.0 Mailbox busy, try again later"
    notification, _ = _notify(ministry)
    assert tasks.send_notification(notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and notification.attempts == 1
    assert notification.next_attempt_at > timezone.now() and "451" in notification.last_error
    assert tasks.send_notification(notification.pk) == "not claimed"  # not due yet

    smtp.refuse.clear()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert tasks.send_notification(notification.pk) == "sent"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.last_error == ""
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_retried_then_failed_after_the_usual_attempts(
    ministry, settings
):
    with SmtpServer() as server:
        server.use_in(settings)
    settings.EMAIL_PORT = closed_port()  # connection refused
    notification, _ = _notify(ministry)
    results = []
    for hours in range(5):
        with time_machine.travel(timezone.now() + timedelta(hours=hours * 3)):
            results.append(tasks.send_notification(notification.pk))
    assert results == ["retry", "retry", "retry", "retry", "failed"]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.attempts == 5
    assert "ConnectionRefusedError" in notification.last_error


@pytest.mark.django_db
def test_one_bad_row_never_holds_back_the_rest_of_its_chunk(ministry, bappeda_kalsel, smtp):
    smtp.refuse[bappeda_kalsel.email] = "452 4.2.2 Mailbox full"
    first, _ = _notify(ministry, "first")
    broken = _row(ministry, key="broken", subject="Baris\nrusak")
    refused, _ = _notify(bappeda_kalsel, "refused")
    last, _ = _notify(ministry, "last")
    assert tasks.send_notifications([first.pk, broken.pk, refused.pk, last.pk]) == 2
    status = dict(Notification.objects.values_list("dedupe_key", "status"))
    assert status == {"first": "sent", "broken": "failed", "refused": "pending", "last": "sent"}
    assert len(smtp.messages) == 2


@pytest.mark.django_db
def test_a_chunk_gives_back_what_it_cannot_send_before_its_claims_go_stale(
    ministry, smtp, settings
):
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 0  # every claim is at once too old
    rows = [_notify(ministry, f"k{n}")[0] for n in range(3)]
    assert tasks.send_notifications([row.pk for row in rows]) == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert Notification.objects.filter(claimed_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_claim_that_keeps_going_stale_ends_failed(ministry):
    # A message whose worker dies every time: each recovered claim is an attempt used.
    notification = _row(ministry, status=NotificationStatus.SENDING, attempts=3)
    for expected in (NotificationStatus.PENDING, NotificationStatus.FAILED):
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=11)
        )
        tasks.requeue_notifications()
        notification.refresh_from_db()
        assert notification.status == expected
    assert notification.attempts == 5 and "claim expired" in notification.last_error


@pytest.mark.django_db
def test_the_failed_filter_in_admin_shows_what_failed_and_why(ministry, make_user, smtp):
    operator = make_user("admin", is_staff=True, is_superuser=True)
    smtp.refuse[ministry.email] = "550 5.1.1 No such user here"
    failed, _ = _notify(ministry, "gagal", subject="Rencana disetujui")
    sent, _ = _notify(operator, "terkirim", subject="Terkirim baik")
    tasks.send_notifications([failed.pk, sent.pk])
    from tests.conftest import client_for

    html = client_for(operator).get("/admin/jipp/notification/?status__exact=failed").content
    page = html.decode()
    assert "Rencana disetujui" in page and "No such user here" in page
    assert "Terkirim baik" not in page


@pytest.mark.django_db(transaction=True)
def test_an_account_request_with_a_line_break_leaves_nothing_sending(
    ministry, make_user, kemenpanrb, settings, request
):
    make_user("reviewer2", "ministry", institution=kemenpanrb, language="en")
    with SmtpServer() as smtp:
        smtp.use_in(settings)
        settings.NOTIFICATION_QUEUE_GRACE_SECONDS = 0
        from django.test import Client

        from jipp.models import Province

        response = Client().post(
            "/accounts/request/",
            {
                "institution_name": "Dinas Kesehatan\r\nKabupaten Tapin",
                "institution_kind": "regency_gov",
                "province": Province.objects.get(code="63").pk,
                "contact_name": "Siti\nRahmah",
                "contact_email": "siti@tapinkab.go.id",
                "position": "Kepala\nBagian",
                "message": "Mohon akun.",
            },
        )
        assert response.status_code == 302
        request.getfixturevalue("celery_worker")
        call_command("send_notifications")
        call_command("send_notifications")
        assert wait_for(
            lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
        )
        subjects = [m.split(b"Subject: ", 1)[1].split(b"\r\n", 1)[0] for m in smtp.messages]
    assert len(subjects) == 2
    assert all(b"Kesehatan Kabupaten Tapin" in subject for subject in subjects)


@pytest.mark.django_db
def test_the_email_frame_follows_the_language_its_text_was_written_in(ministry):
    from django.utils import translation

    ministry.language = "id"
    ministry.save(update_fields=["language"])
    with translation.override("en"):  # written before the user switched to Indonesian
        notification, _ = _notify(ministry, subject="Plan approved", body="Approved.")
    assert notification.language == "en"
    assert tasks.send_notification(notification.pk) == "sent"
    assert "You can read all your notifications in the JIPP inbox." in mail.outbox[0].body
