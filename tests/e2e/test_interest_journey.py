"""Declared interest in a real browser: an officer declares it, a forum admin drafts a forum."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from forums.models import ForumSession
from jipp.models import User
from replication.interest import Interest
from tests.e2e.conftest import assert_accessible, login


def test_an_officer_declares_interest_and_a_forum_admin_drafts_a_forum_from_it(
    new_page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    forum_admin: User,
    innovator_diy: User,
    make_innovation,
    make_institution,
) -> None:
    rimba = make_innovation(
        "Menggapai Mimpi Sahabat Rimba",
        innovator=innovator_diy.institution,
        category="lingkungan-hidup-kehutanan",
    )
    make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    officer, admin = new_page(), new_page()

    # The officer declares the province's interest on the innovation's page.
    login(officer, live_server, bappeda_kalsel)
    officer.goto(f"{live_server.url}{rimba.get_absolute_url()}")
    panel = officer.locator("#interest")
    expect(panel).to_be_visible()
    assert_accessible(officer)
    panel.locator("#interest_institution").fill("Dinas Kehutanan Provinsi Kalimantan Selatan")
    panel.locator("#interest_note").fill("Untuk kelompok tani hutan di Banua.")
    panel.locator("button[type=submit]").click()
    expect(officer.locator(".alert-success")).to_be_visible()
    expect(officer.locator("#interest")).to_contain_text(
        "Dinas Kehutanan Provinsi Kalimantan Selatan"
    )
    expect(officer.locator("#interest button[type=submit]")).to_be_visible()  # withdraw
    assert_accessible(officer)
    interest = Interest.objects.get()
    assert (interest.status, interest.province.code) == ("open", "63")

    # The forum admin finds it in the demand view, ticks it and drafts a forum.
    login(admin, live_server, forum_admin)
    admin.goto(f"{live_server.url}/replication/interest/")
    assert_accessible(admin)
    admin.locator(f"#pair-{rimba.pk}-{interest.province_id}").check()
    admin.locator("main form[method=post] button[type=submit]").click()
    expect(admin.locator(".alert-success")).to_be_visible()
    session = ForumSession.objects.get()
    assert admin.url.endswith(f"/forums/{session.pk}/manage/")
    assert (session.status, session.level, session.host_province.code) == (
        "draft",
        "regional",
        "63",
    )
    expect(admin.locator("main")).to_contain_text("Menggapai Mimpi Sahabat Rimba")
    expect(admin.locator("main")).to_contain_text("Bappeda Provinsi Kalimantan Selatan")
    assert_accessible(admin)
