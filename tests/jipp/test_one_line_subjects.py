"""A line break typed into any field that reaches a notification's subject: the subject
is one line, and every e-mail goes out (none stays `sending`, none fails)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from forums import programme
from forums import services as forum_services
from innovations import services as innovation_services
from jipp import services, tasks
from jipp.models import Institution, Notification, NotificationStatus, Province
from replication import services as plan_services
from tests.conftest import indicator_rows
from tests.forums.conftest import session_data
from tests.replication.conftest import plan_data
from tests.support.mail import SmtpServer

pytestmark = pytest.mark.django_db

BREAK = "\r\n"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.use_in(settings)
        yield server


def test_every_user_typed_field_that_reaches_a_subject_stays_on_one_line(
    smtp, ministry, forum_admin, bappeda_kalsel, innovator_diy, make_user, make_innovation
):
    # An institution's name, from a public account request.
    Client().post(
        "/accounts/request/",
        {
            "institution_name": f"Dinas Kesehatan{BREAK}Kabupaten Tapin",
            "institution_kind": "regency_gov",
            "province": Province.objects.get(code="63").pk,
            "contact_name": "Siti Rahmah",
            "contact_email": "siti@tapinkab.go.id",
            "position": "Kepala Bagian",
        },
    )
    # A person's name, shown when they accept their invitation.
    invitee = make_user("baru", first_name=f"Siti{BREAK}Rahmah", invited_by=ministry)
    services.accept_invitation(user=invitee, password="Sahabat-Rimba-2020")
    # An innovation's title, submitted and decided.
    Institution.objects.filter(pk=innovator_diy.institution_id).update(
        name=f"Balai KPH{BREAK}Yogyakarta"
    )
    innovator_diy.refresh_from_db()
    innovation = make_innovation(
        f"Menggapai Mimpi{BREAK}Sahabat Rimba",
        innovator=innovator_diy.institution,
        status="draft",
    )
    innovation_services.submit_innovation(innovation=innovation, by=innovator_diy)
    innovation_services.decide(innovation=innovation, by=ministry, decision="approve", note="")
    innovation.refresh_from_db()
    # A plan's local name: its decisions, its stage reminders, and a message on it
    # from an institution whose name has a line break too.
    adopter = Institution.objects.create(
        name=f"Dinas Kehutanan{BREAK}Kalimantan Selatan",
        slug="dinas-kehutanan-kalsel",
        kind="province_gov",
        province=Province.objects.get(code="63"),
    )
    plan = plan_services.file_plan(
        by=bappeda_kalsel,
        data=plan_data(innovation, adopter, local_name=f"Sahabat Hutan{BREAK}Banua"),
        indicators=indicator_rows(),
    )
    plan_services.submit_plan(plan=plan, by=bappeda_kalsel)
    plan_services.approve_plan(plan=plan, by=ministry)
    plan_services.post_message(plan=plan, by=innovator_diy, body="Selamat!")
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        call_command("fire_reminders")
    # A forum's title (a session without a number is named by its title).
    session = forum_services.create_session(
        by=forum_admin, data=session_data("63", title=f"Forum Replikasi{BREAK}Banua", number=None)
    )
    programme.invite_institution(
        session=session, by=forum_admin, institution=bappeda_kalsel.institution
    )
    forum_services.schedule_session(session=session, by=forum_admin)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "account_request",
        "invitation_accepted",
        "innovation_submitted",
        "innovation_decided",
        "plan_submitted",
        "plan_decided",
        "plan_message",
        "forum_invitation",
    } <= kinds
    assert any(kind.startswith("reminder_") for kind in kinds)
    reminders = Notification.objects.filter(kind__startswith="reminder_", user=bappeda_kalsel)
    assert {row.language for row in reminders} == {bappeda_kalsel.language}
    for subject in Notification.objects.values_list("subject", flat=True):
        assert not CONTROL.search(subject), subject
    assert Notification.objects.filter(subject__contains="Sahabat Hutan Banua").exists()
    assert Notification.objects.filter(subject__contains="Kesehatan Kabupaten Tapin").exists()
    assert Notification.objects.filter(subject__contains="Forum Replikasi Banua").exists()

    emails = list(
        Notification.objects.filter(status=NotificationStatus.PENDING).values_list("pk", flat=True)
    )
    with time_machine.travel(timezone.now() + timedelta(days=401)):
        assert tasks.send_notifications(emails) == len(emails)
    assert not Notification.objects.filter(
        status__in=[NotificationStatus.SENDING, NotificationStatus.FAILED]
    ).exists()
    assert len(smtp.messages) == len(emails)
