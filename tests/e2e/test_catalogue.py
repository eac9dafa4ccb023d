"""The public catalogue in a real browser: search, filter, back button, detail page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

RESULT_LINKS = "#results .card-title a"


def test_a_visitor_searches_filters_goes_back_and_opens_an_innovation(
    page: Page, make_innovation: Callable[..., Any], make_institution: Callable[..., Any]
) -> None:
    diy = make_institution("Balai KPH Yogyakarta", "34")
    make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=diy,
        sdgs=(15,),
        category="lingkungan-hidup-kehutanan",
        summary="Pelayanan hutan desa.",
    )
    make_innovation(
        "Mencerdaskan Si Miskin", sdgs=(4,), category="pendidikan", summary="Layanan belajar anak."
    )
    make_innovation("Omspan", summary="Pemantauan anggaran.", category="keuangan-anggaran")

    page.goto("/innovations/")
    expect(page.locator(RESULT_LINKS)).to_have_count(3)
    assert_accessible(page)

    # A stemmed search, refreshed by htmx without leaving the page.
    page.get_by_role("searchbox").fill("melayani")
    expect(page).to_have_url(re.compile(r"q=melayani"))
    expect(page.locator(RESULT_LINKS)).to_have_count(2)
    expect(page.locator("#results mark").first).to_be_visible()

    # A filter narrows it; the URL carries both, ready to share.
    page.locator("#id_sdg").select_option("15")
    expect(page).to_have_url(re.compile(r"sdg=15"))
    expect(page.locator(RESULT_LINKS)).to_have_count(1)
    expect(page.locator(RESULT_LINKS)).to_have_text("Menggapai Mimpi Sahabat Rimba")
    assert_accessible(page)

    # Back returns to the search before the filter.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sdg=15"))
    expect(page.locator(RESULT_LINKS)).to_have_count(2)

    page.locator(RESULT_LINKS, has_text="Sahabat Rimba").click()
    expect(page.locator("h1")).to_have_text("Menggapai Mimpi Sahabat Rimba")
    expect(page.get_by_text("Balai KPH Yogyakarta")).to_be_visible()
    assert_accessible(page)


def test_the_innovator_directory_leads_to_a_profile(
    page: Page, make_innovation: Callable[..., Any], make_institution: Callable[..., Any]
) -> None:
    diy = make_institution("Balai KPH Yogyakarta", "34")
    make_innovation("Sahabat Rimba", innovator=diy)
    page.goto("/innovations/innovators/")
    assert_accessible(page)
    page.get_by_role("link", name="Balai KPH Yogyakarta").click()
    expect(page.locator("h1")).to_have_text("Balai KPH Yogyakarta")
    expect(page.get_by_role("link", name="Sahabat Rimba")).to_be_visible()
    assert_accessible(page)
