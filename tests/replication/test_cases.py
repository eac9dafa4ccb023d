"""Public replication cases: exactly the approved and completed plans, nothing personal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forums.models import ForumSession
from jipp.models import Province
from replication import cases, rollup_sql
from replication.models import ReplicationPlan, Stage
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


@pytest.fixture
def rimba(make_innovation, innovator_diy):
    return make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        category="lingkungan-hidup-kehutanan",
        sdgs=(13, 15),
    )


@pytest.fixture
def generasi(make_innovation, make_institution):
    return make_innovation(
        "Mencerdaskan Si Miskin Menjadi Generasi Emas",
        innovator=make_institution("Dinas Pendidikan Provinsi Bali", "51"),
        category="pendidikan",
        sdgs=(4,),
    )


@pytest.fixture
def dinas(make_institution):
    return make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# -- who may see a case -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "cancelled"])
def test_a_plan_that_is_not_approved_is_no_case_for_anyone(
    status, rimba, people, dinas, anon, ministry, bappeda_kalsel
):
    plan = make_case(rimba, people, status=status, adopter=dinas)
    for user in (anon, ministry, bappeda_kalsel):
        assert client_for(user).get(f"/replication/cases/{plan.pk}/").status_code == 404
        assert client_for(user).get(f"/api/replication/cases/{plan.pk}/").status_code == 404
    assert plan.get_case_url() not in page(client_for(anon), "/replication/cases/")
    assert "Sahabat Hutan Banua" not in page(client_for(ministry), "/replication/cases/")


@pytest.mark.parametrize("status", ["approved", "completed"])
def test_approved_and_completed_plans_are_public_cases(status, rimba, people, dinas, anon):
    plan = make_case(rimba, people, status=status, adopter=dinas)
    html = page(client_for(anon), plan.get_case_url())
    assert "Sahabat Hutan Banua" in html
    assert rimba.get_absolute_url() in html
    assert "Dinas Kehutanan Provinsi Kalimantan Selatan" in html  # adopter
    assert "Balai KPH Yogyakarta" in html  # origin
    assert "Kalimantan Selatan" in html
    assert plan.get_case_url() in page(client_for(anon), "/replication/cases/")


def test_an_unknown_or_enormous_id_answers_404(anon):
    client = client_for(anon)
    assert client.get("/replication/cases/999999/").status_code == 404
    assert client.get("/replication/cases/99999999999999999999999/").status_code == 404
    assert client.get("/replication/cases/abc/").status_code == 404


# -- nothing personal ---------------------------------------------------------------------


def test_no_person_appears_on_the_case_the_list_the_api_or_the_innovation_page(
    rimba, people, dinas, anon, ministry
):
    completed = make_case(rimba, people, status="completed", adopter=dinas, indicators=2)
    make_case(
        rimba,
        people,
        province="33",
        adopter=None,
        verified=2,
        done=1,
        local_name="Rimba Jateng",
    )
    for user in (anon, ministry):
        client = client_for(user)
        for url in (
            completed.get_case_url(),
            "/replication/cases/",
            "/replication/cases/?status=completed&results=yes",
            "/api/replication/cases/",
            f"/api/replication/cases/{completed.pk}/",
            rimba.get_absolute_url(),
        ):
            assert_nothing_personal(page(client, url))


def test_the_case_shows_no_evidence_file_or_plan_page_link(rimba, people, dinas, anon):
    plan = make_case(rimba, people, status="completed", adopter=dinas)
    html = page(client_for(anon), plan.get_case_url())
    assert "/replication/evidence/" not in html
    assert plan.get_absolute_url() not in html


# -- results appear once verified ---------------------------------------------------------


def test_achieved_values_wait_for_the_verified_evaluation(rimba, people, dinas, anon):
    # Evaluation (stage 6) done but not verified: the values exist, the public waits.
    plan = make_case(rimba, people, adopter=dinas, verified=5, done=1)
    assert plan.indicators.get().achieved is not None
    client = client_for(anon)
    html = page(client, plan.get_case_url())
    assert "83,25" not in html
    assert "72,5" in html and "80" in html  # baseline and target are public at once
    data = client.get(f"/api/replication/cases/{plan.pk}/").json()
    assert data["indicators"][0]["achieved"] is None
    assert data["indicators"][0]["measured_on"] is None
    assert data["results_verified"] is False
    assert "83,25" not in page(client, "/replication/cases/")

    plan.stages.filter(kind="evaluation").update(status="verified", verified_at=timezone.now())
    html = page(client, plan.get_case_url())
    assert "83,25" in html
    data = client.get(f"/api/replication/cases/{plan.pk}/").json()
    assert data["indicators"][0]["achieved"] == "83.25"
    assert data["indicators"][0]["reached"] is True
    assert "72,5 → 83,25 indeks" in page(client, "/replication/cases/")


def test_the_legal_basis_and_lessons_wait_for_the_verified_institutionalisation(
    rimba, people, dinas, anon
):
    plan = make_case(rimba, people, adopter=dinas, verified=6, done=1)
    client = client_for(anon)
    html = page(client, plan.get_case_url())
    assert "45 Tahun 2022" not in html and "Libatkan sekolah" not in html
    data = client.get(f"/api/replication/cases/{plan.pk}/").json()
    assert data["legal_basis"] is None and data["lessons"] is None

    plan.stages.filter(kind="institutionalization").update(status="verified")
    plan.status = "completed"
    plan.save(update_fields=["status"])
    html = page(client, plan.get_case_url())
    assert "45 Tahun 2022" in html and "Libatkan sekolah sejak awal." in html
    assert "Pergub" in html
    data = client.get(f"/api/replication/cases/{plan.pk}/").json()
    assert data["legal_basis"] == {
        "kind": "pergub",
        "number": "45 Tahun 2022",
        "date": "2022-09-01",
    }
    assert data["lessons"] == "Libatkan sekolah sejak awal."


def test_the_seven_stages_show_their_states_and_days(rimba, people, dinas, anon):
    plan = make_case(rimba, people, adopter=dinas, verified=2, done=1)
    html = page(client_for(anon), plan.get_case_url())
    for kind in ("identification", "learning", "planning", "trial", "evaluation"):
        assert f'id="stage-{kind}"' in html
    verified = plan.stages.get(kind="learning").verified_at
    day = verified.astimezone(plan.province.tzinfo).date()
    assert f'datetime="{day:%Y-%m-%d}"' in html


# -- the list -----------------------------------------------------------------------------


@pytest.fixture
def several(rimba, generasi, people, dinas, make_institution):
    jateng = make_institution("Dinas Lingkungan Hidup Provinsi Jawa Tengah", "33")
    return {
        "rimba_kalsel": make_case(rimba, people, status="completed", adopter=dinas),
        "rimba_jateng": make_case(
            rimba, people, province="33", adopter=jateng, verified=3, local_name="Rimba Jateng"
        ),
        "emas_kalsel": make_case(
            generasi,
            people,
            adopter=make_institution("Dinas Pendidikan Provinsi Kalimantan Selatan", "63"),
            verified=6,
            local_name="Generasi Emas Banua",
        ),
        "draft": make_case(generasi, people, status="draft", local_name="Draf Rahasia"),
    }


def listed(client, query: str) -> set[str]:
    html = page(client, f"/replication/cases/{query}")
    names = {"Sahabat Hutan Banua", "Rimba Jateng", "Generasi Emas Banua", "Draf Rahasia"}
    return {name for name in names if name in html}


def test_the_list_filters_by_province_sector_sdg_status_and_results(several, anon):
    client = client_for(anon)
    every = {"Sahabat Hutan Banua", "Rimba Jateng", "Generasi Emas Banua"}
    assert listed(client, "") == every
    assert listed(client, "?province=33") == {"Rimba Jateng"}
    assert listed(client, "?category=pendidikan") == {"Generasi Emas Banua"}
    assert listed(client, "?sdg=15") == {"Sahabat Hutan Banua", "Rimba Jateng"}
    assert listed(client, "?status=completed") == {"Sahabat Hutan Banua"}
    assert listed(client, "?status=in_progress") == {"Rimba Jateng", "Generasi Emas Banua"}
    assert listed(client, "?results=yes") == {"Sahabat Hutan Banua", "Generasi Emas Banua"}
    assert listed(client, "?province=63&results=yes&sdg=4") == {"Generasi Emas Banua"}


def test_invalid_filter_values_are_ignored_on_the_page(several, anon):
    client = client_for(anon)
    every = {"Sahabat Hutan Banua", "Rimba Jateng", "Generasi Emas Banua"}
    assert listed(client, "?province=99&sdg=x&status=draft&results=maybe&cursor=%%%") == every


def test_each_row_says_stage_or_completion_and_the_headline_result(several, anon):
    html = page(client_for(anon), "/replication/cases/")
    assert "Replikasi selesai" in html  # completed
    assert "Tahap: Perencanaan" in html or "Tahap: Uji Coba" in html
    assert "Indeks kepuasan masyarakat (SKM): 72,5 → 83,25 indeks" in html


def test_keyset_pages_go_through_every_case_once(rimba, people, dinas, anon, make_institution):
    for n in range(25):
        adopter = make_institution(f"Dinas {n} Kalimantan Selatan", "63")
        make_case(rimba, people, adopter=adopter, local_name=f"Kasus nomor {n:02d}")
    first = cases.case_list({})
    assert len(first.rows) == 20 and first.next_cursor and not first.has_previous
    second = cases.case_list({"cursor": first.next_cursor})
    assert len(second.rows) == 5 and second.next_cursor is None and second.has_previous
    titles = [row.title for row in first.rows + second.rows]
    assert sorted(titles) == sorted(f"Kasus nomor {n:02d}" for n in range(25))
    html = page(client_for(anon), "/replication/cases/")
    assert f"cursor={first.next_cursor}" in html


def test_a_forged_cursor_shows_the_first_page(rimba, people, dinas, anon):
    make_case(rimba, people, adopter=dinas)
    for cursor in ("zzz", "LTE", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "%00"):
        assert "Sahabat Hutan Banua" in page(
            client_for(anon), f"/replication/cases/?cursor={cursor}"
        )


def test_htmx_gets_the_results_only(several, anon):
    response = client_for(anon).get("/replication/cases/?province=33", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "Rimba Jateng" in html and "Generasi Emas Banua" not in html


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_a_case_read_in_a_constant_number_of_queries(
    rimba, generasi, people, make_institution, anon
):
    client = client_for(anon)
    make_case(rimba, people, status="completed", adopter=make_institution("Dinas A", "63"))
    few = queries(client, "/replication/cases/?results=yes")
    one = make_case(rimba, people, adopter=make_institution("Dinas B", "63"), indicators=1)
    case_few = queries(client, one.get_case_url())
    for n in range(12):
        make_case(
            generasi,
            people,
            status="completed",
            adopter=make_institution(f"Dinas C{n}", "63"),
            indicators=2,
        )
    many = make_case(rimba, people, status="completed", adopter=make_institution("D", "63"))
    assert queries(client, "/replication/cases/?results=yes") == few
    assert queries(client, many.get_case_url()) == case_few


# -- links: forum, innovation, figures ------------------------------------------------------


def held_forum(status: str = "held") -> ForumSession:
    starts = timezone.now() - timedelta(days=400)
    return ForumSession.objects.create(
        title="FRIPP Kalimantan Selatan",
        number=6,
        host_province=Province.objects.get(code="63"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        status=status,
    )


def test_the_case_and_its_public_forum_link_each_other(rimba, people, dinas, anon):
    forum = held_forum()
    plan = make_case(rimba, people, adopter=dinas, verified=2, forum=forum)
    client = client_for(anon)
    assert forum.get_absolute_url() in page(client, plan.get_case_url())
    assert plan.get_case_url() in page(client, forum.get_absolute_url())


def test_a_draft_forum_is_not_linked_and_a_draft_outcome_has_no_case(
    rimba, people, dinas, anon, make_institution
):
    draft_forum = held_forum("draft")
    plan = make_case(rimba, people, adopter=dinas, forum=draft_forum)
    assert draft_forum.get_absolute_url() not in page(client_for(anon), plan.get_case_url())
    forum = held_forum()
    outcome = make_case(rimba, people, status="draft", forum=forum, adopter=None)
    assert outcome.get_case_url() not in page(client_for(anon), forum.get_absolute_url())


def test_the_innovation_page_links_each_replication_to_its_case(several, rimba, anon):
    html = page(client_for(anon), rimba.get_absolute_url())
    assert several["rimba_kalsel"].get_case_url() in html
    assert several["rimba_jateng"].get_case_url() in html
    assert "Replikasi selesai" in html
    assert "72,5 → 83,25 indeks" in html  # the completed case's headline
    assert "/replication/cases/" in html


def test_each_replication_on_the_innovation_page_reads_as_its_case(several, rimba, anon):
    """cases.replications_of, one statement: by province name, the stage or completion,
    and the first indicator's headline only where the evaluation is verified."""
    from replication.cases import headline, labels, replications_of

    completed, going = several["rimba_kalsel"], several["rimba_jateng"]
    first = completed.indicators.order_by("order", "id").first()
    rows = replications_of(rimba)
    assert [(row.province, row.url, row.completed) for row in rows] == [
        ("Jawa Tengah", going.get_case_url(), False),
        ("Kalimantan Selatan", completed.get_case_url(), True),
    ]
    assert rows[0].stage == labels()["kind"][going.current_stage]
    assert (rows[0].headline, rows[0].reached) == ("", None)  # evaluation not verified
    assert (rows[1].headline, rows[1].reached) == (headline(first), first.reached)
    assert rows[1].adopter == completed.adopter.name


