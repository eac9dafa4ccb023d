"""The inbox in a real browser: a plan message arrives, its time on the province's clock,
a row in another language marked, everything readable on a phone and by keyboard."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from innovations.models import Innovation
from jipp import services
from jipp.models import Institution, User
from replication import services as plan_services
from tests.conftest import indicator_rows
from tests.e2e.conftest import assert_accessible, login
from tests.replication.conftest import plan_data

PHONE: ViewportSize = {"width": 390, "height": 844}


def test_an_officer_reads_a_message_and_an_english_row_in_the_indonesian_inbox(
    page: Page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    ministry: User,
    innovator_diy: User,
    make_innovation: Callable[..., Innovation],
    make_institution: Callable[..., Institution],
) -> None:
    innovation = make_innovation(
        "Menggapai Mimpi Sahabat Rimba", innovator=innovator_diy.institution
    )
    adopter = make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    plan = plan_services.file_plan(
        by=bappeda_kalsel, data=plan_data(innovation, adopter), indicators=indicator_rows()
    )
    plan_services.submit_plan(plan=plan, by=bappeda_kalsel)
    plan_services.approve_plan(plan=plan, by=ministry)
    message, _told = plan_services.post_message(
        plan=plan, by=ministry, body="Mohon unggah notulen rapat koordinasi tahap identifikasi."
    )
    with translation.override("en"):
        services.notify(
            user=bappeda_kalsel,
            kind="test",
            subject="A notice written in English before the switch to Indonesian",
            body="Written while the officer read the portal in English.",
            dedupe_key="english-row",
        )
    login(page, live_server, bappeda_kalsel)
    page.goto("/inbox/")
    link = page.get_by_role("link", name="Pesan pada Sahabat Hutan Banua")
    expect(link).to_be_visible()
    expect(page.locator("time").first).to_contain_text("WITA")
    expect(page.locator(".notification-language")).to_have_text("Ditulis dalam bahasa Inggris")
    expect(page.locator('span[lang="en"]')).to_have_count(1)
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    scrolls = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not scrolls, "the inbox scrolls sideways on a 390 px phone"

    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/replication/plans/{plan.pk}/#message-{message.pk}")


def test_a_long_link_in_a_message_wraps_on_a_phone_in_the_inbox_and_on_the_plan(
    page: Page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    ministry: User,
    innovator_diy: User,
    make_innovation: Callable[..., Innovation],
    make_institution: Callable[..., Institution],
) -> None:
    innovation = make_innovation("Mencerdaskan Si Miskin", innovator=innovator_diy.institution)
    adopter = make_institution("Dinas Pendidikan Provinsi Kalimantan Selatan", "63")
    plan = plan_services.file_plan(
        by=bappeda_kalsel, data=plan_data(innovation, adopter), indicators=indicator_rows()
    )
    link = "https://drive.example.go.id/d/" + "LaporanIdentifikasi" * 9  # no hyphen to break at
    plan_services.post_message(plan=plan, by=ministry, body=f"Berkasnya di {link}")
    login(page, live_server, bappeda_kalsel)
    page.set_viewport_size(PHONE)
    for url in ("/inbox/", f"/replication/plans/{plan.pk}/"):
        page.goto(url)
        expect(page.get_by_text("LaporanIdentifikasi", exact=False).first).to_be_visible()
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{url} scrolls {wide} px sideways on a 390 px phone"
