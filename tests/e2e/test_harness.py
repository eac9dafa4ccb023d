"""The harness itself: the `page` fixture must notice what it promises to notice."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.e2e.conftest import login


def wait_for_problem(page: Page, problems: list[str], text: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not any(text in p for p in problems) and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def test_page_fixture_records_csp_violations(page: Page, page_problems: list[str]) -> None:
    page.goto("/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.inlineRan = true";
          document.body.append(script);
        }"""
    )
    wait_for_problem(page, page_problems, "Content Security Policy")

    assert page.evaluate("window.inlineRan === undefined"), "the CSP let inline script run"
    assert any("Content Security Policy" in p for p in page_problems), page_problems
    page_problems.clear()  # provoked on purpose: the test must not fail for it


def test_page_fixture_records_uncaught_errors(page: Page, page_problems: list[str]) -> None:
    page.goto("/")
    page.evaluate("() => { setTimeout(() => { throw new Error('harness-probe'); }, 0); }")
    wait_for_problem(page, page_problems, "harness-probe")

    assert any("harness-probe" in p for p in page_problems), page_problems
    page_problems.clear()


def test_new_page_gives_each_person_their_own_session(
    new_page: Callable[[], Page], live_server: LiveServer, bappeda_kalsel: User, ministry: User
) -> None:
    officer, reviewer = new_page(), new_page()
    login(officer, live_server, bappeda_kalsel)
    login(reviewer, live_server, ministry)

    officer.reload()
    expect(officer.locator("header .dropdown-toggle")).to_contain_text(bappeda_kalsel.username)
    expect(officer.locator('header a[href="/accounts/users/"]')).to_have_count(0)
    # The reviewer's menu has a second dropdown (Reviews, a link); the account menu is a button.
    expect(reviewer.locator("header button.dropdown-toggle")).to_contain_text("Ratna")
    expect(reviewer.locator('header a[href="/accounts/users/"]')).to_have_count(1)
