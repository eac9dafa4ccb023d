"""The public schedule: upcoming then past, filters, the month grid, drafts for staff only."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import services
from forums.models import ForumSession
from jipp.models import Province
from tests.conftest import client_for
from tests.forums.conftest import ahead

pytestmark = pytest.mark.django_db


def names(response, section: str = "") -> list[str]:
    return [s.title for s in response.context[section]] if section else []


def past_titles(response) -> list[str]:
    return [s.title for s in response.context["page"].object_list]


def at(code: str, when: datetime, status: str = "held", **fields) -> ForumSession:
    host = Province.objects.get(code=code)
    starts = when.replace(tzinfo=host.tzinfo)
    return ForumSession.objects.create(
        title=fields.pop("title", f"FRIPP {host.name} {when:%Y-%m-%d}"),
        host_province=host,
        starts_at=starts,
        ends_at=starts.replace(hour=starts.hour + 3),
        status=status,
        **fields,
    )


def test_upcoming_soonest_first_then_past_latest_first(client):
    at("63", ahead(days=20), "scheduled", title="B")
    at("33", ahead(days=5), "scheduled", title="A")
    at("35", datetime(2020, 9, 22, 9), title="Jatim")
    at("63", datetime(2020, 10, 27, 9), title="Kalsel")
    response = client.get("/forums/")
    assert [s.title for s in response.context["upcoming"]] == ["A", "B"]
    assert past_titles(response) == ["Kalsel", "Jatim"]


def test_an_entry_shows_name_local_time_with_zone_mode_and_status(client):
    at("63", datetime(2020, 10, 27, 9), number=6, mode="online")
    at("33", datetime(2020, 11, 4, 9), number=8, mode="hybrid")
    html = client.get("/forums/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "FRIPP ke-6 · Kalimantan Selatan" in html
    assert "27 Oktober 2020, 09.00\u201312.00 WITA" in html
    assert "4 November 2020, 09.00\u201312.00 WIB" in html


def test_a_session_without_a_host_is_in_wib(client):
    starts = datetime(2021, 3, 2, 13).replace(tzinfo=Province(timezone="Asia/Jakarta").tzinfo)
    ForumSession.objects.create(
        title="FRIPP Nasional",
        level="national",
        starts_at=starts,
        ends_at=starts.replace(hour=15),
        status="held",
    )
    assert "13.00\u201315.00 WIB" in client.get("/forums/").content.decode()


def test_cancelled_sessions_stay_marked_with_their_reason(client, forum_admin, make_session):
    make_session("cancelled")
    response = client.get("/forums/")
    html = response.content.decode()
    assert len(response.context["upcoming"]) == 1
    assert "Banjir." in html and "session-cancelled" in html


def test_drafts_show_only_to_forum_admins_and_the_ministry(make_session, persona):
    make_session("draft")
    for who, seen in [("anon", 0), ("bappeda_kalsel", 0), ("forum_admin", 1), ("ministry", 1)]:
        response = client_for(persona(who)).get("/forums/")
        assert len(response.context["upcoming"]) == seen, who


def test_filters_by_year_province_and_level(client):
    at("63", datetime(2020, 10, 27, 9), title="Kalsel 2020")
    at("33", datetime(2020, 11, 4, 9), title="Jateng 2020")
    at("63", datetime(2021, 10, 5, 9), title="Kalsel 2021", level="sectoral")
    assert past_titles(client.get("/forums/?year=2020")) == ["Jateng 2020", "Kalsel 2020"]
    assert past_titles(client.get("/forums/?province=63")) == ["Kalsel 2021", "Kalsel 2020"]
    assert past_titles(client.get("/forums/?level=sectoral")) == ["Kalsel 2021"]


@pytest.mark.parametrize(
    "query", ["year=abc", "province=99", "level=x", "month=2020-13&view=month", "page=zz"]
)
def test_bad_filter_values_never_fail(client, query):
    assert client.get(f"/forums/?{query}").status_code == 200


def test_the_month_grid_puts_sessions_on_their_local_day(client):
    # 00:30 WIT on 1 November is still 31 October in UTC and in Jakarta.
    at("91", datetime(2020, 11, 1, 0, 30), title="Papua")
    at("63", datetime(2020, 10, 27, 9), title="Kalsel")
    response = client.get("/forums/?view=month&month=2020-11")
    days = {
        cell["day"].isoformat(): [s.title for s in cell["sessions"]]
        for week in response.context["weeks"]
        for cell in week
    }
    assert days["2020-11-01"] == ["Papua"]
    assert days["2020-10-27"] == ["Kalsel"]  # the grid's first week reaches back to October
    assert response.context["previous_month"] == "2020-10"
    assert response.context["next_month"] == "2020-12"
    html = response.content.decode()
    assert "view=month&amp;month=2020-12" in html


def test_the_schedule_reads_in_a_constant_number_of_queries(client, forum_admin):
    def add(n: int, offset: int) -> None:
        for i in range(n):
            at(["63", "33", "35"][i % 3], datetime(2019, 1 + (offset + i) % 12, 1 + i, 9))
            at(["63", "33"][i % 2], ahead(days=30 + offset + i), "scheduled")

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2, 0)
    few = count("/forums/"), count("/forums/?view=month&month=2019-01")
    add(12, 2)
    assert (count("/forums/"), count("/forums/?view=month&month=2019-01")) == few


def test_scheduled_by_services_joins_the_public_schedule(client, forum_admin, make_session):
    session = make_session()
    assert not client.get("/forums/").context["upcoming"]
    services.schedule_session(session=session, by=forum_admin)
    assert [s.pk for s in client.get("/forums/").context["upcoming"]] == [session.pk]
