"""The pickers in a real browser, with the keyboard only: type, arrow down, Enter, Escape."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from forums.models import ForumSession
from jipp.models import User
from tests.e2e.conftest import assert_accessible, login
from tests.forums.conftest import session_data


def listbox_of(page: Page, field: str):
    return page.locator(f"#{field}_listbox")


def test_a_forum_admin_adds_a_presentation_and_a_guest_with_the_keyboard_only(
    page: Page,
    live_server: LiveServer,
    forum_admin: User,
    make_innovation,
    make_institution,
) -> None:
    make_innovation("SiPANTAU Karhutla", innovator=make_institution("Balai KPH Yogyakarta", "34"))
    make_innovation("Sipandu Beraksi")
    make_innovation("SiPANTAU Rahasia", status="submitted")
    make_institution("Balai KPH Kalimantan Selatan", "63")
    session = ForumSession.objects.create(**session_data())
    login(page, live_server, forum_admin)
    page.goto(f"{live_server.url}/forums/{session.pk}/manage/")

    field = page.locator("#presentation_innovation")
    listbox = listbox_of(page, "presentation_innovation")
    field.focus()
    page.keyboard.type("sipantau karhuta")  # a typo: found by trigrams
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("SiPANTAU Karhutla")
    expect(listbox).not_to_contain_text("Rahasia")  # submitted, not public
    expect(page.locator("#presentation_innovation_status")).to_contain_text("saran")
    assert_accessible(page)  # with the list open

    page.keyboard.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", first_id or "")
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # takes the suggestion; does not send the form
    expect(field).to_have_value("SiPANTAU Karhutla")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    expect(page.locator(".alert-success")).to_have_count(0)

    page.keyboard.press("Tab")  # to the presenter
    page.keyboard.type("Balai KPH Yogyakarta")
    page.keyboard.press("Enter")  # now the form is sent
    expect(page.locator(".alert-success")).to_be_visible()
    assert [p.innovation.title for p in session.presentations.select_related("innovation")] == [
        "SiPANTAU Karhutla"
    ]

    # The guest: Escape closes the list, Up reaches the last suggestion.
    guest = page.locator("#invite_institution")
    guests = listbox_of(page, "invite_institution")
    guest.focus()
    page.keyboard.type("balai kph")
    expect(guests.get_by_role("option")).to_have_count(2)
    page.keyboard.press("Escape")
    expect(guests).to_be_hidden()
    expect(guest).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowUp")  # opens again, on the last one
    expect(guests).to_be_visible()
    last = guests.get_by_role("option").last
    expect(last).to_have_attribute("aria-selected", "true")
    chosen = last.get_attribute("data-value") or ""
    page.keyboard.press("Enter")
    expect(guest).to_have_value(chosen)
    page.keyboard.press("Enter")  # the list is closed: Enter sends the form
    expect(page.locator(".alert-success")).to_be_visible()
    assert session.participants.get().institution.name == chosen
    assert_accessible(page)


def test_a_bappeda_officer_picks_the_adopter_of_their_province(
    page: Page,
    live_server: LiveServer,
    bappeda_kalsel: User,
    make_innovation,
    make_institution,
) -> None:
    innovation = make_innovation("Menggapai Mimpi Sahabat Rimba")
    make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    make_institution("Dinas Kehutanan Provinsi Jawa Tengah", "33")
    login(page, live_server, bappeda_kalsel)
    page.goto(f"{live_server.url}/replication/plans/new/?innovation={innovation.slug}")
    field = page.locator("#id_adopter")
    field.focus()
    page.keyboard.type("dinas kehut")
    listbox = listbox_of(page, "id_adopter")
    expect(listbox.get_by_role("option").first).to_contain_text(
        "Dinas Kehutanan Provinsi Kalimantan Selatan"
    )
    expect(listbox).not_to_contain_text("Jawa Tengah")  # another province's
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Dinas Kehutanan Provinsi Kalimantan Selatan")
    assert_accessible(page)


def test_the_ministry_picks_an_innovators_institution_on_the_invitation(
    page: Page, live_server: LiveServer, ministry: User, make_institution
) -> None:
    make_institution("Balai KPH Yogyakarta", "34")
    login(page, live_server, ministry)
    page.goto(f"{live_server.url}/accounts/users/invite/")
    field = page.locator("#id_institution")
    field.focus()
    page.keyboard.type("kph yogya")
    listbox = listbox_of(page, "id_institution")
    expect(listbox.get_by_role("option").first).to_contain_text("Balai KPH Yogyakarta")
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Balai KPH Yogyakarta")
