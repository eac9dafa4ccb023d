"""Participants are reminded once, the day before, at 08:00 on the host province's clock."""

from __future__ import annotations

import time
import zoneinfo
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from icalendar import Calendar

from forums import services
from forums.models import ForumSession, Participant
from forums.reminders import remind_participants, reminder_moment
from forums.tasks import remind_participants as remind_task
from jipp.models import Notification, Province

pytestmark = pytest.mark.django_db

MEETING = "https://zoom.example.go.id/j/fripp"
GUEST = "tamu@example.org"


def reminders() -> Any:
    return Notification.objects.filter(kind="forum_reminder")


@pytest.fixture
def invite(bappeda_kalsel, innovator_diy) -> Any:
    """Invite the Kalsel Bappeda (an institution), innovator_diy (a user) and a guest."""

    def invite(session: ForumSession) -> ForumSession:
        Participant.objects.create(session=session, institution=bappeda_kalsel.institution)
        Participant.objects.create(session=session, user=innovator_diy)
        Participant.objects.create(session=session, email=GUEST)
        return session

    return invite


@pytest.fixture
def forum(invite) -> Any:
    """A scheduled session at 09:00 on 10 March 2026, host's clock, everyone invited."""

    def forum(code: str | None, *, day: int = 10, hour: int = 9, **fields: Any) -> ForumSession:
        host = Province.objects.get(code=code) if code else None
        zone = host.tzinfo if host else zoneinfo.ZoneInfo("Asia/Jakarta")
        starts = datetime(2026, 3, day, hour, 0, tzinfo=zone)
        with time_machine.travel("2026-02-01 00:00Z"):
            session = ForumSession.objects.create(
                title="FRIPP uji",
                number=3,
                level="regional" if host else "national",
                host_province=host,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                meeting_url=MEETING,
                status=fields.pop("status", "scheduled"),
                **fields,
            )
        return invite(session)

    return forum


def sweep_at(moment: str) -> int:
    with time_machine.travel(moment, tick=False):
        return remind_participants()


# 08:00 on 9 March in each zone, in UTC.
MOMENTS = [
    ("33", "2026-03-09 01:00Z"),  # WIB, UTC+7
    (None, "2026-03-09 01:00Z"),  # no host: WIB
    ("63", "2026-03-09 00:00Z"),  # WITA, UTC+8
    ("91", "2026-03-08 23:00Z"),  # WIT, UTC+9: still the 8th in UTC
]


@pytest.mark.parametrize(("code", "moment"), MOMENTS)
def test_nothing_goes_before_8_local_the_day_before_and_everyone_gets_one_at_8(forum, code, moment):
    session = forum(code)
    due = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    assert reminder_moment(session) == due
    assert sweep_at(str(due - timedelta(minutes=1))) == 0
    assert sweep_at(str(due - timedelta(hours=12))) == 0
    assert not reminders().exists()
    assert sweep_at(str(due)) == 3
    keys = set(reminders().values_list("dedupe_key", flat=True))
    assert keys == {
        f"forum:{session.pk}:0:reminder:user:{user_pk}" for user_pk in _invited_users(session)
    } | {f"forum:{session.pk}:0:reminder:email:{GUEST}"}


def _invited_users(session: ForumSession) -> list[int]:
    from forums.recipients import recipients

    return [r.user.pk for r in recipients(session) if r.user]


def test_an_invitation_answered_not_attending_gets_no_day_before_reminder(forum, innovator_diy):
    session = forum("63")
    session.participants.filter(user=innovator_diy).update(answer="not_attending")
    session.participants.filter(email=GUEST).update(answer="unsure")
    assert sweep_at("2026-03-09 00:00Z") == 2
    assert not reminders().filter(user=innovator_diy).exists()
    assert reminders().filter(email=GUEST).exists()


def test_a_second_sweep_sends_nothing_more(forum):
    forum("63")
    assert sweep_at("2026-03-09 00:00Z") == 3
    assert sweep_at("2026-03-09 00:15Z") == 0
    assert sweep_at("2026-03-10 00:30Z") == 0  # 08:30 WITA on the day, still before it
    assert reminders().count() == 3


