"""Every e-mail of the portal is marked automatic; reminders, messages and digests say
where to choose how they arrive."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail

from jipp import emails, services, tasks
from jipp.digests import send_due_digests
from jipp.models import Notification
from tests.jipp.test_outbox import smtp  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

PREFERENCES = "/accounts/preferences/"


def _send(**kwargs) -> mail.EmailMessage:
    defaults = {"kind": "test", "subject": "Tahap jatuh tempo", "body": "Isi pesan"}
    notification, _ = services.notify(**{"dedupe_key": "k1", **defaults, **kwargs})
    assert tasks.send_notification(notification.pk) == "sent"
    return mail.outbox[-1]


def test_an_outbox_email_carries_auto_submitted_through_real_smtp(ministry, smtp):  # noqa: F811
    notification, _ = services.notify(
        user=ministry, dedupe_key="k1", kind="test", subject="Rencana disetujui", body="Isi"
    )
    assert tasks.send_notification(notification.pk) == "sent"
    assert b"Auto-Submitted: auto-generated" in smtp.messages[0]


def test_an_invitation_carries_auto_submitted(ministry, make_user):
    invitee = make_user("baru", invited_by=ministry)
    invitee.set_unusable_password()
    invitee.save()
    emails.send_invitation(invitee.pk)
    assert mail.outbox[0].extra_headers == {"Auto-Submitted": "auto-generated"}


def test_a_reminder_or_message_links_to_the_preferences_page(bappeda_kalsel):
    message = _send(user=bappeda_kalsel, reminder=True, url="/replication/")
    assert PREFERENCES in message.body
    html = message.alternatives[0][0]
    assert f'href="http://testserver{PREFERENCES}"' in html or PREFERENCES in html


def test_the_daily_digest_links_to_the_preferences_page(make_user):
    officer = make_user("digest", reminder_channel="digest", province_code="63")
    with time_machine.travel("2026-03-02 00:00Z"):
        services.notify(
            user=officer,
            dedupe_key="r1",
            kind="test",
            subject="Pengingat",
            body="Isi",
            reminder=True,
        )
    with time_machine.travel("2026-03-02 00:31Z"):
        assert send_due_digests() == 1
    digest = Notification.objects.get(kind="digest")
    assert tasks.send_notification(digest.pk) == "sent"
    assert PREFERENCES in mail.outbox[-1].body


def test_a_mail_to_someone_without_an_account_has_no_preferences_link():
    message = _send(email="siti@tapinkab.go.id")
    assert PREFERENCES not in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
