"""Every page and form of the demo story through axe-core, and the journeys by keyboard.

The demo story (`seed_demo`) gives every page something real to show: forums with
outcomes, plans in every stage, reminders, a queue for the reviewers. Each role opens its
pages in Indonesian and in English; a serious or critical axe violation fails, and so does
a console error or a CSP violation (the `page` harness). Forms are also checked with their
errors showing, where the errors must be announced and linked to their fields.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from forums.models import ForumSession
from innovations.models import Innovation
from jipp.models import Institution, User
from replication.models import ReplicationPlan
from tests.e2e.conftest import assert_accessible, submit_login_form


@pytest.fixture
def demo(transactional_db, settings) -> dict[str, str]:
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    sahabat = Innovation.objects.get(title__startswith="Menggapai Mimpi Sahabat Rimba")
    plan = ReplicationPlan.objects.filter(province__code="63", innovation=sahabat).first()
    held = ForumSession.objects.filter(status="held", host_province__code="63").first()
    upcoming = ForumSession.objects.filter(status="scheduled").first()
    submitted = Innovation.objects.filter(status="submitted").first()
    diy = Institution.objects.get(users__username="inovator.diy")
    own = Innovation.objects.filter(innovator=diy).first()
    assert plan and held and upcoming and own, "the demo story is incomplete"
    return {
        "innovation": sahabat.slug,
        "innovator": sahabat.innovator.slug,
        "plan": str(plan.pk),
        "held": str(held.pk),
        "upcoming": str(upcoming.pk),
        "submitted": submitted.slug if submitted else sahabat.slug,
        "own": own.slug,
    }


PAGES: dict[str, list[str]] = {
    "": [
        "/",
        "/innovations/",
        "/innovations/?q=sahabat",
        "/innovations/{innovation}/",
        "/innovations/innovators/",
        "/innovations/innovators/{innovator}/",
        "/forums/",
        "/forums/?view=month&month=2020-10",
        "/forums/{held}/",
        "/forums/{upcoming}/",
        "/replication/",
        "/accounts/login/",
        "/accounts/request/",
        "/accounts/password_reset/",
    ],
    "bappeda.kalsel": [
        "/inbox/",
        "/dashboard/",
        "/replication/plans/",
        "/replication/plans/{plan}/",
        "/replication/plans/new/?innovation={innovation}",
        "/accounts/preferences/",
        "/accounts/password_change/",
    ],
    "kemenpan": [
        "/dashboard/",
        "/innovations/review/",
        "/innovations/review/{submitted}/",
        "/replication/review/",
        "/accounts/users/",
        "/accounts/users/invite/",
        "/accounts/requests/",
        "/innovations/import/",
    ],
    "inovator.diy": [
        "/innovations/mine/",
        "/innovations/new/",
        "/innovations/mine/{own}/",
    ],
    "forum.admin": [
        "/forums/new/",
        "/forums/{upcoming}/manage/",
        "/forums/{held}/manage/",
    ],
}

# Forms sent empty, so that their errors show; the summary must link to the fields.
EMPTY_FORMS: dict[str, list[str]] = {
    "": ["/accounts/request/"],
    "inovator.diy": ["/innovations/new/"],
    "forum.admin": ["/forums/new/"],
    "kemenpan": ["/accounts/users/invite/"],
}


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    from django.conf import settings

    page.goto(f"{live_server.url}/accounts/login/")
    submit_login_form(page, username, settings.DEMO_PASSWORD)
    expect(page.locator('header a[href="/inbox/"]')).to_be_visible()


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("who", list(PAGES))
def test_every_page_passes_axe(
    who: str, language: str, new_page: Callable[[], Page], live_server: LiveServer, demo
) -> None:
    page = new_page()
    if language == "en":
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
    if who:
        sign_in(page, live_server, who)
    for path in PAGES[who]:
        response = page.goto(live_server.url + path.format(**demo))
        assert response is not None and response.status == 200, path
        assert_accessible(page)


@pytest.mark.parametrize("who", list(EMPTY_FORMS))
def test_form_errors_are_announced_and_linked_to_their_fields(
    who: str, new_page: Callable[[], Page], live_server: LiveServer, demo
) -> None:
    page = new_page()
    if who:
        sign_in(page, live_server, who)
    for path in EMPTY_FORMS[who]:
        page.goto(live_server.url + path)
        page.locator("main form button[type=submit]").last.click()
        summary = page.locator("#form-errors")
        expect(summary).to_have_attribute("role", "alert")
        link = summary.locator("a").first
        target = link.get_attribute("href")
        assert target and target.startswith("#id_")
        field = page.locator(target)
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.get_attribute("aria-describedby") or ""
        assert f"{target[1:]}_error" in described
        assert_accessible(page)


def focus_ring(page: Page) -> str:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.boxShadow; }"
    )


def test_the_skip_link_comes_first_and_focus_is_always_visible(page: Page, live_server, demo):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden until focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        assert "none 0px none" not in ring, ring


def test_searching_the_registry_by_keyboard_alone(page: Page, live_server, demo):
    page.goto(live_server.url + "/innovations/")
    search = page.locator("main input[name=q]")
    for _ in range(40):  # Tab until the search box has the focus
        page.keyboard.press("Tab")
        if search.evaluate("element => element === document.activeElement"):
            break
    expect(search).to_be_focused()
    page.keyboard.type("Sahabat Rimba")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Menggapai Mimpi Sahabat Rimba")


def test_signing_in_and_opening_a_plan_by_keyboard_alone(page: Page, live_server, demo):
    from django.conf import settings

    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").focus()
    page.keyboard.type("bappeda.kalsel")
    page.keyboard.press("Tab")
    page.keyboard.type(settings.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator('header a[href="/inbox/"]')).to_be_visible()
    page.goto(live_server.url + "/replication/plans/")
    plan_link = page.locator(f'main a[href="/replication/plans/{demo["plan"]}/"]').first
    plan_link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/replication/plans/{demo['plan']}/")
    assert User.objects.filter(username="bappeda.kalsel").exists()
