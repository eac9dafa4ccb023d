"""Sessions: the rules of their times and hosts, their states, and stale edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forums import programme, services
from forums.models import ForumSession
from jipp.models import AuditEvent
from tests.forums.conftest import ahead, session_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_new_session_is_a_draft_with_an_audit_event(forum_admin):
    session = services.create_session(by=forum_admin, data=session_data())
    assert session.status == "draft"
    assert session.organizer == forum_admin
    assert AuditEvent.objects.filter(action="forum_created", target_id=session.pk).exists()


@pytest.mark.parametrize("who", ["bappeda_kalsel", "innovator_diy"])
def test_only_forum_admins_and_the_ministry_create_sessions(who, persona, ministry):
    with pytest.raises(PermissionDenied):
        services.create_session(by=persona(who), data=session_data())
    assert services.create_session(by=ministry, data=session_data()).pk


def test_it_refuses_an_end_before_the_start(forum_admin):
    data = session_data()
    data["ends_at"] = data["starts_at"] - timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        services.create_session(by=forum_admin, data=data)
    assert "The end must be after the start." in error.value.messages
    assert not ForumSession.objects.exists()


@pytest.mark.parametrize(
    ("start", "length", "field"),
    [
        (datetime(9999, 12, 31, 9, tzinfo=UTC), timedelta(hours=3), "starts_at"),
        (datetime(1999, 12, 31, 9, tzinfo=UTC), timedelta(hours=3), "starts_at"),
        (datetime(2027, 3, 1, 9, tzinfo=UTC), timedelta(days=400), "ends_at"),
    ],
)
def test_it_refuses_a_time_outside_the_schedules_calendar(forum_admin, start, length, field):
    data = session_data(start=start)
    data["starts_at"], data["ends_at"] = start, start + length
    with pytest.raises(ValidationError) as error:
        services.create_session(by=forum_admin, data=data)
    assert field in error.value.message_dict


def test_it_refuses_an_overlap_in_the_same_host_province_naming_the_other(
    forum_admin, make_session
):
    first = make_session("scheduled")
    data = session_data(start=ahead(hour=11), number=7)
    with pytest.raises(ValidationError) as error:
        services.create_session(by=forum_admin, data=data)
    assert "FRIPP ke-6 · Kalimantan Selatan" in error.value.messages[0]
    assert ForumSession.objects.get() == first


def test_another_province_or_a_cancelled_session_does_not_overlap(forum_admin, make_session):
    make_session("cancelled")
    services.create_session(by=forum_admin, data=session_data())  # same time, first cancelled
    services.create_session(by=forum_admin, data=session_data("33"))  # same time, Jawa Tengah
    assert ForumSession.objects.count() == 3


def test_back_to_back_sessions_do_not_overlap(forum_admin, make_session):
    make_session()
    services.create_session(by=forum_admin, data=session_data(start=ahead(hour=12)))


def test_a_regional_forum_needs_a_host(forum_admin):
    with pytest.raises(ValidationError) as error:
        services.create_session(by=forum_admin, data=session_data(None, level="regional"))
    assert "host_province" in error.value.error_dict


def test_an_edit_moving_into_another_session_is_refused(forum_admin, make_session):
    make_session("scheduled")
    later = make_session(start=ahead(days=12), number=7)
    data = {
        "starts_at": later.starts_at - timedelta(days=2),
        "ends_at": later.ends_at - timedelta(days=2),
    }
    with pytest.raises(ValidationError):
        services.update_session(
            session=later, by=forum_admin, data=data, version=services.version_of(later)
        )


def test_a_stale_edit_is_refused_and_saves_nothing(forum_admin, make_session):
    session = make_session()
    read = services.version_of(session)
    services.update_session(session=session, by=forum_admin, data={"title": "Baru"}, version=read)
    with pytest.raises(ValidationError) as error:
        services.update_session(
            session=session, by=forum_admin, data={"venue": "Banjarbaru"}, version=read
        )
    assert "changed by someone else" in error.value.messages[0]
    session.refresh_from_db()
    assert (session.title, session.venue) == ("Baru", "")


def test_editing_a_draft_sends_nothing_and_keeps_the_sequence(forum_admin, make_session):
    session = make_session()
    moved = session.starts_at + timedelta(hours=1)
    session = services.update_session(
        session=session,
        by=forum_admin,
        data={"starts_at": moved, "ends_at": moved + timedelta(hours=2)},
        version=services.version_of(session),
    )
    assert session.sequence == 0


def test_schedule_twice_is_refused_the_second_time(forum_admin, make_session):
    session = make_session("scheduled")
    with pytest.raises(ValidationError, match="Only a draft can be scheduled"):
        services.schedule_session(session=session, by=forum_admin)


def test_cancelling_needs_a_reason(forum_admin, make_session):
    session = make_session("scheduled")
    with pytest.raises(ValidationError) as error:
        services.cancel_session(session=session, by=forum_admin, reason="  ")
    assert "reason" in error.value.error_dict
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_a_draft_cannot_be_cancelled(forum_admin, make_session):
    with pytest.raises(ValidationError):
        services.cancel_session(session=make_session(), by=forum_admin, reason="Tidak jadi.")


def test_a_session_is_held_only_after_it_started(forum_admin, make_session):
    session = make_session("scheduled")
    with pytest.raises(ValidationError, match="not started yet"):
        services.mark_held(session=session, by=forum_admin)
    started = make_session("scheduled", start=ahead(days=-1), number=5)
    assert services.mark_held(session=started, by=forum_admin).status == "held"


@pytest.mark.parametrize("status", ["held", "cancelled"])
def test_a_closed_session_changes_only_in_attendance_and_outcomes(
    status, forum_admin, make_session, make_innovation, kalsel_office
):
    session = make_session(status)
    message = "only its attendance, outcomes and materials can change now"
    with pytest.raises(ValidationError, match=message):
        services.update_session(
            session=session,
            by=forum_admin,
            data={"title": "Lain"},
            version=services.version_of(session),
        )
    with pytest.raises(ValidationError, match=message):
        programme.add_presentation(
            session=session, by=forum_admin, innovation=make_innovation("Omspan")
        )
    with pytest.raises(ValidationError, match=message):
        programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    with pytest.raises(ValidationError, match=message):
        programme.invite_email(session=session, by=forum_admin, email="tamu@example.go.id")


def test_attendance_is_recorded_for_a_held_session_only(forum_admin, make_session, kalsel_office):
    session = make_session("scheduled", start=ahead(days=-1))
    guest = programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    with pytest.raises(ValidationError, match="once the session is held"):
        programme.record_attendance(session=session, by=forum_admin, marks={guest.pk: True})
    services.mark_held(session=session, by=forum_admin)
    assert programme.record_attendance(session=session, by=forum_admin, marks={guest.pk: True}) == 1
    guest.refresh_from_db()
    assert guest.attended is True
    assert programme.record_attendance(session=session, by=forum_admin, marks={guest.pk: True}) == 0
