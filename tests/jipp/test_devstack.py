"""`make run` and `make test` on a machine with no PostgreSQL or Redis of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import os, psycopg2, dj_database_url, redis
p = dj_database_url.parse(os.environ["DATABASE_URL"])
c = psycopg2.connect(dbname=p["NAME"], user=p["USER"], host=p["HOST"])
cur = c.cursor()
cur.execute("select to_tsvector('indonesian', 'melayani pelayanan mencerdaskan')")
print(cur.fetchone()[0])
print(redis.Redis.from_url(os.environ["REDIS_URL"]).ping())
"""


def test_embedded_postgres_and_redis_start_when_nothing_answers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        JIPP_VAR_DIR=str(tmp_path),
        JIPP_PG_PROBE="127.0.0.1:9",  # nothing listens on the discard port
        JIPP_REDIS_PROBE="127.0.0.1:9",
    )
    result = subprocess.run(
        [sys.executable, "-m", "jipp.devstack", "--", sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "starting the embedded PostgreSQL" in result.stdout
    assert "starting the embedded Redis" in result.stdout
    # The indonesian configuration stems: layan from both, cerdas from mencerdaskan.
    assert "'cerdas'" in result.stdout and "'layan':1,2" in result.stdout
    assert "True" in result.stdout
    # Both servers stopped with the command.
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_the_machines_servers_are_used_when_they_answer(tmp_path):
    from jipp.devstack import answers

    if not (answers("127.0.0.1:5432") and answers("127.0.0.1:6379")):
        pytest.skip("this machine runs no PostgreSQL and Redis of its own")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["JIPP_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "jipp.devstack", "--test", "--", sys.executable, "-c", "pass"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "embedded" not in result.stdout
    assert "REDIS_URL=redis://127.0.0.1:6379/15" in result.stdout
    assert not (tmp_path / "postgres").exists()
