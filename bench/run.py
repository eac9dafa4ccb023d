"""`make bench`: the catalogue's pages under load, written to docs/PERFORMANCE.md.

    python -m bench.run [--innovations N] [--duration S] [--only LABEL] [--skip-generate]

Runs under jipp.devstack (`make bench`), which sets DATABASE_URL and REDIS_URL:
1. its own database, jipp_bench (DATABASE_URL's server, another name): migrate, top it up
   with `generate_data` to N approved innovations (a second run reuses them), VACUUM
   ANALYZE;
2. gunicorn `jipp.wsgi`, 2 sync workers, DEBUG off, on a free port of 127.0.0.1, after
   collectstatic (DEBUG off serves whitenoise's manifest);
3. each URL below: a 2 s warm-up, then wrk for --duration seconds; the dashboards as a
   signed-in ministry reviewer or Bappeda officer (a session cookie, bench/sessions.py),
   on --plans replication plans and --forums forum sessions with two years of history;
4. the table, on stdout and in its section of docs/PERFORMANCE.md (not with --only).
gunicorn is stopped at the end, on error and on Ctrl-C. Needs wrk: apt-get install wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bench import report, wrk
from bench.report import Row
from bench.server import launch, say, server_env, status, stop_server, wait_until_ready

ROOT = Path(__file__).resolve().parent.parent
REPORT = report.REPORT_PATH
DATABASE = "jipp_bench"
DEEP_PAGE = "<deep page>"  # worked out from the database by deep_page_path()
DEEP_PAGE_DEPTH = 20  # the page after the 21st oldest innovation: the very last rows
# The page of the innovation with the most public replications, its similar innovations
# computed (innovations.similarity): worked out by innovation_page_path().
INNOVATION_PAGE = "<innovation page>"

# What is measured, in order: (label, path). The first is the baseline, a page that runs
# no query. {broad} and {selective} are innovations.synthetic's BROAD_WORD and
# SELECTIVE_WORD: words in about 20% and 0.3% of the generated innovations.
URLS: list[tuple[str, str]] = [
    ("baseline", "/accounts/login/"),
    ("list", "/innovations/"),
    ("deep page", DEEP_PAGE),
    ("filter: province", "/innovations/?province=63"),
    ("filter: category+phase", "/innovations/?category=kesehatan&phase=development"),
    ("filter: sdg+year+kind", "/innovations/?sdg=3&year=2020&innovator_kind=city"),
    ("search: selective", "/innovations/?q={selective}"),
    ("search: broad", "/innovations/?q={broad}"),
    ("innovation page", INNOVATION_PAGE),
    ("api: list", "/api/innovations/"),
    ("replication: public", "/replication/"),
    ("replication: cases", "/replication/cases/"),
    ("cases: filtered", "/replication/cases/?province=63&results=yes"),
    ("api: cases", "/api/replication/cases/"),
    ("dashboard: national", "/dashboard/"),
    ("dashboard: province", "/dashboard/"),
    ("interest: demand", "/replication/interest/"),
    ("interest: filtered", "/replication/interest/?hub=on&age=90"),
    # The pickers (jipp/pickers.py) as forum staff and a Bappeda officer type: a common
    # word, a typo found by trigrams, an institution of the officer's province.
    ("picker: innovations", "/pick/innovations/?q={broad}"),
    ("picker: typo", "/pick/innovations/?q=lapor%20data%20kurikulm"),
    ("picker: institutions", "/pick/institutions/?q=dinas%20pendidikan"),
]
# Who requests a signed-in page: a persona of bench/sessions.py.
SIGNED_IN = {"dashboard: national": "ministry", "dashboard: province": "bappeda"}
SIGNED_IN |= {"picker: innovations": "ministry", "picker: typo": "ministry"}
SIGNED_IN |= {"picker: institutions": "bappeda"}
SIGNED_IN |= {"interest: demand": "ministry", "interest: filtered": "ministry"}
# How many times the baseline's cold median each may take (issue 19's targets at
# 1,000,000 innovations); DEFAULT_TARGET when not listed.
TARGETS = {"baseline": 1.0, "search: selective": 6.0, "search: broad": 10.0}
TARGETS |= {"dashboard: national": 15.0, "dashboard: province": 8.0}
DEFAULT_TARGET = 5.0
# The server's cache lives in a Redis database of its own, so the cold measurement may
# empty it without touching the queue or the cache of a `make run` on the same Redis.
BENCH_CACHE_DB = int(os.environ.get("BENCH_CACHE_DB", "13"))


def database_url(url: str, name: str = DATABASE) -> str:
    """The same server and user as `url`, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def manage(*command: str, env: dict[str, str], quiet: bool = False) -> None:
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=output
    )


