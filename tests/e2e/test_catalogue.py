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


def test_after_back_the_search_box_and_filters_show_what_the_results_are_for(
    page: Page, make_innovation: Callable[..., Any], make_institution: Callable[..., Any]
) -> None:
    diy = make_institution("Balai KPH Yogyakarta", "34")
    make_innovation("Air Bersih Desa", innovator=diy, summary="Layanan air bersih warga.")
    make_innovation("Air Minum Sekolah", summary="Layanan air minum di sekolah.")
    make_innovation("Sekolah Rimba", summary="Layanan belajar anak.")
    box = page.get_by_role("searchbox")

    page.goto("/innovations/")
    box.fill("air")
    expect(page).to_have_url(re.compile(r"q=air"))
    expect(page.locator(RESULT_LINKS)).to_have_count(2)
    page.locator("#id_province").select_option("34")
    expect(page).to_have_url(re.compile(r"province=34"))
    expect(page.locator(RESULT_LINKS)).to_have_text("Air Bersih Desa")
    box.fill("sekolah")
    expect(page).to_have_url(re.compile(r"q=sekolah"))
    expect(page.locator(RESULT_LINKS)).to_have_count(0)

    # Each Back brings the results of that address, and the form says what they are for.
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=air&province=34"))
    expect(page.locator(RESULT_LINKS)).to_have_text("Air Bersih Desa")
    expect(box).to_have_value("air")
    expect(page.locator("#id_province")).to_have_value("34")
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"province=34"))
    expect(page.locator(RESULT_LINKS)).to_have_count(2)
    expect(box).to_have_value("air")
    expect(page.locator("#id_province")).to_have_value("")
    page.go_back()
    expect(page.locator(RESULT_LINKS)).to_have_count(3)
    expect(box).to_have_value("")

    page.go_forward()
    expect(page).to_have_url(re.compile(r"q=air"))
    expect(box).to_have_value("air")
    expect(page.locator(RESULT_LINKS)).to_have_count(2)


def test_switching_language_keeps_the_search_and_filters(
    page: Page, make_innovation: Callable[..., Any], make_institution: Callable[..., Any]
) -> None:
    make_innovation("Air Bersih Desa", summary="Layanan air bersih warga.")
    make_innovation("Sekolah Rimba", summary="Layanan belajar anak.")
    page.goto("/innovations/")
    page.get_by_role("searchbox").fill("air")
    page.locator("#id_province").select_option("63")
    expect(page).to_have_url(re.compile(r"q=air&province=63"))
    expect(page.locator(RESULT_LINKS)).to_have_count(1)
    address = page.url  # htmx put the search there after the page (and its switch) came

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(address)
    expect(page.get_by_role("searchbox")).to_have_value("air")
    expect(page.locator("#id_province")).to_have_value("63")
    expect(page.locator(RESULT_LINKS)).to_have_text("Air Bersih Desa")

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page).to_have_url(address)
