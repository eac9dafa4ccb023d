"""Run wrk (https://github.com/wg/wrk, Debian package `wrk`) and read what it prints."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

THREADS, CONNECTIONS, WARM_UP, TIMEOUT = 2, 8, 2, 30
PERCENTILES = Path(__file__).with_name("percentiles.lua")  # prints the 95th percentile
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class Measurement:
    median_ms: float | None  # None when not one request finished
    requests_per_second: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    p95_ms: float | None = None


def installed() -> bool:
    return shutil.which("wrk") is not None


def settings_text(duration: int) -> str:
    return (
        f"{THREADS} threads, {CONNECTIONS} connections, {duration} s per URL after a "
        f"{WARM_UP} s warm-up, `--latency`, `--timeout {TIMEOUT}s`"
    )


def wrk(url: str, duration: int, *extra: str) -> str:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s"]
    command += [f"--timeout={TIMEOUT}s", *extra, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


def measure(url: str, duration: int, headers: dict[str, str] | None = None) -> Measurement:
    """A warm-up run (thrown away), then the measured one; `headers` sent with each request."""
    extra = [f"--header={name}: {value}" for name, value in (headers or {}).items()]
    wrk(url, WARM_UP, *extra)
    return parse(wrk(url, duration, "--latency", f"--script={PERCENTILES}", *extra))


def parse(output: str) -> Measurement:
    """Read wrk's report: the 50% line of the latency distribution, the 95th percentile
    (bench/percentiles.lua), Requests/sec, errors."""
    median = re.search(r"^\s*50(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p95 = re.search(r"^p95_us (\d+)$", output, re.MULTILINE)
    if rate is None or requests is None:
        raise ValueError(f"cannot read wrk's output:\n{output}")
    finished = int(requests[1])
    return Measurement(
        median_ms=float(median[1]) * UNITS_MS[median[2]] if median and finished else None,
        requests_per_second=float(rate[1]),
        requests=finished,
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        p95_ms=int(p95[1]) / 1000 if p95 and finished else None,
    )
