"""The open-data API of forums: scheduled and held sessions, nothing private."""

from __future__ import annotations

import json
import zoneinfo
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.throttling import AnonRateThrottle

from forums.models import ForumSession, Participant, Presentation
from jipp.models import Province
from replication.models import ReplicationPlan

pytestmark = pytest.mark.django_db

MEETING = "https://zoom.example.go.id/j/fripp-rahasia"
KEYS = {
    "id", "name", "title", "number", "level", "status", "mode", "host_province", "starts_at",
    "ends_at", "time_zone", "zone_label", "venue", "agenda", "cancel_reason", "url",
    "calendar_url", "presentations", "outcomes",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: None)


def new_session(
    code: str | None, start: datetime, *, status: str = "scheduled", **fields: Any
) -> ForumSession:
    host = Province.objects.get(code=code) if code else None
    zone = host.tzinfo if host else zoneinfo.ZoneInfo("Asia/Jakarta")
    starts = start.replace(tzinfo=zone)
    fields.setdefault("level", "regional" if host else "national")
    return ForumSession.objects.create(
        title=f"FRIPP {host.name if host else 'Nasional'}",
        number=fields.pop("number", 6),
        host_province=host,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        status=status,
        meeting_url=MEETING,
        **fields,
    )


def api(client: Client, query: str = "", path: str = "/api/forums/") -> Any:
    return client.get(f"{path}?{query}" if query else path)


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def kalsel_2020(make_innovation, make_institution, bappeda_kalsel) -> ForumSession:
    """The 6th FRIPP of 2020, held online for Kalimantan Selatan, with its outcomes."""
    session = new_session(
        "63", datetime(2020, 10, 27, 9, 0), status="held", agenda="Paparan empat inovator."
    )
    kemenkeu = make_institution("Kementerian Keuangan", kind="ministry")
    omspan = make_innovation("Omspan", innovator=kemenkeu, province=None)
    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba")
    Presentation.objects.create(session=session, innovation=rimba, order=2, presenter="Budi S.")
    Presentation.objects.create(session=session, innovation=omspan, order=1, presenter="Sari W.")
    Participant.objects.create(session=session, institution=bappeda_kalsel.institution)
    ReplicationPlan.objects.create(
        innovation=rimba,
        province=Province.objects.get(code="63"),
        forum=session,
        status="draft",
        local_name="Sahabat Hutan Banua",
        summary="Rahasia rencana.",
        start_date=datetime(2021, 1, 1).date(),
        target_end_date=datetime(2021, 12, 31).date(),
        budget_source="apbd",
        budget_amount=123456789,
    )
    ReplicationPlan.objects.create(
        innovation=omspan,
        province=Province.objects.get(code="63"),
        forum=session,
        status="cancelled",
        start_date=datetime(2021, 1, 1).date(),
        target_end_date=datetime(2021, 12, 31).date(),
        budget_source="none",
    )
    return session


def test_a_session_shows_its_public_facts_in_the_hosts_time(client, kalsel_2020):
    item = api(client, path=f"/api/forums/{kalsel_2020.pk}/").json()
    assert set(item) == KEYS
    assert item["name"] == "FRIPP ke-6 · Kalimantan Selatan"
    assert item["starts_at"] == "2020-10-27T09:00:00+08:00"
    assert item["ends_at"] == "2020-10-27T12:00:00+08:00"
    assert (item["time_zone"], item["zone_label"]) == ("Asia/Makassar", "WITA")
    assert item["host_province"] == {"code": "63", "name": "Kalimantan Selatan"}
    assert (item["status"], item["level"], item["mode"], item["number"]) == (
        "held", "regional", "online", 6,
    )  # fmt: skip
    assert item["url"] == f"http://testserver/forums/{kalsel_2020.pk}/"
    assert item["calendar_url"] == f"http://testserver/forums/{kalsel_2020.pk}/event.ics"
    assert [p["order"] for p in item["presentations"]] == [1, 2]
    first = item["presentations"][0]["innovation"]
    assert first["title"] == "Omspan"
    assert first["innovator"] == "Kementerian Keuangan"
    assert first["api_url"] == f"http://testserver/api/innovations/{first['slug']}/"
    assert client.get(first["api_url"]).status_code == 200
    # Outcomes: the innovation and the province, and only intentions not withdrawn.
    assert [(o["innovation"]["title"], o["province"]["code"]) for o in item["outcomes"]] == [
        ("Menggapai Mimpi Sahabat Rimba", "63")
    ]


