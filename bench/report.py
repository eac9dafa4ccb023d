"""The catalogue section of docs/PERFORMANCE.md: one table, rewritten by each `make bench`."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

from bench.wrk import Measurement

REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
COLD_TRIES = 20  # enough single requests for a 95th percentile
START, END = "<!-- bench:catalogue:start -->", "<!-- bench:catalogue:end -->"
INTRO = """# Performance

Measured by `make bench` (bench/run.py): each section is rewritten by the run that
measured it, between its markers; the rest of this file is left alone.
"""


@dataclass
class Row:
    label: str
    path: str
    target: float  # the largest allowed ratio of its cold median to the baseline's
    measured: Measurement | None = None
    note: str = ""  # why it was not measured, or what went wrong
    cold_ms: float | None = None  # median of single requests, the app's cache emptied each time
    cold_p95_ms: float | None = None  # their 95th percentile

    @property
    def failed(self) -> bool:
        return self.measured is not None and (
            self.measured.non_2xx_3xx > 0 or self.measured.median_ms is None
        )

    def ratio(self, baseline: Row) -> float | None:
        if self.measured is None or self.failed or baseline.failed or baseline.measured is None:
            return None
        if self.measured.median_ms is None or not baseline.measured.median_ms:
            return None
        return self.measured.median_ms / baseline.measured.median_ms

    def cold_ratio(self, baseline: Row) -> float | None:
        if self.cold_ms is None or not baseline.cold_ms:
            return None
        return self.cold_ms / baseline.cold_ms

    def verdict(self, baseline: Row) -> str:
        """Judged on the first request (issue 19): the cold median against the target."""
        if self.measured is None:
            return self.note or "not measured"
        if self.failed:
            return f"FAILED: {self.note}" if self.note else "FAILED"
        ratio = self.cold_ratio(baseline)
        if ratio is None:
            return "no baseline"
        verdict = "pass" if ratio <= self.target else "fail"
        return f"{verdict} ({self.note})" if self.note else verdict

    def as_dict(self, baseline: Row) -> dict[str, object]:
        """What bench.scale keeps of a run, to draw the curve across sizes."""
        m = self.measured
        return {
            "label": self.label,
            "path": self.path,
            "target": self.target,
            "cold_ms": self.cold_ms,
            "cold_p95_ms": self.cold_p95_ms,
            "cold_x": self.cold_ratio(baseline),
            "warm_ms": m.median_ms if m else None,
            "warm_p95_ms": m.p95_ms if m else None,
            "warm_x": self.ratio(baseline),
            "requests_per_second": m.requests_per_second if m else None,
            "result": self.verdict(baseline),
        }


def shown(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(rows: list[Row]) -> str:
    baseline = rows[0]
    lines = [
        "| page | path | cold (ms) | cold p95 (ms) | cold x baseline | warm (ms) | warm p95 (ms) "
        "| requests/s | warm x baseline | target (cold) | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        m = row.measured
        path = row.path.replace("|", "%7C")
        lines.append(
            f"| {row.label} | `{path}` | {shown(row.cold_ms)} | {shown(row.cold_p95_ms)} "
            f"| {shown(row.cold_ratio(baseline))} | {shown(m.median_ms if m else None)} "
            f"| {shown(m.p95_ms if m else None)} | {shown(m.requests_per_second if m else None)} "
            f"| {shown(row.ratio(baseline))} | {row.target:g}x | {row.verdict(baseline)} |"
        )
    return "\n".join(lines)


def machine(server_version: str) -> str:
    """CPUs, memory, kernel and versions, as one line."""
    meminfo, cpuinfo = Path("/proc/meminfo"), Path("/proc/cpuinfo")
    memory = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text() if meminfo.exists() else "")
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text() if cpuinfo.exists() else "")
    cpus = len(os.sched_getaffinity(0))  # what nproc prints
    parts = [f"{cpus} CPUs" + (f" ({model[1].strip()})" if model else "")]
    if memory:
        parts.append(f"{int(memory[1]) / 1024**2:.1f} GiB RAM")
    parts += [
        f"{platform.system()} {platform.release()}",
        f"PostgreSQL {server_version}",
        f"Python {platform.python_version()}",
    ]
    return ", ".join(parts)


EXPLAINED = (
    "Each page is compared with the baseline, a page that runs no query, in the same run; a "
    "page answering anything but 2xx/3xx fails. *Cold*: "
    f"{COLD_TRIES} single requests, one at a time, the application's cache (Redis) emptied "
    "before each, the database and the operating system warm: their median and 95th "
    "percentile, and the median as a multiple of the baseline's. *Warm*: the same URL "
    "repeated under wrk (median, 95th percentile, requests per second). The target and the "
    "result are the cold figure's (issue 19: the first request is what a visitor waits)."
)


def section(
    rows: list[Row], *, innovations: int, when: str, machine_line: str, wrk: str, extra: str = ""
) -> str:
    return "\n".join(
        [
            START,
            f"## Catalogue at {innovations:,} innovations",
            "",
            f"Measured {when} by `make bench` on {machine_line}.",
            f"Load: wrk, {wrk}. Server: gunicorn `jipp.wsgi`, 2 sync workers, DEBUG off, "
            f"`CONN_MAX_AGE=600`, on the same machine. Data: {innovations:,} approved synthetic "
            "innovations (`manage.py generate_data`), then `VACUUM ANALYZE`." + extra,
            EXPLAINED,
            "",
            table(rows),
            END,
        ]
    )


def write(path: Path, text: str, start: str = START, end: str = END) -> None:
    """Put the section in place of its previous version, or at the end."""
    old = path.read_text(encoding="utf-8") if path.exists() else INTRO
    if start in old and end in old:
        before, rest = old.split(start, 1)
        new = before + text + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
