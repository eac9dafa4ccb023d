"""The catalogue section of docs/PERFORMANCE.md: one table, rewritten by each `make bench`."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

from bench.wrk import Measurement

COLD_TRIES = 5
START, END = "<!-- bench:catalogue:start -->", "<!-- bench:catalogue:end -->"
INTRO = """# Performance

Measured by `make bench` (bench/run.py): each section is rewritten by the run that
measured it, between its markers; the rest of this file is left alone.
"""


@dataclass
class Row:
    label: str
    path: str
    target: float  # the largest allowed ratio of its median to the baseline's
    measured: Measurement | None = None
    note: str = ""  # why it was not measured, or what went wrong
    cold_ms: float | None = None  # median of single requests, the app's cache emptied each time

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
        if self.measured is None:
            return self.note or "not measured"
        if self.failed:
            return f"FAILED: {self.note}" if self.note else "FAILED"
        ratio = self.ratio(baseline)
        if ratio is None:
            return "no baseline"
        verdict = "pass" if ratio <= self.target else "fail"
        return f"{verdict} ({self.note})" if self.note else verdict


def table(rows: list[Row]) -> str:
    baseline = rows[0]
    lines = [
        "| page | path | cold (ms) | cold x baseline | median (ms) | requests/s | x baseline "
        "| target | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        m, ratio, cold_ratio = row.measured, row.ratio(baseline), row.cold_ratio(baseline)
        cold = f"{row.cold_ms:.1f}" if row.cold_ms is not None else "-"
        cold_shown = f"{cold_ratio:.1f}" if cold_ratio is not None else "-"
        median = f"{m.median_ms:.1f}" if m and m.median_ms is not None else "-"
        rate = f"{m.requests_per_second:.1f}" if m else "-"
        shown = f"{ratio:.1f}" if ratio is not None else "-"
        path = row.path.replace("|", "%7C")
        lines.append(
            f"| {row.label} | `{path}` | {cold} | {cold_shown} | {median} | {rate} | {shown} "
            f"| {row.target:g}x | {row.verdict(baseline)} |"
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
            "Each page's median latency is compared with the baseline's, a page that runs no "
            "query; a page answering anything but 2xx/3xx fails. *Cold*: the median of "
            f"{COLD_TRIES} single requests, one at a time, the application's cache (Redis) "
            "emptied before each, the database and the operating system warm; compared with "
            "the baseline's cold figure. The target and the result are the warm figures'.",
            "",
            table(rows),
            END,
        ]
    )


def write(path: Path, text: str) -> None:
    """Put the section in place of its previous version, or at the end."""
    old = path.read_text(encoding="utf-8") if path.exists() else INTRO
    if START in old and END in old:
        before, rest = old.split(START, 1)
        new = before + text + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
