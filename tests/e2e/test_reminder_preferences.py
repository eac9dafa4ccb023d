"""An officer chooses the daily digest and reads a plan's reminders, in a real browser."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from replication import services, sweep
from tests.conftest import indicator_rows
from tests.e2e.conftest import assert_accessible, login
from tests.replication.conftest import plan_data


def test_an_officer_picks_the_digest_and_sees_who_was_reminded(
    page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    ministry: User,
    make_innovation,
    make_institution,
) -> None:
    adopter = make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    data = plan_data(make_innovation("Menggapai Mimpi Sahabat Rimba"), adopter)
    soon = {"identification": date.today() + timedelta(days=3)}  # its T-7 is past: catch-up
    plan = services.file_plan(
        by=bappeda_kalsel, data=data, stage_due_dates=soon, indicators=indicator_rows()
    )
    services.submit_plan(plan=plan, by=bappeda_kalsel)
    services.approve_plan(plan=plan, by=ministry)
    sweep.fire_due_reminders()

    login(page, live_server, bappeda_kalsel)
    page.locator("header .dropdown-toggle").click()
    page.locator('header a[href="/accounts/preferences/"]').click()
    assert_accessible(page)
    page.locator('input[name="reminder_channel"][value="digest"]').check()
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".alert-success")).to_be_visible()
    bappeda_kalsel.refresh_from_db()
    assert bappeda_kalsel.reminder_channel == "digest"

    page.goto(plan.get_absolute_url())
    page.locator("#stage-identification details summary").last.click()
    table = page.locator("#stage-identification table")
    expect(table).to_contain_text("WITA")
    expect(table).to_contain_text("ahmad")
    assert_accessible(page)
