"""`make loadtest`: 50 people at once for two minutes, written to docs/PERFORMANCE.md.

    python -m bench.load [--users 50] [--minutes 2] [--skip-generate]

Under jipp.devstack (the Makefile), like `make bench`, on the same database (jipp_bench:
100,000 innovations, 50,000 plans; generated once, reused):
1. accounts for the run (officers of the provinces with open stages, reviewers), their
   work (stages to move on, submissions to decide, done stages to verify) written to
   var/bench/load-work.json, and 2,000 submissions for the reviewers;
2. gunicorn with production settings (DEBUG off, 4 sync workers) on a free local port;
3. locust, headless, bench/locustfile.py: visitors, officers, reviewers (6:3:1);
4. median and 95th percentile per page, server errors (5xx) and connection errors, and
   the refusals the product means to give (counted apart), into docs/PERFORMANCE.md.
Fails (exit 1) on any server error or connection error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

from bench import report
from bench.run import database_url, manage, prepare
from bench.run import parse_args as run_args
from bench.server import launch, say, server_env, stop_server, wait_until_ready

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
START, END = "<!-- bench:load:start -->", "<!-- bench:load:end -->"
SUBMISSIONS = 2000
OFFICERS_PER_PROVINCE = 2
REVIEWERS = 5


def accounts_and_work(password: str) -> dict[str, object]:
    """Users with the run's password, and what each may do, from the bench database."""
    from django.contrib.auth.models import Group
    from django.db.models import F

    from innovations.models import Innovation
    from innovations.synthetic import BROAD_WORD, SELECTIVE_WORD
    from jipp.models import Province, User
    from replication.models import Indicator, Stage

    def account(username: str, role: str, province: Province | None = None) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "province": province},
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        return user

    open_stages = Stage.objects.filter(
        plan__status="approved",
        status__in=["pending", "in_progress"],
        kind=F("plan__current_stage"),
    )
    officers = []
    for province in Province.objects.all():
        stages = list(
            open_stages.filter(plan__province=province).values_list("plan_id", "kind", "status")[
                :60
            ]
        )
        if not stages:
            continue
        # The evaluation stage is done with every indicator's achieved value.
        indicators: dict[int, list[int]] = {}
        for plan_id, indicator_id in Indicator.objects.filter(
            plan_id__in=[plan for plan, kind, _ in stages if kind == "evaluation"]
        ).values_list("plan_id", "id"):
            indicators.setdefault(plan_id, []).append(indicator_id)
        work = [(*stage, indicators.get(stage[0], [])) for stage in stages]
        for n in range(OFFICERS_PER_PROVINCE):
            user = account(f"load-officer-{province.code}-{n}", "bappeda", province)
            # Each officer of a province gets half of its stages: they rarely collide.
            officers.append({"username": user.username, "stages": work[n::OFFICERS_PER_PROVINCE]})
    reviewers = [
        {"username": account(f"load-reviewer-{n}", "ministry").username} for n in range(REVIEWERS)
    ]

    submitted = list(
        Innovation.objects.filter(status="submitted").values_list("slug", flat=True)[:SUBMISSIONS]
    )
    if len(submitted) < SUBMISSIONS:
        submitted += make_submissions(SUBMISSIONS - len(submitted))
    done = Stage.objects.filter(plan__status="approved", status="done")
    return {
        "officers": officers,
        "reviewers": reviewers,
        "submissions": submitted,
        "done_stages": list(done.values_list("plan_id", "kind")[:2000]),
        "innovations": list(
            Innovation.objects.public().order_by("?").values_list("slug", flat=True)[:500]
        ),
        "words": [BROAD_WORD, SELECTIVE_WORD, "layanan", "kesehatan"],
    }


def make_submissions(count: int) -> list[str]:
    """Copies of approved innovations, submitted for review, under new slugs."""
    from django.utils import timezone

    from innovations.models import Innovation

    now, run = timezone.now(), secrets.token_hex(3)  # a second run's copies get new slugs
    copies = []
    for n, innovation in enumerate(Innovation.objects.public().order_by("id")[:count]):
        innovation.pk = None
        innovation.slug = f"uji-beban-{run}-{n}-{innovation.slug}"[:200]
        innovation.status = "submitted"
        innovation.submitted_at = now
        innovation.reviewed_at = None
        copies.append(innovation)
    Innovation.objects.bulk_create(copies, batch_size=500)
    return [copy.slug for copy in copies]


