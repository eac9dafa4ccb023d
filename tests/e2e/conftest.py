"""The browser-test harness: Chromium through Playwright against pytest-django's live server.

Every test in this folder is marked `browser` and runs against `live_server`, hence on a
transactional database. The `page` fixture (and `new_page`, for more people at once) fails
a test whose page logged a console error, threw an uncaught exception or broke the Content
Security Policy. `login` signs a persona in through the real form; `assert_accessible`
runs axe-core and fails on serious or critical violations.

Chromium is Debian's (/usr/bin/chromium; `apt-get install chromium`), never one that
Playwright downloads. Without it the browser tests skip loudly, and under CI=true they
fail instead: a browser test that did not run must never pass CI.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from jipp.models import User
from tests.conftest import PASSWORD

# Playwright's sync API keeps an asyncio loop running in the main thread, which makes
# Django refuse ORM calls there (fixtures, the transactional flush). Documented escape
# hatch for exactly this case: nothing here is really async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# JIPP_CHROMIUM points elsewhere, e.g. to try what happens without one.
CHROMIUM = Path(os.environ.get("JIPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_MISSING = (
    f"Chromium is missing at {CHROMIUM}. "
    "Install it with `apt-get install chromium` (Playwright's own download is not used)."
)
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = E2E_DIR.parent.parent / "test-results"
BLOCKING_IMPACTS = {"serious", "critical"}

# A CSP violation reported by the page itself, in addition to Chromium's own
# "Refused to ..." console message; init scripts are not subject to the CSP.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.effectiveDirective} blocked ` +
    `${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
CSP_PATTERN = re.compile(r"Content Security Policy|Refused to")


def in_ci() -> bool:
    """CI set to anything but an explicit no: CI systems spell yes as true, 1 or yes."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def is_e2e(path: Path) -> bool:
    return path.resolve().is_relative_to(E2E_DIR)


# -- markers, and skips that must not pass CI -------------------------------------------

_reports = pytest.StashKey[dict[str, pytest.TestReport]]()
_problems = pytest.StashKey[list[str]]()
_skipped: list[str] = []
_rootpath: list[Path] = []
_chromium_missing: list[bool] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_e2e(item.path):
            item.add_marker(pytest.mark.browser)


def pytest_configure(config: pytest.Config) -> None:
    _rootpath.append(config.rootpath)


def reported_in_e2e(report: pytest.TestReport | pytest.CollectReport) -> bool:
    # pytest mostly calls these hooks through the node's own hook proxy, which consults a
    # folder's conftest only for the nodes inside it; this makes sure.
    return bool(_rootpath) and is_e2e(_rootpath[0] / report.nodeid.split("::")[0])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # An expected failure (xfail) is reported as skipped too; it is not a skip.
    if report.skipped and not hasattr(report, "wasxfail") and reported_in_e2e(report):
        _skipped.append(report.nodeid)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped and reported_in_e2e(report):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _skipped and in_ci():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _chromium_missing:
        terminalreporter.section("browser tests", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {CHROMIUM_MISSING}", red=True, bold=True
        )
    if _skipped and in_ci():
        terminalreporter.section("browser tests skipped under CI", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"CI=true and {len(_skipped)} browser test(s) skipped; failing the run:",
            red=True,
            bold=True,
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


# -- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, keeping the main thread on its Django connections.

    The sync API leaves an asyncio loop running in this thread, and Django keeps its
    connections in an asgiref Local that, once a loop runs, hands out *new* connection
    objects. The test database's serialized contents (what serialized rollback restores
    after each flush) live on the old ones: without this the migrated provinces and
    roles vanish for every browser test after the first whenever the test database was
    set up before the browser started.
    """
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as driver:
        for alias, connection in before.items():
            connections[alias] = connection
        yield driver


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail(
                f"CI=true and the browser tests cannot run: {CHROMIUM_MISSING}", pytrace=False
            )
        _chromium_missing.append(True)
        warnings.warn(f"BROWSER TESTS SKIPPED: {CHROMIUM_MISSING}", stacklevel=1)
        pytest.skip(f"BROWSER TESTS SKIPPED: {CHROMIUM_MISSING}")
    driver: Playwright = request.getfixturevalue("playwright")
    chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item: `new_page` screenshots a failed test."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Page]]:
    """Open a watched page in a fresh browser context (its own cookies: its own user).

    For tests with several people at once; most tests want `page`, the first of these.
    Relative URLs go to the live server (`page.goto("/")`). At teardown the test fails
    if any of its pages logged a console error, threw, or reported a CSP violation.
    """
    problems: list[str] = []
    request.node.stash[_problems] = problems
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            locale="id-ID",
            base_url=live_server.url,
            viewport={"width": 1280, "height": 800},
        )
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        label = f"page {len(contexts)}"

        def on_console(message: ConsoleMessage) -> None:
            where = message.location.get("url", "")
            if message.type == "error" or CSP_PATTERN.search(message.text):
                problems.append(f"{label}: console.{message.type} on {where}: {message.text}")

        def on_page_error(error: Error) -> None:
            problems.append(f"{label}: uncaught {error.name}: {error.message}")

        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        return page

    yield open_page

    call = request.node.stash.get(_reports, {}).get("call")
    for number, context in enumerate(contexts, start=1):
        if call is not None and call.failed:
            screenshot(context, f"{request.node.nodeid}-{number}")
        context.close()
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        print(f"Browser problems in {request.node.nodeid}:\n{listing}")
        pytest.fail(f"the browser reported {len(problems)} problem(s):\n{listing}", pytrace=False)


def screenshot(context: BrowserContext, name: str) -> None:
    """Save a failed test's pages to test-results/ (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for page in context.pages:
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
        try:
            page.screenshot(path=path, full_page=True)
        except Error as exc:  # a crashed page must not hide the real failure
            print(f"no screenshot of {name}: {exc}")


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """A watched page in Indonesian on the live server; see `new_page`."""
    return new_page()


@pytest.fixture
def page_problems(page: Page, request: pytest.FixtureRequest) -> list[str]:
    """What the pages recorded so far: console errors, page errors, CSP violations.

    For a test that provokes one on purpose: it asserts on the list, then clears it.
    """
    return request.node.stash[_problems]


# -- helpers ----------------------------------------------------------------------------


def submit_login_form(page: Page, username: str, password: str) -> None:
    """Fill in and submit the login form of the current page (fields found by name:
    their labels follow the language)."""
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def login(page: Page, live_server: LiveServer, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait until the header shows the user in."""
    page.goto(f"{live_server.url}/accounts/login/")
    submit_login_form(page, user.username, password)
    expect(page.locator('header a[href="/inbox/"]')).to_be_visible()


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"axe: {len(blocking)} serious/critical violation(s) on {page.url}"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '')}")
    message = "\n".join(lines)
    print(message)
    pytest.fail(message, pytrace=False)