def test_the_public_figures_page_links_to_the_cases(anon):
    assert 'href="/replication/cases/"' in page(client_for(anon), "/replication/")


def test_the_case_list_reads_in_english_too(several, anon):
    client = client_for(anon)
    client.cookies["django_language"] = "en"
    html = page(client, "/replication/cases/")
    assert "Replication completed" in html
    assert "72.5 → 83.25 indeks" in html


def test_numbers_are_written_the_indonesian_way():
    from decimal import Decimal

    from django.utils import translation

    with translation.override("id"):
        assert cases.number(Decimal("12.5000")) == "12,5"
        assert cases.number(Decimal("80.0000")) == "80"
        assert cases.number(Decimal("0.0500")) == "0,05"
        assert cases.number(Decimal("100")) == "100"
    with translation.override("en"):
        assert cases.number(Decimal("12.5000")) == "12.5"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["province", "category", "sdg", "status", "results", "cursor", "x"]),
        st.one_of(st.text(max_size=40), st.sampled_from(["63", "\x00", "9" * 30, "LTE", "MA"])),
        max_size=5,
    )
)
def test_no_query_string_breaks_the_list(params, anon):
    response = client_for(anon).get("/replication/cases/", params)
    assert response.status_code == 200
    assert client_for(anon).get("/api/replication/cases/", params).status_code in (200, 400)