def test_a_late_sweep_still_reminds_before_the_start_but_never_after(forum):
    forum("63", day=10, hour=9)
    forum("63", day=11, hour=9)
    # Beat was down until the morning of the first forum: 08:30 WITA on 10 March.
    assert sweep_at("2026-03-10 00:30Z") == 6  # both: the 11th's moment has come too
    later = forum("33", day=12, hour=9)
    assert sweep_at("2026-03-12 02:01Z") == 0  # 09:01 WIB: it has started
    assert not reminders().filter(dedupe_key__startswith=f"forum:{later.pk}:").exists()


def test_a_rescheduled_session_is_reminded_again_for_its_new_date(forum, forum_admin):
    session = forum("63")
    assert sweep_at("2026-03-09 00:00Z") == 3
    with time_machine.travel("2026-03-09 01:00Z", tick=False):
        moved = session.starts_at + timedelta(days=7)
        session = services.update_session(
            session=session,
            by=forum_admin,
            data={"starts_at": moved, "ends_at": moved + timedelta(hours=3)},
            version=services.version_of(session),
        )
    assert session.sequence == 1
    assert sweep_at("2026-03-09 02:00Z") == 0
    assert sweep_at("2026-03-15 23:59Z") == 0  # 07:59 WITA on the 16th
    assert sweep_at("2026-03-16 00:00Z") == 3
    assert sweep_at("2026-03-16 00:15Z") == 0
    assert reminders().filter(dedupe_key__startswith=f"forum:{session.pk}:1:").count() == 3


def test_cancelled_and_draft_sessions_are_never_reminded(forum, forum_admin):
    cancelled = forum("63")
    forum("33", status="draft")
    with time_machine.travel("2026-03-05 00:00Z"):
        services.cancel_session(session=cancelled, by=forum_admin, reason="Banjir")
    assert sweep_at("2026-03-09 02:00Z") == 0
    assert not reminders().exists()


def test_the_text_is_in_the_recipients_language_with_the_local_time(forum, bappeda_kalsel):
    bappeda_kalsel.language = "en"
    bappeda_kalsel.save(update_fields=["language"])
    session = forum("63")
    sweep_at("2026-03-09 00:00Z")
    english = reminders().get(user=bappeda_kalsel)
    assert "Reminder" in english.subject
    assert "FRIPP ke-3 · Kalimantan Selatan" in english.subject
    assert "10 March 2026" in english.body
    assert "09.00" in english.body and "WITA" in english.body
    assert english.url == session.get_absolute_url()
    guest = reminders().get(email=GUEST)
    assert "10 Maret 2026" in guest.body  # Indonesian, the guest's default


def test_the_reminder_carries_the_ics_and_follows_each_users_channel(
    forum, bappeda_kalsel, innovator_diy
):
    innovator_diy.reminder_channel = "inbox"
    innovator_diy.save(update_fields=["reminder_channel"])
    session = forum("91")
    sweep_at("2026-03-08 23:00Z")
    guest = reminders().get(email=GUEST, user=None)
    assert guest.channel == "email"
    assert guest.status == "pending"
    assert guest.attachment_type == "text/calendar"
    event = Calendar.from_ical(guest.attachment).events[0]
    assert event["UID"].startswith(f"fripp-{session.pk}@")
    assert datetime(2026, 3, 10, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Jayapura")) == event.DTSTART
    assert MEETING in guest.body  # reminders go to invited people only
    assert reminders().get(user=innovator_diy).channel == "inbox"
    assert reminders().get(user=bappeda_kalsel).channel == bappeda_kalsel.reminder_channel


def test_the_command_runs_one_sweep(forum):
    forum("63")
    out = StringIO()
    with time_machine.travel("2026-03-09 00:05Z", tick=False):
        call_command("remind_forum_participants", stdout=out)
        call_command("remind_forum_participants", stdout=out)
    assert out.getvalue().splitlines() == [
        "3 forum reminders created.",
        "0 forum reminders created.",
    ]


def wait_for(predicate: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_beat_sweeps_through_a_real_worker_remind_once(forum, celery_worker):
    forum("63")
    with time_machine.travel("2026-03-09 00:05Z", tick=True):
        remind_task.delay()
        remind_task.delay()
        assert wait_for(lambda: reminders().count() == 3)
        time.sleep(1)  # time for the second sweep to have added anything it would
    assert reminders().count() == 3
