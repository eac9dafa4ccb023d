"""Every change participants must see is a reschedule: time, mode, venue or meeting link."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from forums import programme, services
from jipp.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(forum_admin, make_session, kalsel_office, bappeda_kalsel):
    session = make_session()
    programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    programme.invite_email(session=session, by=forum_admin, email="tamu@example.org")
    return services.schedule_session(session=session, by=forum_admin)


@pytest.mark.parametrize(
    "change",
    [
        {"meeting_url": "https://meet.example.org/fripp-kalsel-baru"},
        {"venue": "Aula Bappeda Provinsi Kalimantan Selatan, Banjarbaru"},
        {"mode": "hybrid", "venue": "Aula Bappeda Provinsi Kalimantan Selatan"},
    ],
    ids=["meeting link", "venue", "mode"],
)
def test_a_change_participants_must_see_sends_the_update_and_raises_the_sequence(
    scheduled, forum_admin, change
):
    session = services.update_session(
        session=scheduled, by=forum_admin, data=change, version=services.version_of(scheduled)
    )
    assert session.sequence == 1
    updates = Notification.objects.filter(kind="forum_update")
    assert sorted(n.user.username if n.user else n.email for n in updates) == [
        "ahmad",
        "tamu@example.org",
    ]
    event = Calendar.from_ical(updates.first().attachment).events[0]
    assert event["SEQUENCE"] == 1
