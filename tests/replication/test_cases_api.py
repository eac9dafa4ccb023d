"""The open-data API of replication cases: the case page's fields, filters and cursor pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from tests.conftest import client_for
from tests.replication.case_fixtures import (
    People,
    assert_nothing_personal,
    make_case,
    make_people,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, make_institution, ministry) -> People:
    return make_people(make_user, make_institution)


LIST = "/api/replication/cases/"


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: None)


@pytest.fixture
def rimba(make_innovation, innovator_diy):
    return make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        category="lingkungan-hidup-kehutanan",
        sdgs=(13, 15),
    )


@pytest.fixture
def dinas(make_institution):
    return make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["local_name"] for item in response.json()["results"]}


def test_a_completed_case_carries_its_stages_indicators_and_legal_basis(rimba, people, dinas, anon):
    plan = make_case(rimba, people, status="completed", adopter=dinas, indicators=2)
    data = client_for(anon).get(LIST).json()
    assert data["next"] is None and len(data["results"]) == 1
    case = data["results"][0]
    assert case["id"] == plan.pk
    assert case["url"] == f"http://testserver/replication/cases/{plan.pk}/"
    assert case["status"] == "completed" and case["current_stage"] is None
    assert case["innovation"]["slug"] == rimba.slug
    assert case["innovation"]["innovator"] == "Balai KPH Yogyakarta"
    assert case["province"] == {"code": "63", "name": "Kalimantan Selatan"}
    assert case["adopter"]["name"] == "Dinas Kehutanan Provinsi Kalimantan Selatan"
    assert case["sector"]["slug"] == "lingkungan-hidup-kehutanan"
    assert case["sdgs"] == [13, 15]
    assert [stage["status"] for stage in case["stages"]] == ["verified"] * 7
    assert case["results_verified"] is True
    first, second = case["indicators"]
    assert (first["baseline"], first["target"], first["achieved"]) == ("72.5", "80", "83.25")
    assert first["reached"] is True
    assert (second["direction"], second["achieved"], second["reached"]) == (
        "decrease",
        "9.1",
        False,
    )
    assert case["legal_basis"] == {
        "kind": "pergub",
        "number": "45 Tahun 2022",
        "date": "2022-09-01",
    }
    assert case["lessons"] == "Libatkan sekolah sejak awal."
    assert client_for(anon).get(f"{LIST}{plan.pk}/").json() == case


def test_a_case_in_progress_hides_what_is_not_verified(rimba, people, dinas, anon):
    plan = make_case(rimba, people, adopter=dinas, verified=5, done=1)
    case = client_for(anon).get(f"{LIST}{plan.pk}/").json()
    assert case["status"] == "approved" and case["current_stage"] == "institutionalization"
    assert case["indicators"][0]["achieved"] is None and case["indicators"][0]["reached"] is None
    assert case["legal_basis"] is None and case["lessons"] is None
    assert case["completed_on"] is None


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "cancelled"])
def test_other_plans_do_not_exist_here(status, rimba, people, dinas, anon, ministry):
    plan = make_case(rimba, people, status=status, adopter=dinas)
    for user in (anon, ministry):
        assert client_for(user).get(f"{LIST}{plan.pk}/").status_code == 404
        assert names(client_for(user).get(LIST)) == set()


def test_nothing_personal_in_the_api(rimba, people, dinas, anon):
    make_case(rimba, people, status="completed", adopter=dinas, indicators=2)
    make_case(rimba, people, province="33", verified=3, local_name="Rimba Jateng")
    assert_nothing_personal(client_for(anon).get(LIST).content.decode())


def test_the_api_filters_like_the_page(rimba, people, dinas, anon, make_institution):
    make_case(rimba, people, status="completed", adopter=dinas)
    make_case(rimba, people, province="33", verified=3, local_name="Rimba Jateng")
    client = client_for(anon)
    assert names(client.get(LIST, {"province": "33"})) == {"Rimba Jateng"}
    assert names(client.get(LIST, {"status": "completed"})) == {"Sahabat Hutan Banua"}
    assert names(client.get(LIST, {"results": "yes"})) == {"Sahabat Hutan Banua"}
    assert names(client.get(LIST, {"sdg": "15", "status": "in_progress"})) == {"Rimba Jateng"}
    assert names(client.get(LIST, {"category": "pendidikan"})) == set()


@pytest.mark.parametrize(
    "query",
    [{"province": "99"}, {"sdg": "18"}, {"status": "draft"}, {"results": "maybe"}],
)
def test_an_invalid_filter_answers_400(query, anon):
    response = client_for(anon).get(LIST, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize(
    "cursor", ["zzz", "cD1hYmM", "cD0tMQ", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"]
)
def test_a_forged_cursor_answers_400(cursor, anon):
    response = client_for(anon).get(LIST, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_cursor_pages_go_through_every_case_once(rimba, people, anon, make_institution):
    for n in range(7):
        make_case(
            rimba, people, adopter=make_institution(f"Dinas {n}", "63"), local_name=f"Kasus {n}"
        )
    client = client_for(anon)
    seen: list[str] = []
    url: str | None = f"{LIST}?page_size=3"
    while url:
        data = client.get(url).json()
        seen += [item["local_name"] for item in data["results"]]
        url = data["next"]
    assert sorted(seen) == [f"Kasus {n}" for n in range(7)]


def test_the_list_reads_in_a_constant_number_of_queries(rimba, people, anon, make_institution):
    client = client_for(anon)
    make_case(rimba, people, status="completed", adopter=make_institution("Dinas A", "63"))

    def count() -> int:
        client.get(LIST)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    few = count()
    for n in range(10):
        make_case(
            rimba,
            people,
            adopter=make_institution(f"Dinas B{n}", "63"),
            verified=n % 7,
            indicators=2,
        )
    assert count() == few


def test_the_schema_describes_the_cases(anon):
    schema = client_for(anon).get("/api/schema/?format=json").json()
    assert "/api/replication/cases/" in schema["paths"]
    assert "/api/replication/cases/{id}/" in schema["paths"]
    parameters = {
        p["name"] for p in schema["paths"]["/api/replication/cases/"]["get"]["parameters"]
    }
    assert {"province", "category", "sdg", "status", "results", "cursor"} <= parameters
    case = schema["components"]["schemas"]["Case"]["properties"]
    assert {"indicators", "stages", "legal_basis", "lessons", "adopter"} <= set(case)


def test_a_case_names_its_public_forum_only(rimba, people, dinas, anon):
    from datetime import timedelta

    from django.utils import timezone

    from forums.models import ForumSession
    from jipp.models import Province

    starts = timezone.now() - timedelta(days=400)
    forums = {
        status: ForumSession.objects.create(
            title=f"FRIPP {status}",
            number=6,
            host_province=Province.objects.get(code="63"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            status=status,
        )
        for status in ("held", "draft")
    }
    held = make_case(rimba, people, adopter=dinas, forum=forums["held"])
    hidden = make_case(rimba, people, adopter=None, forum=forums["draft"], local_name="Lain")
    client = client_for(anon)
    forum = client.get(f"{LIST}{held.pk}/").json()["forum"]
    assert forum == {
        "id": forums["held"].pk,
        "name": "FRIPP ke-6 · Kalimantan Selatan",
        "url": f"http://testserver/forums/{forums['held'].pk}/",
    }
    assert client.get(f"{LIST}{hidden.pk}/").json()["forum"] is None
    # The list writes its JSON without the serializers: each case as the serializer
    # writes it for the one case (replication.case_api.represent).
    listed = client.get(LIST).json()["results"]
    assert listed[1]["forum"] == forum and listed[0]["forum"] is None


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_list_writes_each_case_as_the_serializer_does(
    language, rimba, people, dinas, anon, make_institution
):
    """Every kind of case (completed with its legal basis, in progress with results or
    without, without an adopter, several indicators, a decimal value) is in the list
    exactly as CaseSerializer writes it for the case alone, key order included."""
    make_case(rimba, people, status="completed", adopter=dinas, indicators=2)
    make_case(rimba, people, adopter=None, verified=6, done=1, local_name="Dengan hasil")
    make_case(rimba, people, adopter=dinas, verified=2, done=1, legal=False, local_name="")
    make_case(rimba, people, province="33", verified=0, indicators=3, local_name="Baru")
    client = client_for(anon)
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE=language)
    listed = response.json()["results"]
    assert len(listed) == 4
    for item in listed:
        alone = client.get(f"{LIST}{item['id']}/", HTTP_ACCEPT_LANGUAGE=language)
        assert list(item.items()) == list(alone.json().items())
        assert f'"id":{item["id"]},' in response.content.decode().replace(" ", "")