def top_up(kind: str, want: int, have: int, skip_generate: bool) -> None:
    if have < want and not skip_generate:
        say(f"{have:,} {kind}; generating {want - have:,} more")
        started = time.monotonic()
        manage("generate_data", f"--{kind}", str(want - have), env=dict(os.environ))
        say(f"generated {want - have:,} {kind} in {time.monotonic() - started:.0f} s")


def prepare(args: argparse.Namespace) -> int:
    """Migrate and fill the bench database; returns how many approved innovations it has."""
    from django.db import connection

    from forums.models import ForumSession
    from innovations.kit import KitDocument
    from innovations.models import Innovation
    from replication.interest import Interest
    from replication.models import ReplicationPlan

    manage("migrate", "--noinput", env=dict(os.environ), quiet=True)
    innovations, skip_generate = args.innovations, args.skip_generate
    have = Innovation.objects.public().count()
    if have < innovations and not skip_generate:
        say(f"{have:,} approved innovations; generating {innovations - have:,} more")
        started = time.monotonic()
        manage("generate_data", "--innovations", str(innovations - have), env=dict(os.environ))
        say(f"generated {innovations - have:,} innovations in {time.monotonic() - started:.0f} s")
        have = Innovation.objects.public().count()
    top_up("kits", args.kits, KitDocument.objects.count(), skip_generate)
    top_up("plans", args.plans, ReplicationPlan.objects.count(), skip_generate)
    top_up("forums", args.forums, ForumSession.objects.count(), skip_generate)
    top_up("interest", args.interest, Interest.objects.count(), skip_generate)
    if skip_generate:  # measure the database as it is
        return have
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"{have:,} approved innovations; VACUUM ANALYZE in {time.monotonic() - started:.0f} s")
    return have


def deep_page_path(database: str = "default") -> str | None:
    """The list's page of the oldest innovations, by keyset cursor (innovations.paging).

    `database` is a Django database alias. None when the cursor helper is not there yet
    or there is nothing to page through.
    """
    try:
        from innovations.paging import cursor_for
    except ImportError:
        return None
    from innovations.models import Innovation

    oldest = list(
        Innovation.objects.using(database)
        .public()
        .order_by("approved_at", "id")
        .values_list("approved_at", "id")[: DEEP_PAGE_DEPTH + 1]
    )
    if not oldest:
        return None
    approved_at, pk = oldest[-1]
    return f"/innovations/?cursor={quote(cursor_for(approved_at, pk))}"


def innovation_page_path() -> str | None:
    """The innovation replicated by the most provinces (the fullest "also replicated"
    list), with its similar and "also replicated" innovations stored as an approval and a
    plan's approval would store them."""
    from django.db.models import Count, Q

    from innovations import similarity
    from innovations.models import Innovation
    from replication.models import PUBLIC_STATUSES

    replicated = Q(replication_plans__status__in=PUBLIC_STATUSES)
    top = (
        Innovation.objects.public()
        .annotate(plans=Count("replication_plans", filter=replicated))
        .order_by("-plans", "id")
        .only("id", "slug")
        .first()
    )
    if top is None:
        return None
    similarity.refresh_similar([top.pk])
    similarity.refresh_also_replicated([top.pk])
    return top.get_absolute_url()


def measure(
    label: str, path: str, port: int, duration: int, cookies: dict[str, str] | None = None
) -> Row:
    from innovations.synthetic import BROAD_WORD, SELECTIVE_WORD

    row = Row(label, path, TARGETS.get(label, DEFAULT_TARGET))
    if path == DEEP_PAGE:
        deep = deep_page_path()
        if deep is None:
            row.path, row.note = "/innovations/?cursor=…", "not available yet (no cursor_for)"
            return row
        row.path = deep
    if path == INNOVATION_PAGE:
        page = innovation_page_path()
        if page is None:
            row.path, row.note = "/innovations/<slug>/", "not available yet (no innovation)"
            return row
        row.path = page
    row.path = row.path.replace("{broad}", BROAD_WORD).replace("{selective}", SELECTIVE_WORD)
    headers = {}
    if label in SIGNED_IN:
        if not cookies or SIGNED_IN[label] not in cookies:
            row.note = "not available yet (no session)"
            return row
        headers["Cookie"] = f"sessionid={cookies[SIGNED_IN[label]]}"
    first = status(port, row.path, headers)
    if first == 404:
        row.note = "not available yet (404)"
        return row
    if headers and first != 200:  # a refused session answers a redirect to the login page
        row.note = f"session refused (HTTP {first})"
        return row
    row.cold_ms, row.cold_p95_ms = cold(port, row.path, headers)
    row.measured = wrk.measure(f"http://127.0.0.1:{port}{row.path}", duration, headers)
    notes = [] if row.measured.median_ms is not None else ["no request finished"]
    if row.measured.non_2xx_3xx:
        now = status(port, row.path, headers)
        notes.append(f"{row.measured.non_2xx_3xx} answers not 2xx/3xx, now HTTP {now}")
    if row.measured.socket_errors:
        notes.append(f"{row.measured.socket_errors} socket errors")
    row.note = "; ".join(notes)
    return row


