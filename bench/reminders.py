"""`make bench`, second step: the reminder sweep and the outbox at national scale.

    python -m bench.reminders [--plans N] [--innovations N] [--due N] [--send N]
                              [--redis-db N] [--skip-generate] [--no-write]

Runs under jipp.devstack (`make bench`), which sets DATABASE_URL and REDIS_URL:
1. its own database, jipp_bench_reminders (not jipp_bench: the catalogue's): migrate, top
   it up with `generate_data` to N approved innovations and N replication plans (their
   stages, history and reminders), VACUUM ANALYZE;
2. a sweep with nothing due, 30 times: the median, and the claim query's plan (EXPLAIN
   ANALYZE), which must read the partial index `reminder_due`;
3. --due scheduled reminders made due at once, one sweep: the time until their
   notifications are written and committed (queuing their e-mails on Redis included);
4. --send of those e-mails through one real Celery worker (`celery -A jipp worker`,
   prefork, 2 processes as in the Procfile: --worker-concurrency) with the console mail
   backend, queued as the sweep queues them (replication.tasks.send_reminder_emails,
   25 a task): the time from queuing the first until the last is marked sent;
5. the results, on stdout and in their section of docs/PERFORMANCE.md.
Celery uses a Redis database of its own here (--redis-db, default 12), purged first.
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
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import report
from bench.report import machine
from bench.run import database_url, manage
from bench.server import say, server_env

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "PERFORMANCE.md"
DATABASE = "jipp_bench_reminders"
START, END = "<!-- bench:reminders:start -->", "<!-- bench:reminders:end -->"
WORKER_LOG = ROOT / "var" / "bench" / "reminder-worker.log"
TARGETS = {"empty": 0.050, "due": 20.0, "send": 60.0}  # seconds


def redis_url(url: str, db: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def prepare(innovations: int, plans: int, skip: bool) -> dict[str, int]:
    from django.db import connection

    from innovations.models import Innovation
    from replication.models import ReplicationPlan

    env = {**os.environ, "DEBUG": "true"}  # generate_data refuses to run in production
    manage("migrate", "--noinput", env=env, quiet=True)
    timings: dict[str, int] = {}
    have = Innovation.objects.public().count()
    if have < innovations and not skip:
        say(f"{have:,} approved innovations; generating {innovations - have:,} more")
        manage("generate_data", "--innovations", str(innovations - have), env=env)
    have_plans = ReplicationPlan.objects.count()
    if have_plans < plans and not skip:
        say(f"{have_plans:,} plans; generating {plans - have_plans:,} more")
        started = time.monotonic()
        manage("generate_data", "--plans", str(plans - have_plans), env=env)
        timings["generate_seconds"] = round(time.monotonic() - started)
        timings["generated"] = plans - have_plans
    if not skip:  # measure a given database as it is (bench.scale prepared it)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return timings


def counts() -> dict[str, int]:
    from jipp.models import AuditEvent, Notification
    from replication.models import Reminder, ReplicationPlan, Stage

    return {
        "plans": ReplicationPlan.objects.count(),
        "stages": Stage.objects.count(),
        "reminders": Reminder.objects.count(),
        "scheduled": Reminder.objects.filter(status="scheduled").count(),
        "events": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def empty_sweep() -> tuple[float, str]:
    """Median seconds of a sweep that finds nothing, and the claim query's plan."""
    from django.db import transaction
    from django.utils import timezone

    from replication import sweep

    sweep.fire_due_reminders()  # what fell due since the data was made
    runs = []
    for _ in range(30):
        started = time.perf_counter()
        result = sweep.fire_due_reminders()
        runs.append(time.perf_counter() - started)
        if result.fired:
            say(f"  {result.fired} reminders fell due while measuring")
    with transaction.atomic():
        plan = sweep.claim(timezone.now(), sweep.BATCH_SIZE).explain(analyze=True, buffers=True)
    return statistics.median(runs), plan


def due_sweep(count: int) -> dict[str, float]:
    """Make `count` scheduled reminders of live stages due now; time the sweep that fires them."""
    from django.utils import timezone

    from replication import sweep
    from replication.models import Reminder

    # One reminder per stage (the T-7), so that none is skipped as a missed earlier moment.
    live = (
        Reminder.objects.filter(
            status="scheduled",
            kind="due_in_7d",
            stage__plan__status="approved",
            stage__status__in=["pending", "in_progress"],
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:count]
    )
    ids = list(live)
    Reminder.objects.filter(pk__in=ids).update(due_at=timezone.now() - timedelta(minutes=1))
    started = time.perf_counter()
    result = sweep.fire_due_reminders(time_budget=600)
    seconds = time.perf_counter() - started
    return {
        "reminders": result.fired,
        "cancelled": result.cancelled,
        "notifications": result.notifications,
        "batches": result.batches,
        "seconds": seconds,
        "queue_seconds": result.queue_seconds,
        "write_seconds": seconds - result.queue_seconds,
    }


