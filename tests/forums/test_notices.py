"""Invitations, updates and cancellations: one notice per person per change, with the .ics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from forums import programme, services
from jipp.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def invited(forum_admin, make_session, make_user, kalsel_office, bappeda_kalsel):
    """A draft with an institution (two active users, one inactive) and a guest by e-mail."""
    session = make_session()
    make_user("rina", institution=kalsel_office, language="en")
    make_user("lama", institution=kalsel_office, is_active=False)
    programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    programme.invite_email(session=session, by=forum_admin, email="tamu@example.org")
    return session


def notices(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=f"forum_{kind}").order_by("pk"))


def recipients(kind: str) -> list[str]:
    return sorted(n.user.username if n.user else n.email for n in notices(kind))


def test_nothing_is_sent_while_the_session_is_a_draft(invited):
    assert not Notification.objects.exists()


def test_scheduling_invites_every_active_user_and_guest_once(invited, forum_admin):
    services.schedule_session(session=invited, by=forum_admin)
    assert recipients("invitation") == ["ahmad", "rina", "tamu@example.org"]
    assert all(p.invited_at for p in invited.participants.all())
    note = notices("invitation")[0]
    assert note.url == f"/forums/{invited.pk}/"
    assert note.attachment_name == f"fripp-{invited.pk}.ics"
    assert note.attachment_type == "text/calendar"
    event = Calendar.from_ical(note.attachment).events[0]
    assert str(event["UID"]).startswith(f"fripp-{invited.pk}@")


def test_texts_are_in_each_recipients_language(invited, forum_admin):
    services.schedule_session(session=invited, by=forum_admin)
    by_user = {n.user.username: n for n in notices("invitation") if n.user}
    assert by_user["rina"].subject.startswith("Invitation: FRIPP ke-6 · Kalimantan Selatan")
    assert "WITA" in by_user["rina"].subject
    assert "Meeting link: https://meet.example.org/fripp-kalsel" in by_user["rina"].body


def test_a_later_invitation_to_a_scheduled_session_goes_out_at_once_to_the_newcomer_only(
    invited, forum_admin, bappeda_jateng
):
    services.schedule_session(session=invited, by=forum_admin)
    programme.invite_institution(
        session=invited, by=forum_admin, institution=bappeda_jateng.institution
    )
    assert recipients("invitation") == ["ahmad", "rina", "sri", "tamu@example.org"]


def reschedule(session, by, hours: int = 1):
    moved = session.starts_at + timedelta(hours=hours)
    data = {"starts_at": moved, "ends_at": moved + timedelta(hours=3)}
    return services.update_session(
        session=session, by=by, data=data, version=services.version_of(session)
    )


def test_a_reschedule_notifies_each_participant_exactly_once(invited, forum_admin):
    session = services.schedule_session(session=invited, by=forum_admin)
    session = reschedule(session, forum_admin)
    assert session.sequence == 1
    assert recipients("update") == ["ahmad", "rina", "tamu@example.org"]
    # The same data again is no change: nothing new is sent, the sequence stays.
    target = {"starts_at": session.starts_at, "ends_at": session.ends_at}
    session = services.update_session(
        session=session, by=forum_admin, data=target, version=services.version_of(session)
    )
    assert session.sequence == 1
    assert len(notices("update")) == 3
    update = notices("update")[0]
    event = Calendar.from_ical(update.attachment).events[0]
    assert event["SEQUENCE"] == 1


def test_a_second_reschedule_is_announced_again(invited, forum_admin):
    session = services.schedule_session(session=invited, by=forum_admin)
    session = reschedule(reschedule(session, forum_admin), forum_admin)
    assert session.sequence == 2
    assert len(notices("update")) == 6


def test_an_agenda_edit_is_not_a_reschedule(invited, forum_admin):
    session = services.schedule_session(session=invited, by=forum_admin)
    session = services.update_session(
        session=session,
        by=forum_admin,
        data={"agenda": "Pembukaan saja."},
        version=services.version_of(session),
    )
    assert session.sequence == 0
    assert not notices("update")


def test_a_cancellation_notifies_each_participant_exactly_once(invited, forum_admin):
    session = services.schedule_session(session=invited, by=forum_admin)
    services.cancel_session(session=session, by=forum_admin, reason="Banjir di Banjarbaru.")
    with pytest.raises(Exception, match="Only a scheduled session can be cancelled"):
        services.cancel_session(session=session, by=forum_admin, reason="Lagi.")
    assert recipients("cancellation") == ["ahmad", "rina", "tamu@example.org"]
    note = notices("cancellation")[0]
    assert "Banjir di Banjarbaru." in note.body
    calendar = Calendar.from_ical(note.attachment)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.events[0]["STATUS"] == "CANCELLED"


def test_a_user_invited_twice_over_hears_once(forum_admin, make_session, bappeda_kalsel):
    session = make_session()
    programme.invite_institution(
        session=session, by=forum_admin, institution=bappeda_kalsel.institution
    )
    programme.invite_email(session=session, by=forum_admin, email=bappeda_kalsel.email.upper())
    services.schedule_session(session=session, by=forum_admin)
    assert recipients("invitation") == ["ahmad"]