def cold(port: int, path: str, headers: dict[str, str]) -> tuple[float, float]:
    """The median and 95th percentile of single requests, each after the application's
    cache was emptied: what the first visitor of a filter, a search or a dashboard waits
    (the minute cache hides it from wrk's repeated URL)."""
    from django.core.cache import cache

    times = []
    for _ in range(report.COLD_TRIES):
        cache.clear()  # the bench's own Redis database: see BENCH_CACHE_DB
        started = time.perf_counter()
        status(port, path, headers)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def signed_in_sessions(env: dict[str, str]) -> dict[str, str]:
    """Session keys of the bench's ministry and Bappeda users, signed as the server signs."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.sessions"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    default = int(os.environ.get("BENCH_INNOVATIONS", "100000"))
    parser.add_argument(
        "--innovations",
        type=int,
        default=default,
        metavar="N",
        help=f"approved innovations in the bench database (default {default})",
    )
    parser.add_argument(
        "--plans",
        type=int,
        default=int(os.environ.get("BENCH_PLANS", "50000")),
        metavar="N",
        help="replication plans in the bench database, for the dashboards (default 50000)",
    )
    parser.add_argument(
        "--forums",
        type=int,
        default=300,
        metavar="N",
        help="forum sessions in the bench database (default 300)",
    )
    parser.add_argument(
        "--kits",
        type=int,
        default=20_000,
        metavar="N",
        help="replication kit documents in the bench database (default 20000)",
    )
    parser.add_argument(
        "--interest",
        type=int,
        default=20_000,
        metavar="N",
        help="declared interest rows, for the demand view (default 20000)",
    )
    parser.add_argument(
        "--duration", type=int, default=10, metavar="S", help="seconds of wrk per URL (default 10)"
    )
    parser.add_argument(
        "--only",
        metavar="LABEL",
        choices=[label for label, _ in URLS],
        help="measure this URL only (and the baseline); no report written",
    )
    parser.add_argument(
        "--database",
        default=DATABASE,
        metavar="NAME",
        help=f"the bench database's name on DATABASE_URL's server (default {DATABASE})",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="also write the rows and the run's facts as JSON here (bench.scale reads it)",
    )
    parser.add_argument(
        "--no-report",
        action="store_true",
        help="leave docs/PERFORMANCE.md alone (bench.scale writes its own section)",
    )
    parser.add_argument(
        "--skip-generate",
        action="store_true",
        help="measure what the bench database has; generate nothing",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not wrk.installed():
        print("bench: wrk is not installed. Install it: apt-get install wrk", file=sys.stderr)
        return 2
    began = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # runs the finally below
    from jipp.devstack import ensure_database

    database = database_url(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/jipp"), args.database
    )
    ensure_database(database)
    from jipp.devstack import with_db

    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.update(
        DATABASE_URL=database,
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="jipp.settings",
        CACHE_URL=with_db(redis, BENCH_CACHE_DB),
    )
    import django

    django.setup()
    from django.db import connection

    innovations = prepare(args)
    from replication.models import ReplicationPlan

    plans = ReplicationPlan.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = str(cursor.fetchone()[0])
    from jipp.devstack import free_port

    port = free_port()
    env = server_env(database, port)
    manage("collectstatic", "--noinput", env=env, quiet=True)
    cookies = signed_in_sessions(env)
    urls = [url for url in URLS if url[0] in {URLS[0][0], args.only or url[0]}]
    server = launch(env, port)
    rows: list[Row] = []
    try:
        wait_until_ready(server, port, URLS[0][1])
        for _ in range(20):  # each worker's first requests load code and templates
            status(port, URLS[0][1])
        for label, path in urls:
            say(f"measuring {label}")
            rows.append(measure(label, path, port, args.duration, cookies))
    finally:
        stop_server(server)
    text = report.section(
        rows,
        innovations=innovations,
        when=date.today().isoformat(),
        machine_line=report.machine(server_version),
        wrk=wrk.settings_text(args.duration),
        extra=f" Dashboards: {plans:,} replication plans and their history "
        "(`generate_data --plans`, `--forums`); signed-in pages carry the session cookie of "
        "a bench user (bench/sessions.py).",
    )
    print("\n" + "\n".join(text.splitlines()[1:-1]) + "\n", flush=True)
    if args.json:
        facts = {"innovations": innovations, "plans": plans, "when": date.today().isoformat()}
        facts |= {"machine": report.machine(server_version)}
        facts |= {"wrk": wrk.settings_text(args.duration)}
        facts["rows"] = [row.as_dict(rows[0]) for row in rows]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    if args.only or args.no_report:
        say("docs/PERFORMANCE.md left as it was")
    else:
        report.write(REPORT, text)
        say(f"written to {REPORT.relative_to(ROOT)}")
    say(f"done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(130)
