# ruff: noqa: F401, F811
"""Beranda kerja in a real browser: a reviewer signs in, lands on /work/, follows an item."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from jipp import services
from jipp.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, login, submit_login_form

# Fixtures of tests/replication, used here by name.
from tests.replication.conftest import _media, dinas_kehutanan, make_plan, sahabat_rimba


def test_a_reviewer_signs_in_lands_on_work_and_follows_an_item(
    page: Page, live_server: LiveServer, ministry: User, make_plan
) -> None:
    plan = make_plan("submitted")
    # A long name and a full inbox: the badges and the name must still fit the one line.
    ministry.first_name, ministry.last_name = "Ratna", "Wulandari Kusumaningtyas Prawiranegara"
    ministry.save()
    for number in range(13):
        services.notify(
            user=ministry, kind="test", subject=f"Uji {number}", body="", dedupe_key=f"m{number}"
        )
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, ministry)
    expect(page).to_have_url(f"{live_server.url}/work/")
    expect(page.locator("h1")).to_have_text("Beranda kerja")

    card = page.locator("#item-plans_to_decide")
    expect(card.locator(".work-count")).to_contain_text("1")
    # The row names the innovation and the province, not the plan's local name alone.
    expect(card).to_contain_text("Menggapai Mimpi Sahabat Rimba")
    expect(card).to_contain_text("Kalimantan Selatan")
    assert_accessible(page)

    # The menu fits one line on a 1366 px laptop, in both languages: every entry's middle
    # within the first entry's height.
    for switch_to in ("en", "id"):
        spans = page.locator("#nav-main > ul > li").evaluate_all(
            "items => items.map(item => item.getBoundingClientRect())"
            ".map(box => [box.top, box.bottom])"
        )
        first_top, first_bottom = spans[0]
        middles = [(top + bottom) / 2 for top, bottom in spans]
        assert all(first_top < middle < first_bottom for middle in middles), spans
        page.locator(f'header button[name="language"][value="{switch_to}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    # On a 390 px phone the page fits without scrolling sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 768})

    card.get_by_role("link", name="Menggapai Mimpi Sahabat Rimba").click()
    expect(page).to_have_url(f"{live_server.url}{plan.get_absolute_url()}")


def test_the_reviews_menu_opens_by_keyboard_and_shows_the_counts(
    page: Page, live_server: LiveServer, ministry: User, make_plan
) -> None:
    make_plan("submitted")
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, ministry)
    toggle = page.locator("#nav-reviews")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    plan_review = page.locator('header .dropdown-menu a[href="/replication/review/"]')
    expect(plan_review).to_be_visible()
    expect(plan_review).to_contain_text("1")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(plan_review).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/replication/review/$"))
    expect(page.locator("#waiting-plan")).to_be_visible()
    assert_accessible(page)


def test_an_officer_signing_in_from_a_link_goes_where_the_link_pointed(
    page: Page, live_server: LiveServer, bappeda_kalsel: User
) -> None:
    page.goto(f"{live_server.url}/replication/plans/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    submit_login_form(page, bappeda_kalsel.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/replication/plans/")
