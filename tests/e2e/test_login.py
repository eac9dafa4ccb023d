"""Signing in and out in a real browser, in both languages, by mouse and by keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.e2e.conftest import assert_accessible, login, submit_login_form

INBOX = 'header a[href="/inbox/"]'


def test_officer_signs_in_in_indonesian_then_in_english(
    page: Page, live_server: LiveServer, bappeda_kalsel: User
) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert_accessible(page)

    login(page, live_server, bappeda_kalsel)
    # Indonesian labels come from the catalogue; the link is found by where it goes.
    expect(page.locator(INBOX)).to_be_visible()
    account_menu = page.locator("header .dropdown-toggle")
    expect(account_menu).to_contain_text(bappeda_kalsel.username)

    page.locator('header form button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(INBOX)).to_have_text("Inbox")
    expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    assert_accessible(page)

    account_menu.click()  # Bootstrap's dropdown: the sign-out button is inside
    expect(account_menu).to_have_attribute("aria-expanded", "true")
    sign_out = page.locator('header form[action="/accounts/logout/"] button[type="submit"]')
    expect(sign_out).to_be_visible()
    sign_out.click()
    expect(page.locator('header a[href="/accounts/login/"]')).to_be_visible()
    expect(page.locator(INBOX)).to_have_count(0)


def test_wrong_password_is_refused_with_a_message(
    page: Page, live_server: LiveServer, bappeda_kalsel: User
) -> None:
    page.goto("/accounts/login/")
    submit_login_form(page, bappeda_kalsel.username, "not-the-password")

    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(INBOX)).to_have_count(0)
    assert_accessible(page)


def test_keyboard_user_reaches_main_content_by_skip_link(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")

    skip_link = page.locator(":focus")
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_visible()  # hidden until focused, then shown

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
