"""The public opens a replication case from the innovation's "who replicates this"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.replication.case_fixtures import (
    SECRETS,
    People,
    make_case,
    make_people,
)


@pytest.fixture
def people(make_user, make_institution, ministry) -> People:
    return make_people(make_user, make_institution)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_visitor_opens_a_case_from_the_innovation_page_and_filters_the_list(
    page: Page,
    make_innovation: Callable[..., Any],
    make_institution: Callable[..., Any],
    innovator_diy: Any,
    people: Any,
) -> None:
    rimba = make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        category="lingkungan-hidup-kehutanan",
        sdgs=(15,),
    )
    kalsel = make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    jateng = make_institution("Dinas Lingkungan Hidup Provinsi Jawa Tengah", "33")
    done = make_case(rimba, people, status="completed", adopter=kalsel, indicators=2)
    make_case(rimba, people, province="33", adopter=jateng, verified=2, local_name="Rimba Jateng")

    page.goto(rimba.get_absolute_url())
    section = page.locator("section[aria-labelledby='replications-heading']")
    expect(section).to_contain_text("Replikasi selesai")
    expect(section).to_contain_text("72,5 → 83,25 indeks")
    section.get_by_role("link", name="Kalimantan Selatan").click()

    expect(page).to_have_url(re.compile(rf"/replication/cases/{done.pk}/$"))
    expect(page.locator("h1")).to_have_text("Sahabat Hutan Banua")
    expect(page.locator("#stage-evaluation")).to_contain_text("Terverifikasi")
    expect(page.get_by_text("45 Tahun 2022")).to_be_visible()
    expect(page.get_by_text("Libatkan sekolah sejak awal.")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(SECRETS["filer_name"])
    assert_accessible(page)

    # The list, filtered in place by htmx; the URL carries the filter.
    page.get_by_role("link", name="Kasus replikasi").first.click()
    expect(page.locator("#results .card-title a")).to_have_count(2)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#id_status").select_option("in_progress")
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    expect(page.locator("#results .card-title a")).to_have_count(1)
    expect(page.locator("#results .card-title a")).to_have_text("Rimba Jateng")
    assert_accessible(page)


def test_the_case_pages_fit_a_phone_in_both_languages(
    page: Page,
    make_innovation: Callable[..., Any],
    make_institution: Callable[..., Any],
    innovator_diy: Any,
    people: Any,
    live_server: Any,
) -> None:
    from tests.e2e.crawl import OVERFLOW, PHONE

    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba", innovator=innovator_diy.institution)
    adopter = make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    done = make_case(rimba, people, status="completed", adopter=adopter, indicators=2)
    page.set_viewport_size(PHONE)
    for language in ("id", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for url in (done.get_case_url(), "/replication/cases/", rimba.get_absolute_url()):
            page.goto(url)
            assert page.evaluate(OVERFLOW) is None, f"{url} scrolls sideways ({language})"
            assert_accessible(page)