def test_nothing_private_is_shown(client, kalsel_2020):
    text = (
        api(client).content.decode()
        + api(client, path=f"/api/forums/{kalsel_2020.pk}/").content.decode()
    )
    for secret in (MEETING, "Budi S.", "Sari W.", "Bappeda", "Sahabat Hutan Banua",
                   "Rahasia", "123456789", "organizer", "participants", "meeting"):  # fmt: skip
        assert secret not in text, secret


def test_drafts_never_appear_and_their_detail_is_404(client):
    draft = new_session("63", datetime(2026, 12, 1, 9), status="draft")
    scheduled = new_session("33", datetime(2026, 12, 2, 9))
    listed = []
    for query in ("", "status=draft", "status=scheduled&status=held&status=cancelled"):
        response = api(client, query)
        if response.status_code == 200:
            listed += ids(response)
        else:
            assert response.status_code == 400
    assert draft.pk not in listed and scheduled.pk in listed
    assert api(client, path=f"/api/forums/{draft.pk}/").status_code == 404


def test_cancelled_sessions_are_listed_only_on_request_and_their_detail_says_why(client):
    cancelled = new_session(
        "63", datetime(2026, 12, 1, 9), status="cancelled", cancel_reason="Banjir"
    )
    held = new_session("33", datetime(2020, 11, 4, 9), status="held")
    assert ids(api(client)) == [held.pk]
    assert ids(api(client, "status=cancelled")) == [cancelled.pk]
    detail = api(client, path=f"/api/forums/{cancelled.pk}/").json()
    assert (detail["status"], detail["cancel_reason"]) == ("cancelled", "Banjir")


def test_filters_narrow_the_list(client):
    a = new_session("63", datetime(2020, 10, 27, 9), status="held")
    b = new_session("33", datetime(2020, 11, 4, 9), status="held")
    c = new_session("63", datetime(2026, 12, 1, 9))
    d = new_session(None, datetime(2026, 12, 10, 9))
    assert ids(api(client)) == [d.pk, c.pk, b.pk, a.pk]  # latest first
    assert ids(api(client, "year=2020")) == [b.pk, a.pk]
    assert ids(api(client, "province=63")) == [c.pk, a.pk]
    assert ids(api(client, "level=national")) == [d.pk]
    assert ids(api(client, "status=scheduled")) == [d.pk, c.pk]
    assert ids(api(client, "year=2020&province=33")) == [b.pk]


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=20200", "year=2020.5", "province=99", "province=%00", "level=galactic",
     "status=draft", "cursor=garbage", "cursor=cD0yMDIwLTEwLTI3", "page_size=-1"],
)  # fmt: skip
def test_invalid_values_answer_400_never_500(client, query):
    new_session("63", datetime(2020, 10, 27, 9), status="held")
    response = api(client, query)
    if query == "page_size=-1":
        assert response.status_code == 200  # DRF falls back to the default size
    else:
        assert response.status_code == 400, response.content
        assert query.split("=")[0] in response.json()


def test_cursor_pages_see_every_session_exactly_once(client):
    made = {new_session("63", datetime(2020, 1, 1, 9) + timedelta(days=n), status="held").pk
            for n in range(7)}  # fmt: skip
    seen: list[int] = []
    url: str | None = "/api/forums/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(made)


def test_a_list_costs_the_same_few_queries_for_2_or_12_sessions(
    client, make_innovation, django_assert_max_num_queries
):
    innovations = [make_innovation(f"Inovasi {n}") for n in range(3)]

    def add(n: int) -> None:
        session = new_session(
            ["63", "33", None][n % 3], datetime(2020, 1, 1, 9) + timedelta(days=n), status="held"
        )
        for order, innovation in enumerate(innovations, start=1):
            Presentation.objects.create(session=session, innovation=innovation, order=order)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(client, "page_size=50").status_code == 200
        return len(queries)

    for n in range(2):
        add(n)
    api(client, "page_size=50")  # reference choices are read once per process
    few = cost()
    for n in range(2, 12):
        add(n)
    assert cost() == few
    with django_assert_max_num_queries(4):
        assert len(api(client, "page_size=50").json()["results"]) == 12


def test_the_schema_describes_the_forums_and_is_valid(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert {"/api/forums/", "/api/forums/{id}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/forums/"]["get"]["parameters"]}
    assert {"year", "province", "level", "status", "cursor", "page_size"} <= parameters
    properties = schema["components"]["schemas"]["ForumSession"]["properties"]
    assert set(properties) == KEYS
    assert properties["starts_at"]["format"] == "date-time"
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


def test_the_api_is_read_only(client, kalsel_2020):
    assert client.post("/api/forums/", {}).status_code == 405
    assert client.delete(f"/api/forums/{kalsel_2020.pk}/").status_code == 405
