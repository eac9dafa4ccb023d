"""`make run`'s web process holds no database connection per request thread.

Django's development server answers every request in a thread of its own and never
closes that thread's connection: with persistent connections (CONN_MAX_AGE) they piled
up until PostgreSQL refused every other program ("too many clients already"). Here the
Procfile's own web command runs as a subprocess on a free port against the test
database, with persistent connections asked for as production has them, and takes a
few hundred requests while pg_stat_activity is watched.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from jipp.devstack import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = [
    "/",
    "/innovations/",
    "/innovations/?q=air&province=63",
    "/innovations/innovators/",
    "/forums/",
    "/forums/?view=month&month=2020-10",
    "/replication/",
    "/healthz",
]
REQUESTS = int(os.environ.get("JIPP_DEV_SERVER_REQUESTS", "320"))


def procfile_web(port: int) -> list[str]:
    """The Procfile's `web:` command, with this interpreter and the given port."""
    line = re.search(r"^web:\s*(.+)$", (ROOT / "Procfile").read_text(), re.M)
    assert line, "the Procfile has no web process"
    argv = shlex.split(line.group(1))
    assert "runserver" in argv, argv
    argv = [sys.executable if arg == "python" else arg for arg in argv]
    return [re.sub(r"^127\.0\.0\.1:\d+$", f"127.0.0.1:{port}", arg) for arg in argv]


def url_of_test_database() -> str:
    """DATABASE_URL with the test database's name (what this test's connection uses)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"], query=""))


def open_connections() -> int:
    """Other sessions on the test database now (the statistics snapshot cleared first)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our server)
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def dev_server(db: None, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url_of_test_database(),
        "CONN_MAX_AGE": "600",  # what production asks for; the dev server must not heed it
        "DEBUG": "true",
    }
    log = tmp_path / "runserver.log"  # a file, not a pipe: a full pipe would stall it
    with log.open("w") as output:
        process = subprocess.Popen(
            procfile_web(port), cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the development server stopped: {log.read_text()[-2000:]}")
            try:
                get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the development server did not answer within a minute")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_the_development_server_keeps_its_database_connections_few_and_flat(dev_server):
    baseline = open_connections()
    samples = []
    for number in range(REQUESTS):
        status = get(dev_server + PAGES[number % len(PAGES)])
        assert status < 500, f"{PAGES[number % len(PAGES)]} answered {status}"
        if number % 40 == 39:
            samples.append(open_connections())
    # One per request thread would be a connection per request here: hundreds.
    assert max(samples) <= baseline + 2, (baseline, samples)
    assert samples[-1] <= samples[0] + 1, (baseline, samples)