def stats(prefix: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as file:
        rows = [row for row in csv.DictReader(file)]
    failures_file = prefix.parent / f"{prefix.name}_failures.csv"
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    # An exception inside a simulated user's step is a broken test, never a pass.
    exceptions_file = prefix.parent / f"{prefix.name}_exceptions.csv"
    if exceptions_file.exists():
        for row in csv.DictReader(exceptions_file.open()):
            failures.append(
                {
                    "Method": "locust",
                    "Name": "user step",
                    "Error": row.get("Message", ""),
                    "Occurrences": row.get("Count", ""),
                }
            )
    return rows, failures


def section(
    rows: list[dict[str, str]],
    failures: list[dict[str, str]],
    refused: dict[str, int],
    *,
    users: int,
    minutes: int,
    machine_line: str,
    data: str,
) -> str:
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    total = next((row for row in rows if row["Name"] == "Aggregated"), None)
    lines = [
        START,
        f"## Load: {users} people at once for {minutes} minutes",
        "",
        f"Measured {date.today():%d %B %Y} by `make loadtest` on {machine_line}.",
        f"Server: gunicorn `jipp.wsgi`, 4 sync workers, DEBUG off, same machine as the load. "
        f"Data: {data}. Load: locust, headless, bench/locustfile.py: visitors, Bappeda "
        "officers and ministry reviewers, 6:3:1, each waiting 1 to 6 s between steps.",
        "",
        "| request | count | median (ms) | 95th percentile (ms) | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in sorted(pages, key=lambda r: r["Name"]):
        lines.append(
            f"| {row['Type']} {row['Name']} | {int(row['Request Count']):,} | "
            f"{row['50%']} | {row['95%']} | {row['Failure Count']} |"
        )
    if total:
        lines.append(
            f"| **all** | **{int(total['Request Count']):,}** | {total['50%']} | "
            f"{total['95%']} | {total['Failure Count']} |"
        )
    lines += [
        "",
        "Failed requests (server errors, connection errors, any other HTTP error; none "
        "is allowed):",
        "",
    ]
    lines += [f"- {f['Method']} {f['Name']}: {f['Error']} ({f['Occurrences']}x)" for f in failures]
    if not failures:
        lines.append("- none.")
    lines += [
        "",
        "Refusals the product means to give, counted apart (the request succeeded; the page "
        "said why the action could not be done): two reviewers deciding the same submission "
        '("already decided by ..."), a stage verified by another reviewer meanwhile, a '
        "stage whose plan moved on since the work list was read.",
        "",
    ]
    lines += [f"- {name}: {count:,}" for name, count in sorted(refused.items())] or ["- none."]
    lines.append(END)
    return "\n".join(lines)


def write(text: str) -> None:
    path = ROOT / "docs" / "PERFORMANCE.md"
    old = path.read_text(encoding="utf-8")
    if START in old and END in old:
        before, rest = old.split(START, 1)
        path.write_text(before + text + rest.split(END, 1)[1], encoding="utf-8")
    else:
        path.write_text(old.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=2)
    parser.add_argument("--innovations", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=50_000)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args(argv)

    from jipp.devstack import ensure_database, free_port

    database = database_url(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/jipp"))
    ensure_database(database)
    os.environ.update(DATABASE_URL=database, DEBUG="true", DJANGO_SETTINGS_MODULE="jipp.settings")
    import django

    django.setup()
    from django.db import connection

    # The catalogue bench's database, topped up as `make bench` would (plans as asked).
    data = run_args(["--innovations", str(args.innovations), "--plans", str(args.plans)])
    data.skip_generate = args.skip_generate
    innovations = prepare(data)
    password = secrets.token_urlsafe(16)
    OUT.mkdir(parents=True, exist_ok=True)
    work_file = OUT / "load-work.json"
    work_file.write_text(json.dumps(accounts_and_work(password)))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = str(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM replication_replicationplan")
        plans = int(cursor.fetchone()[0])
    connection.close()

    port = free_port()
    env = server_env(database, port)
    manage("collectstatic", "--noinput", env=env, quiet=True)
    server = launch(env, port, workers=4)
    prefix, refusals = OUT / "load", OUT / "load-refusals.json"
    try:
        wait_until_ready(server, port, "/")
        say(f"locust: {args.users} users for {args.minutes} min")
        command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
        command += ["--headless", "--users", str(args.users), "--spawn-rate", "10"]
        command += ["--run-time", f"{args.minutes}m", "--host", f"http://127.0.0.1:{port}"]
        command += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
        subprocess.run(
            command,
            cwd=ROOT,
            env={
                **os.environ,
                "JIPP_LOAD_WORK": str(work_file),
                "JIPP_LOAD_PASSWORD": password,
                "JIPP_LOAD_REFUSALS": str(refusals),
            },
            check=False,  # locust exits 1 on any failure; we judge from its numbers
        )
    finally:
        stop_server(server)
    rows, failures = stats(prefix)
    refused = json.loads(refusals.read_text()) if refusals.exists() else {}
    text = section(
        rows,
        failures,
        refused,
        users=args.users,
        minutes=args.minutes,
        machine_line=report.machine(server_version),
        data=f"{innovations:,} approved innovations, {plans:,} replication plans",
    )
    print(text)
    write(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
