"""Who uses the portal at once, for `make loadtest` (bench/load.py runs it headless).

Three kinds of users, in the proportions of a working day:
- visitors (6 of 10) browse and search the public registry, forums and figures;
- Bappeda officers (3 of 10) sign in, open their plans and move stages on: start a
  stage, complete it with a PDF as evidence (and the achieved values or the legal basis
  where the stage asks for them);
- ministry reviewers (1 of 10) sign in and decide submissions and verify done stages.

Each signed-in user takes its own account and its own work from var/bench/load-work.json
(written by bench/load.py from the database). Two users may still reach for the same
stage or submission: the portal then refuses with a message ("already started", "already
decided by ..."). Such answers are the product working, not failures: they are reported
as "refused" requests, apart from server errors (5xx) and connection errors.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

WORK = Path(os.environ.get("JIPP_LOAD_WORK", "var/bench/load-work.json"))
PASSWORD = os.environ.get("JIPP_LOAD_PASSWORD", "")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A refusal shows as an error message: the messages framework's or the form's own.
REFUSED = re.compile(r'class="alert alert-danger[^"]*"')

work: dict[str, Any] = json.loads(WORK.read_text()) if WORK.exists() else {}
_lock = threading.Lock()
_officers = itertools.cycle(work.get("officers", []))
_reviewers = itertools.cycle(work.get("reviewers", []))
refused: dict[str, int] = {}


def _take(pool: Any) -> dict[str, Any]:
    with _lock:
        return dict(next(pool))


def _count_refusal(name: str) -> None:
    with _lock:
        refused[name] = refused.get(name, 0) + 1


@events.quitting.add_listener
def _write_refusals(environment: Any, **kwargs: Any) -> None:
    out = os.environ.get("JIPP_LOAD_REFUSALS")
    if out:
        Path(out).write_text(json.dumps(refused, indent=1, sort_keys=True))


class Visitor(HttpUser):
    weight = 6
    wait_time = between(1, 4)

    @task(3)
    def browse(self) -> None:
        self.client.get("/innovations/", name="/innovations/")

    @task(3)
    def search(self) -> None:
        word = random.choice(work.get("words", ["layanan"]))
        self.client.get(f"/innovations/?q={word}", name="/innovations/?q=")

    @task(3)
    def innovation(self) -> None:
        slug = random.choice(work.get("innovations", ["-"]))
        self.client.get(f"/innovations/{slug}/", name="/innovations/<slug>/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(1)
    def forums(self) -> None:
        self.client.get("/forums/", name="/forums/")

    @task(1)
    def figures(self) -> None:
        self.client.get("/replication/", name="/replication/")


class SignedIn(HttpUser):
    abstract = True
    account: dict[str, Any]

    def sign_in(self, pool: Any) -> None:
        self.account = _take(pool)
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf(page.text),
            },
            name="/accounts/login/ (post)",
        )

    def csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    def act(self, url: str, name: str, data: dict[str, Any], files: Any = None) -> None:
        """Post an action; a message refusing it ("already decided") is counted apart.

        The CSRF token is the cookie's (Django accepts the unmasked secret), so no page
        has to be fetched just for its form.
        """
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            url,
            {**data, "csrfmiddlewaretoken": token},
            files=files,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code < 400 and REFUSED.search(response.text):
                _count_refusal(name)
                response.success()


class Officer(SignedIn):
    weight = 3
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.sign_in(_officers)

    @task(3)
    def my_plans(self) -> None:
        self.client.get("/replication/plans/", name="/replication/plans/")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="/dashboard/ (officer)")

    @task(4)
    def move_a_stage_on(self) -> None:
        """Take one of this officer's open stages: start it if need be, then complete it."""
        if not self.account.get("stages"):
            return
        stages = self.account["stages"]
        plan, kind, status, indicators = stages.pop(random.randrange(len(stages)))
        base = f"/replication/plans/{plan}/stages/{kind}"
        self.client.get(f"/replication/plans/{plan}/", name="/replication/plans/<id>/")
        if status == "pending":
            self.act(f"{base}/start/", "stage start", {})
        data = {"note": "Laporan kegiatan terlampir.", "description": "Laporan"}
        yesterday = (date.today() - timedelta(days=1)).isoformat()  # never a future date
        if kind == "evaluation":  # every indicator's achieved value, with the decimal comma
            for indicator in indicators:
                data |= {f"achieved_{indicator}": "80,5", f"measured_on_{indicator}": yesterday}
        if kind == "institutionalization":
            data |= {
                "legal_basis_kind": "pergub",
                "legal_basis_number": "12 Tahun 2026",
                "legal_basis_date": yesterday,
                "lessons": "Libatkan perangkat daerah pelaksana sejak tahap identifikasi.",
            }
        self.act(
            f"{base}/complete/",
            "stage complete",
            data,
            files={"files": ("laporan.pdf", PDF, "application/pdf")},
        )


class Reviewer(SignedIn):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.sign_in(_reviewers)

    @task(2)
    def queues(self) -> None:
        self.client.get("/innovations/review/", name="/innovations/review/")
        self.client.get("/replication/review/", name="/replication/review/")

    @task(3)
    def decide_a_submission(self) -> None:
        slug = random.choice(work.get("submissions", ["-"]))
        self.act(
            f"/innovations/review/{slug}/decide/",
            "decide",
            # Changes requested, not approved: the copies never join the public catalogue.
            {"decision": "request_changes", "note": "Lengkapi data hasil dan biaya."},
        )

    @task(2)
    def verify_a_stage(self) -> None:
        plan, kind = random.choice(work.get("done_stages", [[0, "identification"]]))
        self.act(f"/replication/plans/{plan}/stages/{kind}/verify/", "stage verify", {})

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="/dashboard/ (national)")
