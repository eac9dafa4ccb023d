"""The ministry opens the national dashboard and follows a matrix cell to the plans behind
it; the public figures page. Both pass axe-core."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.dashboard.conftest import fresh_figures, indicator, make_plan
from tests.e2e.conftest import assert_accessible, login
from tests.e2e.crawl import DESKTOP, OVERFLOW, PHONE


def test_ministry_follows_a_matrix_cell_to_the_filtered_plan_list(
    new_page,
    live_server: LiveServer,
    ministry: User,
    bappeda_kalsel: User,
    bappeda_jateng: User,
    make_innovation,
    settings,
) -> None:
    fresh_figures()
    today = date.today()
    sahabat = make_innovation("Menggapai Mimpi Sahabat Rimba")
    emas = make_innovation("Mencerdaskan Si Miskin Menjadi Generasi Emas")
    past = [today - timedelta(days=60 - 5 * n) for n in range(7)]
    future = [today + timedelta(days=30 * (n + 1)) for n in range(7)]
    approved = timezone.now() - timedelta(days=40)
    kalsel_trial = make_plan(
        sahabat, "63", "approved", by=bappeda_kalsel, reviewer=ministry, dues=past,
        verified={1: approved, 2: approved, 3: approved}, approved_at=approved,
    )  # fmt: skip
    make_plan(
        emas, "63", "approved", by=bappeda_kalsel, reviewer=ministry, dues=future,
        approved_at=approved,
    )  # fmt: skip
    make_plan(
        sahabat, "33", "approved", by=bappeda_jateng, reviewer=ministry, dues=future,
        verified={1: approved, 2: approved, 3: approved}, approved_at=approved,
    )  # fmt: skip
    make_plan(emas, "33", "draft", by=bappeda_jateng, dues=future)
    # A completed plan whose results were verified an hour ago: one reached, one missed.
    hour_ago = timezone.now() - timedelta(hours=1)
    done = make_plan(
        emas, "51", "completed", by=bappeda_jateng, reviewer=ministry, dues=past,
        verified=dict.fromkeys(range(1, 8), hour_ago), approved_at=approved,
        completed_at=hour_ago,
    )  # fmt: skip
    indicator(done, 1, "decrease", "12", "8", "7.5", "4.1")
    indicator(done, 2, "increase", "70", "85", "82")

    page = new_page()
    login(page, live_server, ministry)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("svg.chart-map a.map-tile")).to_have_count(38)
    expect(page.locator("#results-heading")).to_be_visible()
    expect(page.locator("svg[aria-labelledby^='sector-chart']")).to_have_count(1)
    expect(page.locator("section[aria-labelledby='sector-heading'] table")).to_contain_text("50%")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert page.evaluate(OVERFLOW) is None  # the results' tables fit a phone
    page.set_viewport_size(DESKTOP)

    # Kalimantan Selatan has one approved plan at the trial stage: its cell opens the list.
    page.locator('table.matrix a[href="/replication/plans/?province=63&stage=trial"]').click()
    page.wait_for_url("**/replication/plans/?province=63&stage=trial")
    expect(page.locator("#id_stage")).to_have_value("trial")
    expect(page.locator("#id_province")).to_have_value("63")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(f'a[href="{kalsel_trial.get_absolute_url()}"]')).to_be_visible()

    # The public figures page, signed out.
    visitor = new_page()
    visitor.goto(f"{live_server.url}/replication/")
    expect(visitor.locator("svg.chart-map a.map-tile")).to_have_count(38)
    expect(visitor.get_by_role("link", name="Menggapai Mimpi Sahabat Rimba")).to_be_visible()
    expect(visitor.locator('main a[href^="/replication/plans/"]')).to_have_count(0)
    assert_accessible(visitor)
    visitor.locator('svg.chart-map a[href*="province=33"]').click()
    visitor.wait_for_url("**/replication/?province=33*")
    expect(visitor.locator("#innovations")).to_contain_text("Jawa Tengah")
    assert_accessible(visitor)