def test_a_case_of_an_archived_innovation_stays_without_a_dead_link(rimba, people, dinas, anon):
    plan = make_case(rimba, people, status="completed", adopter=dinas)
    rimba.status = "archived"
    rimba.save(update_fields=["status"])
    html = page(client_for(anon), plan.get_case_url())
    assert rimba.title in html and rimba.get_absolute_url() not in html


# -- "with verified results" from its rollup (RollupCaseResult) ------------------------------


def test_with_verified_results_the_list_follows_its_rollup_as_plans_change(
    rimba, people, make_institution
):
    """Pages and counts of the filters read from the rollup equal the live filter (the
    plan's evaluation stage verified), before and after results are verified, returned
    and deleted, plans cancelled, completed and moved to another province."""
    plans = [
        make_case(
            rimba,
            people,
            province="63" if n % 4 else "33",
            adopter=make_institution(f"Dinas {n}", "63" if n % 4 else "33"),
            verified=6 if n % 3 else 3,
            status="completed" if n % 7 == 0 else "approved",
            local_name=f"Kasus nomor {n:02d}",
        )
        for n in range(16)
    ]
    choices = [
        {"results": "yes"},
        {"results": "yes", "province": "63"},
        {"results": "yes", "province": "33", "status": "in_progress"},
        {"results": "yes", "status": "completed"},
        {"results": "yes", "province": "63", "status": "in_progress"},
    ]

    def live(params: dict[str, str]) -> list[str]:
        plans = ReplicationPlan.objects.public().filter(cases.verified(cases.RESULTS_STAGE))
        if "province" in params:
            plans = plans.filter(province__code=params["province"])
        if "status" in params:
            plans = plans.filter(status=cases.STATUS_OF[params["status"]])
        return [plan.local_name for plan in plans.order_by("-id")]

    def shown(params: dict[str, str]) -> list[str]:
        titles: list[str] = []
        cursor = ""
        for _ in range(20):
            result = cases.case_list({**params, "cursor": cursor}, page_size=3)
            assert result.count == len(live(params)), params
            titles += [row.title for row in result.rows]
            if not result.next_cursor:
                break
            cursor = result.next_cursor
        return titles

    def agree() -> None:
        assert rollup_sql.drift() == []
        cache.clear()  # the counts are remembered a while
        for params in choices:
            assert shown(params) == live(params), params

    agree()
    evaluation = {"plan": plans[1], "kind": "evaluation"}
    Stage.objects.filter(**evaluation).update(status="done")  # returned
    Stage.objects.filter(plan=plans[3], kind="evaluation").update(status="verified")
    agree()
    Stage.objects.filter(plan=plans[2], kind="evaluation").delete()
    ReplicationPlan.objects.filter(pk=plans[4].pk).update(status="cancelled")
    ReplicationPlan.objects.filter(pk=plans[5].pk).update(status="completed")
    ReplicationPlan.objects.filter(pk=plans[10].pk).update(province=Province.objects.get(code="33"))
    agree()
    plans[11].delete()
    agree()