def send(count: int, env: dict[str, str], concurrency: int) -> dict[str, float]:
    """Queue `count` pending e-mails; one worker sends them; seconds until all are sent."""
    from jipp.celery import app
    from jipp.models import Notification
    from replication.sweep import queue_sends

    app.control.purge()  # the sweep's own queuing: this step queues its rows itself
    ids = list(
        Notification.objects.filter(status="pending", channel="email")
        .order_by("id")
        .values_list("pk", flat=True)[:count]
    )
    WORKER_LOG.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "celery", "-A", "jipp", "worker"]
    command += ["--concurrency", str(concurrency)]
    command += ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    worker_env = {**env, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    with WORKER_LOG.open("wb") as log:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5) and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited; see {WORKER_LOG}")
        started = time.perf_counter()
        queue_sends(ids)
        queued = time.perf_counter() - started
        sent = 0
        while time.perf_counter() - started < 600:
            sent = Notification.objects.filter(pk__in=ids, status="sent").count()
            if sent == len(ids):
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)  # its own session: the worker and its children
        worker.wait(timeout=60)
    return {"queued": len(ids), "sent": sent, "queue_seconds": queued, "seconds": seconds}


def load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def verdict(seconds: float, target: float) -> str:
    return "pass" if seconds <= target else "fail"


def section(facts: dict[str, Any]) -> str:
    c, due, sent = facts["counts"], facts["due"], facts["send"]
    empty = float(facts["empty"])
    generated = facts.get("generated", "")
    lines = [
        START,
        f"## Reminders at {c['plans']:,} plans",
        "",
        f"Measured {facts['when']} by `make bench` (`python -m bench.reminders`) on "
        f"{facts['machine']}.",
        f"Data (`manage.py generate_data --plans`): {c['plans']:,} plans, {c['stages']:,} "
        f"stages, {c['reminders']:,} reminders ({c['scheduled']:,} scheduled), "
        f"{c['events']:,} audit events. {generated}",
        f"Load average of the machine (other work included) at the start and the end: "
        f"{facts['load_before']} and {facts['load_after']}.",
        "",
        "| measure | result | target | verdict |",
        "|---|---:|---:|---|",
        f"| sweep with nothing due (median of 30) | {empty * 1000:.1f} ms | 50 ms "
        f"| {verdict(empty, TARGETS['empty'])} |",
        f"| sweep of {due['reminders']:,} due reminders: {due['notifications']:,} "
        f"notifications written and committed, {due['batches']} batches of 500 "
        f"| {due['write_seconds']:.1f} s | 20 s "
        f"| {verdict(due['write_seconds'], TARGETS['due'])} |",
        f"| the same sweep including handing their e-mails to Redis after each commit "
        f"({due['queue_seconds']:.1f} s of it) | {due['seconds']:.1f} s | | |",
        f"| {sent['sent']:,} of {sent['queued']:,} e-mails sent by one worker (prefork, "
        f"{sent['concurrency']} processes, console backend, in chunks of 25 per task; "
        f"queuing took {sent['queue_seconds']:.1f} s) "
        f"| {sent['seconds']:.1f} s | 60 s | {verdict(sent['seconds'], TARGETS['send'])} |",
        "",
        "The claim query of the sweep with nothing due (`EXPLAIN (ANALYZE, BUFFERS)`):",
        "",
        "```",
        str(facts["plan"]),
        "```",
        END,
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--plans", type=int, default=50_000, metavar="N")
    parser.add_argument("--innovations", type=int, default=5_000, metavar="N")
    parser.add_argument("--due", type=int, default=10_000, metavar="N")
    parser.add_argument("--send", type=int, default=10_000, metavar="N")
    parser.add_argument("--redis-db", type=int, default=12, metavar="N")
    parser.add_argument(
        "--worker-concurrency", type=int, default=2, metavar="N", help="as in the Procfile: 2"
    )
    parser.add_argument("--database", default=DATABASE, metavar="NAME")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="leave docs/PERFORMANCE.md")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the facts here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from jipp.devstack import ensure_database, free_port

    database = database_url(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/jipp"), args.database
    )
    ensure_database(database)
    broker = redis_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), args.redis_db)
    # Production settings (DEBUG off), as the beat's task and the worker run them.
    os.environ.update(
        server_env(database, free_port()),
        DJANGO_SETTINGS_MODULE="jipp.settings",
        CELERY_BROKER_URL=broker,
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    import django

    django.setup()
    from django.db import connection

    facts: dict[str, Any] = {"when": date.today().isoformat(), "load_before": load()}
    timings = prepare(args.innovations, args.plans, args.skip_generate)
    if timings:
        facts["generated"] = (
            f"Generating the last {timings['generated']:,} plans took "
            f"{timings['generate_seconds']} s."
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        facts["machine"] = machine(str(cursor.fetchone()[0]))
    say("sweep with nothing due")
    empty, plan = empty_sweep()
    facts["empty"], facts["plan"] = empty, plan
    say(f"  median {empty * 1000:.1f} ms")
    say(f"sweep of {args.due:,} due reminders")
    facts["due"] = due_sweep(args.due)
    say(f"  {facts['due']}")
    say(f"sending {args.send:,} e-mails through one worker")
    facts["send"] = send(args.send, dict(os.environ), args.worker_concurrency)
    facts["send"]["concurrency"] = args.worker_concurrency
    say(f"  {facts['send']}")
    facts["counts"], facts["load_after"] = counts(), load()
    text = section(facts)
    print("\n" + text + "\n", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    if not args.no_write:
        report.write(REPORT, text, START, END)
        say(f"written to {REPORT.relative_to(ROOT)}")
    say(f"done in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(130)
