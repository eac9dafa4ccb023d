"""The error pages in a real browser: each says what happened and leads on, is valid HTML,
passes axe and fits a 390 px phone.

A stale link finds its innovation by typing the name; a page for another role says whom
it is for; a form refused for want of its security cookie goes through when sent again as
the page says; a bug of ours gives the reference its log line carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, login, submit_login_form
from tests.e2e.crawl import DESKTOP, OVERFLOW, PHONE, require_java, validate_html

Check = Callable[[Page, Response | None], None]


def only_the_status_was_logged(problems: list[str], status: int) -> None:
    """Chromium logs a page answered with an error status as a console error: that one is
    what the test provoked; anything else is still a failure."""
    assert problems and all(f"status of {status} " in problem for problem in problems), problems
    problems.clear()


@pytest.fixture
def checked(tmp_path: Path) -> Iterator[Check]:
    """Check a page at desktop and phone widths now; validate every page's HTML at the end."""
    require_java()
    kept: dict[Path, str] = {}

    def check(page: Page, response: Response | None) -> None:
        assert response is not None
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            assert_accessible(page)
            assert page.evaluate(OVERFLOW) is None, f"{page.url} scrolls sideways at {size}"
        page.set_viewport_size(DESKTOP)
        file = tmp_path / f"{len(kept)}.html"
        file.write_bytes(response.body())
        kept[file] = page.url

    yield check
    errors = validate_html(list(kept))
    assert not errors, "\n".join(f"{kept[file]}: vnu: {errors[file]}" for file in errors)


def test_a_stale_link_leads_to_the_innovation_by_typing_its_name(
    page: Page, checked: Check, page_problems: list[str], make_innovation: Callable[..., Any]
) -> None:
    make_innovation("Menggapai Mimpi Sahabat Rimba")
    response = page.goto("/innovations/sahabat-rimba-yang-lama/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Halaman ini tidak ada")
    checked(page, response)
    only_the_status_was_logged(page_problems, 404)

    page.get_by_role("searchbox").fill("sahabat rimba")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#results .card-title a")).to_have_text("Menggapai Mimpi Sahabat Rimba")


def test_a_page_for_another_role_says_whom_it_is_for_and_leads_back_to_work(
    page: Page,
    checked: Check,
    page_problems: list[str],
    live_server: LiveServer,
    innovator_diy: User,
) -> None:
    login(page, live_server, innovator_diy)
    response = page.goto("/dashboard/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Anda tidak dapat membuka halaman ini")
    expect(page.get_by_role("alert")).to_contain_text("Halaman ini untuk:")
    checked(page, response)
    only_the_status_was_logged(page_problems, 403)

    page.get_by_role("link", name="Ke beranda kerja").click()
    expect(page).to_have_url(f"{live_server.url}/work/")


def test_a_form_refused_for_its_cookie_goes_through_when_sent_again(
    page: Page,
    checked: Check,
    page_problems: list[str],
    live_server: LiveServer,
    bappeda_kalsel: User,
) -> None:
    page.goto("/accounts/login/")
    page.context.clear_cookies()  # as when the browser drops them while the page is open
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        submit_login_form(page, bappeda_kalsel.username, PASSWORD)
    assert sent.value.status == 403
    expect(page.locator("h1")).to_have_text("Formulir tidak terkirim")
    expect(page.get_by_role("alert")).to_contain_text("tidak ada yang disimpan")
    checked(page, sent.value)
    only_the_status_was_logged(page_problems, 403)

    # What the page says: back to the form, reload it, send it again.
    page.go_back()
    page.reload()
    submit_login_form(page, bappeda_kalsel.username, PASSWORD)
    expect(page.locator('header a[href="/inbox/"]')).to_be_visible()


def test_a_bug_of_ours_gives_the_reference_of_its_log_line(
    page: Page, checked: Check, settings: Any, page_problems: list[str]
) -> None:
    settings.ROOT_URLCONF = "tests.jipp.error_urls"  # the portal, and /broken/ that raises
    response = page.goto("/broken/")
    assert response is not None and response.status == 500
    expect(page.locator("h1")).to_have_text("Terjadi kesalahan di pihak kami")
    expect(page.locator("main code")).to_have_text(response.headers["x-request-id"])
    checked(page, response)
    only_the_status_was_logged(page_problems, 500)
