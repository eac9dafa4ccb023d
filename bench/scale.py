"""`make bench-scale`: the same pages at 10,000, 100,000 and 1,000,000 innovations.

    python -m bench.scale [--sizes 10000,100000,1000000] [--duration S] [--skip-generate]
                          [--report-only]

Runs under jipp.devstack, as `make bench` does. For each size N:
1. the catalogue bench (bench.run) on a database of its own, jipp_bench_<N>, topped up to
   N approved innovations, N/2 replication plans, 3 forums per 1,000 innovations, N/5
   kit documents and N/5 declared interests; its rows, cold and warm, median and 95th
   percentile, kept in docs/bench/scale-<N>.json;
2. the reminder sweep on the same database (bench.reminders): nothing due, then 10,000
   made due; kept in docs/bench/reminders-<N>.json;
3. the curve over every size measured so far (the JSON files), written to its section
   of docs/PERFORMANCE.md.
A size is measured when asked, so the 1,000,000 point (about 30 minutes of generation
and 11 GB) can be measured once and kept: `--sizes 10000,100000` leaves its file alone.
Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.reminders import TARGETS, verdict
from bench.server import say

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "bench"
START, END = "<!-- bench:scale:start -->", "<!-- bench:scale:end -->"
SIZES = [10_000, 100_000, 1_000_000]


def data_for(size: int) -> dict[str, int]:
    """What a size holds besides its innovations (issue 19: plans at half)."""
    return {
        "plans": size // 2,
        "forums": max(30, size * 3 // 1000),
        "kits": size // 5,
        "interest": size // 5,
    }


def measure(size: int, duration: int, skip_generate: bool) -> None:
    database = f"jipp_bench_{size}"
    command = [sys.executable, "-m", "bench.run", "--database", database]
    command += ["--innovations", str(size), "--duration", str(duration), "--no-report"]
    for kind, count in data_for(size).items():
        command += [f"--{kind}", str(count)]
    command += ["--json", str(RESULTS / f"scale-{size}.json")]
    if skip_generate:
        command.append("--skip-generate")
    subprocess.run(command, cwd=ROOT, check=True)
    command = [sys.executable, "-m", "bench.reminders", "--database", database]
    command += ["--innovations", str(size), "--plans", str(size // 2), "--skip-generate"]
    command += ["--due", "10000", "--send", "2000", "--no-write"]
    command += ["--json", str(RESULTS / f"reminders-{size}.json")]
    subprocess.run(command, cwd=ROOT, check=True)


def load(kind: str) -> dict[int, dict[str, Any]]:
    found = {}
    for path in RESULTS.glob(f"{kind}-*.json"):
        size = path.stem.rsplit("-", 1)[1]
        if size.isdigit():
            found[int(size)] = json.loads(path.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def short(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"


def curve(runs: dict[int, dict[str, Any]]) -> list[str]:
    """One row per page: its cold multiple at each size, the target, the largest's result."""
    sizes = list(runs)
    largest = runs[sizes[-1]]
    lines = [
        "| page | " + " | ".join(f"cold x at {short(s)}" for s in sizes) + " | target | "
        f"result at {short(sizes[-1])} |",
        "|---|" + "---:|" * len(sizes) + "---:|---|",
    ]
    by_size = {s: {row["label"]: row for row in runs[s]["rows"]} for s in sizes}
    for row in largest["rows"]:
        cells = [report.shown(by_size[s].get(row["label"], {}).get("cold_x")) for s in sizes]
        lines.append(
            f"| {row['label']} | " + " | ".join(cells) + f" | {row['target']:g}x "
            f"| {row['result']} |"
        )
    return lines


def detail(size: int, run: dict[str, Any]) -> list[str]:
    lines = [
        f"### {size:,} innovations, {run['plans']:,} plans",
        "",
        f"Measured {run['when']} on {run['machine']}; wrk {run['wrk']}.",
        "",
        "| page | cold (ms) | cold p95 (ms) | cold x | warm (ms) | warm p95 (ms) | warm x |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in run["rows"]:
        cells = [row["cold_ms"], row["cold_p95_ms"], row["cold_x"]]
        cells += [row["warm_ms"], row["warm_p95_ms"], row["warm_x"]]
        lines.append(f"| {row['label']} | " + " | ".join(report.shown(c) for c in cells) + " |")
    return [*lines, ""]


def reminders(runs: dict[int, dict[str, Any]]) -> list[str]:
    lines = [
        "| innovations | plans | reminders | sweep, nothing due (median of 30) "
        "| sweep, 10,000 due (written and committed) | e-mails handed to Redis too |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, facts in runs.items():
        c, due, empty = facts["counts"], facts["due"], facts["empty"]
        swept = f"{due['write_seconds']:.1f} s for {due['reminders']:,} "
        swept += f"({verdict(due['write_seconds'], TARGETS['due'])}) | {due['seconds']:.1f} s"
        if not due["reminders"]:  # an earlier run fired every reminder it could make due
            swept = "none left to make due (fired by an earlier run) |"
        lines.append(
            f"| {size:,} | {c['plans']:,} | {c['reminders']:,} "
            f"| {empty * 1000:.1f} ms ({verdict(empty, TARGETS['empty'])}) | {swept} |"
        )
    return lines


def section(pages: dict[int, dict[str, Any]], sweeps: dict[int, dict[str, Any]]) -> str:
    lines = [
        START,
        "## Scale: the curve from 10,000 to 1,000,000 innovations",
        "",
        "Measured by `make bench-scale` (bench/scale.py): at each size, its own database "
        "with N approved innovations, N/2 replication plans (their stages, reminders, "
        "indicators and history), 3 forums per 1,000 innovations, N/5 kit documents and N/5 "
        "declared interests; gunicorn with 2 workers. " + report.EXPLAINED,
        "",
        *curve(pages),
        "",
        "The reminder sweep on the same databases (bench/reminders.py; targets 50 ms and 20 s):",
        "",
        *reminders(sweeps),
        "",
    ]
    for size, run in pages.items():
        lines += detail(size, run)
    return "\n".join([*lines[:-1], END])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="innovations at each point, comma-separated (default 10000,100000,1000000)",
    )
    parser.add_argument("--duration", type=int, default=10, metavar="S", help="wrk seconds a URL")
    parser.add_argument("--skip-generate", action="store_true", help="measure what is there")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the section from the kept results"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        print("bench.scale: --sizes takes numbers, e.g. 10000,100000", file=sys.stderr)
        return 2
    began = time.monotonic()
    if not args.report_only:
        for size in sizes:
            say(f"size {size:,}")
            measure(size, args.duration, args.skip_generate)
    pages, sweeps = load("scale"), load("reminders")
    if not pages:
        say("no results kept yet in docs/bench/")
        return 1
    report.write(report.REPORT_PATH, section(pages, sweeps), START, END)
    say(f"the curve written to docs/PERFORMANCE.md in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
