"""The bench's own arithmetic: what it reads from wrk and how it draws the curve."""

from __future__ import annotations

from bench import report, scale, wrk
from bench.report import Row

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/innovations/
  2 threads and 8 connections
  Latency Distribution
     50%   12.50ms
     75%   15.00ms
     90%   20.00ms
     99%   40.00ms
  1200 requests in 10.00s, 3.84MB read
Requests/sec:    120.00
Transfer/sec:      1.92MB
p95_us 25500
"""


def test_reads_the_median_and_the_95th_percentile_from_wrk():
    measured = wrk.parse(WRK_OUTPUT)
    assert measured.median_ms == 12.5
    assert measured.p95_ms == 25.5
    assert measured.requests == 1200


def row(label: str, cold: float, warm: float, target: float = 5.0) -> Row:
    made = Row(label, f"/{label}/", target, wrk.parse(WRK_OUTPUT), cold_ms=cold, cold_p95_ms=cold)
    assert made.measured is not None
    made.measured.median_ms = warm
    return made


def test_the_verdict_is_the_cold_figures():
    baseline = row("baseline", 2.0, 10.0, 1.0)
    assert row("fast when warm only", 12.0, 20.0).verdict(baseline) == "fail"  # 6x cold
    assert row("fast when cold", 8.0, 80.0).verdict(baseline) == "pass"  # 4x cold


def test_the_curve_has_a_column_per_size_and_judges_the_largest():
    def run(cold: float) -> dict[str, object]:
        baseline = row("baseline", 2.0, 10.0, 1.0)
        rows = [baseline, row("list", cold, 20.0)]
        facts = {"plans": 5, "when": "2026-12-07", "machine": "m", "wrk": "w"}
        return facts | {"rows": [r.as_dict(baseline) for r in rows]}

    text = scale.section({10_000: run(4.0), 1_000_000: run(14.0)}, {})
    assert text.startswith(scale.START) and text.endswith(scale.END)
    assert "| page | cold x at 10k | cold x at 1M | target | result at 1M |" in text
    assert "| list | 2.0 | 7.0 | 5x | fail |" in text
    assert report.shown(None) == "-"
