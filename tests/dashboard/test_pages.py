"""The dashboards, the public page and the API: who sees what, and nothing leaks."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation

from replication.dashboard import charts, tables
from replication.dashboard.figures import InnovationFigures
from replication.dashboard.pages import Dashboard
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_ministry_sees_the_national_dashboard_with_matrix_links(world, ministry):
    response = client_for(ministry).get("/dashboard/?year=2026")
    assert response.status_code == 200
    html = text_of(response)
    assert "/replication/plans/?province=63&amp;stage=trial" in html
    assert "/replication/plans/?province=33&amp;stage=identification" in html
    assert 'class="chart chart-map" aria-labelledby="map-title map-desc"' in html
    assert html.count('class="map-tile') == 38
    assert "/dashboard/?province=63" in html  # a tile opens the province's dashboard
    assert "Kalimantan Selatan, " in html


def test_ministry_opens_a_province_dashboard(world, ministry):
    response = client_for(ministry).get("/dashboard/?province=63")
    assert response.status_code == 200
    assert response.context["board"].scope.province.code == "63"
    assert 'id="due-heading"' in text_of(response)


def test_ministry_asking_for_an_unknown_province_gets_404(world, ministry):
    assert client_for(ministry).get("/dashboard/?province=99").status_code == 404
    assert client_for(ministry).get("/dashboard/?province=6").status_code == 404


def test_bappeda_sees_only_its_province(world, bappeda_kalsel):
    response = client_for(bappeda_kalsel).get("/dashboard/")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.scope.province.code == "63"
    assert board.plans_by_status["submitted"] == 0  # Jawa Tengah's is not counted
    assert board.overdue_now == 1
    assert [row.province.code for row in board.matrix] == ["63"]
    assert {item.plan_id for item in board.next_due} == {world.kalsel.pk}
    html = text_of(response)
    assert f"/replication/plans/{world.kalsel.pk}/#stage-trial" in html
    assert f"/replication/plans/{world.jateng.pk}/" not in html
    assert "14 days overdue" in html or "14 hari" in html


def test_bappeda_asking_for_another_province_gets_404(world, bappeda_kalsel):
    assert client_for(bappeda_kalsel).get("/dashboard/?province=33").status_code == 404
    assert client_for(bappeda_kalsel).get("/dashboard/?province=63").status_code == 200


@pytest.mark.parametrize("who", ["innovator_diy", "forum_admin"])
def test_other_roles_are_refused(world, persona, who):
    assert client_for(persona(who)).get("/dashboard/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(world, anon):
    response = client_for(anon).get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_bad_period_shows_this_year_with_a_message(world, ministry):
    response = client_for(ministry).get("/dashboard/?year=1999&quarter=9")
    assert response.status_code == 200
    assert response.context["board"].period.year == 2026
    assert response.context["board"].period.quarter is None
    assert "alert-warning" in text_of(response)


def test_a_quarter_filters_the_period_figures(world, ministry):
    response = client_for(ministry).get("/dashboard/?year=2026&quarter=2")
    board = response.context["board"]
    assert board.period.quarter == 2
    assert board.in_period["stages_verified"] == 4
    assert len(board.forums_per_month) == 3


def test_numbers_are_formatted_for_the_language(world, ministry):
    with translation.override("id"):
        assert charts.fmt(12345) == "12.345"
    with translation.override("en"):
        assert charts.fmt(12345) == "12,345"


# -- the public page and the open data ------------------------------------------------


def test_public_page_counts_approved_and_completed_plans_only(world, anon):
    response = client_for(anon).get("/replication/")
    assert response.status_code == 200
    assert response.context["totals"] == {"approved": 2, "completed": 1, "provinces": 2}
    html = text_of(response)
    assert "Menggapai Mimpi Sahabat Rimba" in html
    assert "Generasi Emas" not in html  # only draft, cancelled and returned plans
    for person in ("ahmad", "sri", "ratna", "@example.go.id"):
        assert person not in html
    assert "/replication/plans/" not in html


def test_public_page_of_a_province(world, anon):
    response = client_for(anon).get("/replication/?province=33")
    assert response.status_code == 200
    assert [(i.approved, i.completed) for i in response.context["innovations"]] == [(1, 0)]
    assert client_for(anon).get("/replication/?province=xx").status_code == 404


def test_api_by_province_leaks_no_unapproved_plan(world, anon):
    rows = client_for(anon).get("/api/replication/provinces/").json()
    assert len(rows) == 38
    by_code = {row["code"]: row for row in rows}
    assert by_code["63"] == {
        "code": "63", "name": "Kalimantan Selatan", "is_hub": True,
        "approved": 1, "completed": 1, "total": 2,
    }  # fmt: skip
    assert by_code["33"]["total"] == 1  # not the submitted nor the returned plan
    assert sum(row["total"] for row in rows) == 3


def test_api_by_innovation(world, anon):
    data = client_for(anon).get("/api/replication/innovations/").json()
    assert data["count"] == 1
    (item,) = data["results"]
    assert item["slug"] == world.sahabat_rimba.slug
    assert (item["approved"], item["completed"], item["provinces"], item["total"]) == (2, 1, 2, 3)
    assert item["url"].endswith(f"/innovations/{world.sahabat_rimba.slug}/")
    assert set(item) == {
        "slug", "title", "innovator", "url", "approved", "completed", "provinces", "total"
    }  # fmt: skip
    kalsel = client_for(anon).get("/api/replication/innovations/?province=63").json()
    assert [(i["approved"], i["completed"]) for i in kalsel["results"]] == [(1, 1)]
    assert client_for(anon).get("/api/replication/innovations/?province=99").status_code == 400
    assert client_for(anon).get("/api/replication/innovations/?page=9").status_code == 400


def test_api_schema_documents_the_figures(anon, db):
    schema = client_for(anon).get("/api/schema/").content.decode()
    assert "/api/replication/provinces/" in schema
    assert "/api/replication/innovations/" in schema


def test_figures_are_kept_a_minute_and_no_longer(world, ministry):
    client = client_for(ministry)
    first = client.get("/dashboard/")
    assert first.context["board"].plans_by_status["draft"] == 1
    world.kalsel_draft.delete()
    # Within the minute the page's figures, rendered, are read back, not computed again.
    again = client.get("/dashboard/")
    assert not isinstance(again.context["board"], Dashboard)
    assert again.context["board"].scope == first.context["board"].scope
    assert str(again.context["body"]) == str(first.context["body"])
    redis = cache._cache.get_client()
    keys = redis.keys("*dashboard*")
    assert keys and all(0 < redis.ttl(key) <= 60 for key in keys)
    cache.clear()
    assert client.get("/dashboard/").context["board"].plans_by_status["draft"] == 0


# -- results (the results_world of conftest.py) ------------------------------------------------


def english(user):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def test_national_dashboard_shows_the_results_each_chart_with_its_table(results_world, ministry):
    response = english(ministry).get("/dashboard/?year=2026")
    board = response.context["board"]
    assert board.results == {
        "completed_in_period": 2, "indicators_verified": 7, "indicators_reached": 4
    }  # fmt: skip
    assert board.results_share == 57
    html = text_of(response)
    assert 'id="results-heading"' in html and "57%" in html
    for chart in ("sector-chart", "sdg-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    sectors = html[html.index('id="sector-heading"') : html.index('id="sdg-heading"')]
    assert "<table" in sectors and "Education" in sectors and "Environment and forestry" in sectors
    sdgs = html[html.index('id="sdg-heading"') :]
    assert "15. Life on Land" in sdgs and "Without an SDG target" in sdgs
    assert "Figures as of" in html  # when they were computed, as every figure


def test_province_dashboard_shows_only_its_own_results(results_world, bappeda_jateng):
    response = english(bappeda_jateng).get("/dashboard/?year=2026")
    board = response.context["board"]
    assert board.results == {
        "completed_in_period": 1, "indicators_verified": 2, "indicators_reached": 1
    }  # fmt: skip
    assert [row.key for row in board.results_by_sector] == ["lingkungan-hidup-kehutanan"]
    assert [row.key for row in board.results_by_sdg] == ["15"]
    html = text_of(response)
    assert "Education" not in html and "Quality Education" not in html


def test_ministry_sees_a_province_s_results_in_its_calendar(results_world, ministry):
    board = client_for(ministry).get("/dashboard/?province=63&year=2026&quarter=2").context["board"]
    assert board.results["indicators_verified"] == 4  # the 00:30 WITA verification counts
    assert board.results_share == 50


def test_a_period_without_results_shows_a_dash_and_says_so(results_world, ministry):
    html = text_of(english(ministry).get("/dashboard/?year=2024"))
    assert "No indicator was verified in the period." in html
    assert "none verified" in html


def test_public_page_shows_the_share_of_public_results_reached(results_world, anon):
    response = english(anon).get("/replication/")
    assert response.context["results"] == {"indicators_verified": 8, "indicators_reached": 5}
    assert response.context["results_share"] == 63
    html = text_of(response)
    assert "63%" in html and "5 of 8 indicators" in html
    assert response.context["totals"]["completed"] == 3  # A, B and D


def test_public_page_without_results_shows_a_dash(world, anon):
    response = client_for(anon).get("/replication/")
    assert response.context["results_share"] is None


# -- the public innovations table and the interest section (issue 19: rows in Python) -----


def test_public_page_lists_each_innovation_with_its_innovator_and_link(world, anon):
    html = english(anon).get("/replication/").content.decode()
    table = html[html.index('id="innovations"') :]
    assert f'href="/innovations/{world.sahabat_rimba.slug}/">' in table
    assert f'data-label="Innovator">{world.sahabat_rimba.innovator.name}</td>' in table
    assert 'data-label="Under way">2</td>' in table
    assert (
        'data-label="Completed">1</td><td class="text-end" data-label="Provinces">2</td>' in table
    )
    aceh = english(anon).get("/replication/?province=11").content.decode()
    assert 'colspan="4" class="text-body-secondary">No approved replication yet.' in aceh
    assert 'data-label="Provinces"' not in aceh


def test_public_rows_escape_their_text(db):
    row = InnovationFigures("a-1", "Kita & <Mereka>", 'Dinas "X"', 1, 1234, 3)
    with translation.override("id"):
        html = tables.public_innovation_rows([row])
    assert "Kita &amp; &lt;Mereka&gt;" in html and "Dinas &quot;X&quot;" in html
    assert 'href="/innovations/a-1/"' in html and ">1.234<" in html


def test_the_interest_section_links_as_the_viewer_may(world, ministry, bappeda_kalsel):
    def link_of(user) -> str:
        html = english(user).get("/dashboard/").content.decode()
        return html[html.index('id="interest-figures-heading"') :]

    assert "See the demand and draft a forum from it" in link_of(ministry)
    own = link_of(bappeda_kalsel)
    assert "Your province's declared interest" in own and "See the demand" not in own
    # A Bappeda officer who also runs forums: the same province's page, another link (the
    # kept page is kept apart for them).
    bappeda_kalsel.groups.add(Group.objects.get(name="forum_admin"))
    assert "See the demand and draft a forum from it" in link_of(bappeda_kalsel)
