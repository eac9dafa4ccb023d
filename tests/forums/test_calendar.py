"""The .ics of a session and the subscribable feed, read back by a calendar parser."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from forums import services
from forums.calendar import event_ics, feed_ics
from forums.models import ForumSession, Participant, Presentation
from jipp.models import Province
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MEETING = "https://zoom.example.go.id/j/fripp-rahasia"


def new_session(
    code: str | None,
    start: datetime,
    *,
    hours: int = 3,
    status: str = "scheduled",
    **fields: Any,
) -> ForumSession:
    """A session starting at `start`, a wall-clock time of the host province (naive)."""
    host = Province.objects.get(code=code) if code else None
    zone = host.tzinfo if host else zoneinfo.ZoneInfo("Asia/Jakarta")
    starts = start.replace(tzinfo=zone)
    values: dict[str, Any] = {
        "title": f"FRIPP {host.name if host else 'Nasional'}",
        "number": 6,
        "level": "regional" if host else "national",
        "mode": "online",
        "meeting_url": MEETING,
        "agenda": "Pembukaan, paparan inovator, diskusi.",
        **fields,
    }
    return ForumSession.objects.create(
        host_province=host,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        status=status,
        **values,
    )


def parse(text: str) -> Calendar:
    return Calendar.from_ical(text)


def only_event(text: str) -> Any:
    events = parse(text).events
    assert len(events) == 1
    return events[0]


def soon(days: int = 10, hour: int = 9) -> datetime:
    """A wall-clock time some days ahead, on the hour."""
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0, tzinfo=None
    )


# -- one event --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "zone", "offset"),
    [
        ("33", "Asia/Jakarta", 7),  # Jawa Tengah, WIB
        ("61", "Asia/Pontianak", 7),  # Kalimantan Barat, WIB of its own zone
        ("63", "Asia/Makassar", 8),  # Kalimantan Selatan, WITA
        ("91", "Asia/Jayapura", 9),  # Papua, WIT
        (None, "Asia/Jakarta", 7),  # a national forum: Jakarta's time
    ],
)
def test_the_event_is_at_the_local_hour_of_the_host_with_its_time_zone(code, zone, offset):
    session = new_session(code, datetime(2020, 10, 27, 9, 0))
    text = event_ics(session)
    calendar = parse(text)
    event = calendar.events[0]
    assert datetime(2020, 10, 27, 9, 0, tzinfo=zoneinfo.ZoneInfo(zone)) == event.DTSTART
    assert event.DTSTART.utcoffset() == timedelta(hours=offset)
    assert timedelta(hours=3) == event.DTEND - event.DTSTART
    assert f"DTSTART;TZID={zone}:20201027T090000" in text
    # The zone travels with the file: no reader has to know the IANA name.
    assert [tz.tz_name for tz in calendar.timezones] == [zone]
    assert calendar.timezones[0].to_tz().utcoffset(datetime(2020, 10, 27)) == timedelta(
        hours=offset
    )


def test_an_invitation_names_the_forum_and_links_its_page():
    session = new_session("63", datetime(2020, 10, 27, 9, 0))
    calendar = parse(event_ics(session))
    event = calendar.events[0]
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert "JIPP" in str(calendar["PRODID"])
    assert event["SUMMARY"] == "FRIPP ke-6 · Kalimantan Selatan"
    assert event["UID"] == f"fripp-{session.pk}@{urlsplit(settings.SITE_URL).hostname}"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["URL"].endswith(f"/forums/{session.pk}/")
    assert "Pembukaan" in str(event["DESCRIPTION"])
    assert MEETING in str(event["DESCRIPTION"])  # invited people get the link
    assert event["LOCATION"] == MEETING
    assert "DTSTAMP" in event


def test_the_link_is_left_out_on_request():
    session = new_session("63", datetime(2020, 10, 27, 9, 0), venue="Aula Bappeda")
    text = event_ics(session, meeting_link=False)
    assert MEETING not in text.replace("\r\n ", "")
    assert only_event(text)["LOCATION"] == "Aula Bappeda"


def test_presentations_are_listed_in_order(make_innovation):
    session = new_session("63", datetime(2020, 10, 27, 9, 0))
    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba")
    omspan = make_innovation("Omspan")
    Presentation.objects.create(session=session, innovation=rimba, order=2)
    Presentation.objects.create(session=session, innovation=omspan, order=1)
    description = only_event(event_ics(session))["DESCRIPTION"]
    assert description.index("1. Omspan") < description.index("2. Menggapai Mimpi Sahabat Rimba")


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence(forum_admin):
    session = services.create_session(
        by=forum_admin,
        data={
            "title": "FRIPP Kalimantan Selatan",
            "number": 6,
            "level": "regional",
            "host_province": Province.objects.get(code="63"),
            "starts_at": soon(days=20).replace(tzinfo=zoneinfo.ZoneInfo("Asia/Makassar")),
            "ends_at": soon(days=20, hour=12).replace(tzinfo=zoneinfo.ZoneInfo("Asia/Makassar")),
            "mode": "online",
            "meeting_url": MEETING,
        },
    )
    session = services.schedule_session(session=session, by=forum_admin)
    before = only_event(event_ics(session))
    moved = session.starts_at + timedelta(days=1, hours=1)
    session = services.update_session(
        session=session,
        by=forum_admin,
        data={"starts_at": moved, "ends_at": moved + timedelta(hours=3)},
        version=services.version_of(session),
    )
    after = only_event(event_ics(session))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert moved == after.DTSTART
    assert after.DTSTART.hour == 10  # 10:00 WITA
    assert after["DTSTAMP"].dt >= before["DTSTAMP"].dt


def test_a_cancellation_is_a_cancel_with_status_cancelled(forum_admin):
    session = new_session("63", soon(days=20))
    before = only_event(event_ics(session))
    session = services.cancel_session(
        session=session, by=forum_admin, reason="Banjir di Banjarmasin"
    )
    calendar = parse(event_ics(session, cancel=True))
    event = calendar.events[0]
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == before["UID"]
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert "Banjir di Banjarmasin" in str(event["DESCRIPTION"])
    # Any later file of a cancelled session says so too.
    assert only_event(event_ics(session))["STATUS"] == "CANCELLED"


# -- /forums/<id>/event.ics -------------------------------------------------------------


def download(user: Any, session: ForumSession) -> Any:
    return client_for(user).get(f"/forums/{session.pk}/event.ics")


def test_anyone_downloads_a_public_session_without_its_link(anon, bappeda_jateng):
    session = new_session("63", soon())
    for user in (anon, bappeda_jateng):
        response = download(user, session)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="fripp-{session.pk}.ics"'
        text = response.content.decode()
        assert MEETING not in text.replace("\r\n ", "")
        assert only_event(text)["UID"].startswith(f"fripp-{session.pk}@")


def test_invited_users_and_staff_get_the_link(
    anon, bappeda_kalsel, bappeda_jateng, innovator_diy, forum_admin, ministry
):
    session = new_session("63", soon())
    Participant.objects.create(session=session, institution=bappeda_kalsel.institution)
    Participant.objects.create(session=session, email=innovator_diy.email.upper())
    sees = {
        anon: False,
        bappeda_jateng: False,
        bappeda_kalsel: True,  # a user of an invited institution
        innovator_diy: True,  # invited by address
        forum_admin: True,
        ministry: True,
    }
    for user, expected in sees.items():
        text = download(user, session).content.decode().replace("\r\n ", "")
        assert (MEETING in text) is expected, user


def test_after_the_forum_only_staff_keep_the_link(bappeda_kalsel, forum_admin):
    # The same rule as the session page (forums.access.may_see_meeting_link).
    session = new_session("63", soon(), status="held")
    Participant.objects.create(session=session, institution=bappeda_kalsel.institution)
    assert MEETING not in download(bappeda_kalsel, session).content.decode().replace("\r\n ", "")
    assert MEETING in download(forum_admin, session).content.decode().replace("\r\n ", "")


def test_a_signed_in_download_is_not_kept_by_shared_caches(bappeda_kalsel, anon):
    session = new_session("63", soon())
    assert "private" in download(bappeda_kalsel, session)["Cache-Control"]
    assert "public" in download(anon, session)["Cache-Control"]


def test_a_draft_is_404_except_for_staff(
    anon, bappeda_kalsel, innovator_diy, forum_admin, ministry
):
    session = new_session("63", soon(), status="draft")
    for user in (anon, bappeda_kalsel, innovator_diy):
        assert download(user, session).status_code == 404
    for user in (forum_admin, ministry):
        assert download(user, session).status_code == 200


def test_an_unknown_session_is_404(anon):
    assert client_for(anon).get("/forums/999999/event.ics").status_code == 404


# -- /forums/calendar.ics ---------------------------------------------------------------


def feed(query: str = "", client: Any = None) -> Any:
    from django.test import Client

    return (client or Client()).get(f"/forums/calendar.ics{query}")


def uids(response: Any) -> set[str]:
    return {str(event["UID"]).split("@")[0] for event in parse(response.content.decode()).events}


def test_the_feed_holds_every_public_session_and_marks_cancelled_ones():
    kalsel = new_session("63", soon(days=5))
    jateng = new_session("33", soon(days=6))
    papua = new_session("91", soon(days=7), status="cancelled", cancel_reason="Cuaca")
    held = new_session("73", soon(days=-60), status="held")
    draft = new_session("51", soon(days=8), status="draft")
    response = feed()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    calendar = parse(text)
    assert calendar.get("METHOD") in (None, "PUBLISH")
    assert uids(response) == {f"fripp-{s.pk}" for s in (kalsel, jateng, papua, held)}
    assert f"fripp-{draft.pk}" not in text
    statuses = {str(e["UID"]).split("@")[0]: e["STATUS"] for e in calendar.events}
    assert statuses[f"fripp-{papua.pk}"] == "CANCELLED"
    assert statuses[f"fripp-{kalsel.pk}"] == "CONFIRMED"
    # Each zone used is described once.
    assert sorted(tz.tz_name for tz in calendar.timezones) == [
        "Asia/Jakarta", "Asia/Jayapura", "Asia/Makassar",
    ]  # fmt: skip


def test_the_feed_never_carries_a_meeting_link(forum_admin, bappeda_kalsel):
    session = new_session("63", soon())
    Participant.objects.create(session=session, institution=bappeda_kalsel.institution)
    for user in (forum_admin, bappeda_kalsel):
        text = feed(client=client_for(user)).content.decode().replace("\r\n ", "")
        assert f"fripp-{session.pk}@" in text
        assert MEETING not in text


def test_the_feed_filters_by_host_province():
    kalsel = new_session("63", soon(days=5))
    new_session("33", soon(days=6))
    new_session(None, soon(days=7))
    response = feed("?province=63")
    assert response.status_code == 200
    assert uids(response) == {f"fripp-{kalsel.pk}"}
    assert "Kalimantan Selatan" in str(parse(response.content.decode())["NAME"])


@pytest.mark.parametrize("code", ["99", "abc", "6", "63' OR 1=1", "<script>", "%00"])
def test_an_unknown_province_is_404_never_500(code):
    response = feed(f"?province={code}")
    assert response.status_code == 404


def test_the_feed_keeps_two_years_of_history():
    recent = new_session("63", soon(days=-300), status="held")
    old = new_session("63", soon(days=-3 * 365), status="held")
    found = uids(feed())
    assert f"fripp-{recent.pk}" in found
    assert f"fripp-{old.pk}" not in found


def test_an_unchanged_feed_answers_304_to_a_revalidation():
    new_session("63", soon())
    first = feed()
    assert "max-age" in first["Cache-Control"]
    from django.test import Client

    again = Client().get("/forums/calendar.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_feed_costs_the_same_few_queries_for_2_or_12_sessions(make_innovation):
    innovations = [make_innovation(f"Inovasi {n}") for n in range(3)]

    def add(n: int) -> None:
        session = new_session(["63", "33", "91"][n % 3], soon(days=3 + n))
        for order, innovation in enumerate(innovations, start=1):
            Presentation.objects.create(session=session, innovation=innovation, order=order)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert feed().status_code == 200
        return len(queries)

    for n in range(2):
        add(n)
    few = cost()
    for n in range(2, 12):
        add(n)
    assert cost() == few <= 4


def test_feed_ics_leaves_drafts_out_whatever_it_is_given():
    draft = new_session("63", soon(), status="draft")
    assert parse(feed_ics([draft])).events == []
