"""Every dashboard page reads in a constant number of queries, however much data there is."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import ForumSession
from jipp.models import Province
from tests.conftest import client_for
from tests.dashboard.conftest import at, dues, event, indicator, make_plan

pytestmark = pytest.mark.django_db

URLS = {
    "ministry": [
        "/dashboard/?year=2026",
        "/dashboard/?province=63&year=2026&quarter=3",
        "/dashboard/report/?year=2026",
        "/dashboard/report.xlsx?year=2026",
        "/dashboard/report/?province=63&year=2026",
    ],
    "bappeda_kalsel": ["/dashboard/", "/dashboard/report/"],
    "anon": ["/replication/", "/replication/?province=63", "/api/replication/provinces/"],
}


def counts(persona) -> dict[str, int]:
    result = {}
    for who, urls in URLS.items():
        client = client_for(persona(who))
        for url in urls:
            client.get(url)  # session, user and content types loaded once
            cache.clear()  # the figures are kept a minute: count what computing them takes
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            result[url] = len(captured)
    return result


def more_data(world, ministry, bappeda_kalsel, make_innovation) -> None:
    """Ten more innovations in five sectors with plans in many provinces, verified stages,
    indicators reached and missed, forums."""
    sectors = ["kesehatan", "pendidikan", "sosial", "perizinan", "pariwisata"]
    for n in range(10):
        innovation = make_innovation(f"Inovasi {n}", category=sectors[n % 5])
        for code in ("11", "35", "63", "73", "91"):
            plan = make_plan(
                innovation, code, "approved" if n % 3 else "completed", by=bappeda_kalsel,
                reviewer=ministry, dues=dues(date(2026, 1, 1 + n), date(2026, 8, 1)),
                verified={1: at(2026, 2, 1 + n)}, approved_at=at(2026, 1, 1 + n),
            )  # fmt: skip
            event(ministry, "due_date_accepted", plan.stages.get(order=2), at(2026, 3, 1))
            # Indicators in several sectors and SDG goals, measured and verified in the year.
            plan.stages.filter(kind="evaluation").update(
                status="verified", verified_at=at(2026, 3, 1 + n)
            )
            indicator(plan, 1, "increase", "10", "20", str(15 + n), f"{1 + n}.1")
            indicator(plan, 2, "decrease", "10", "5", str(n), "")
        ForumSession.objects.create(
            title=f"FRIPP {n}", status="held", starts_at=at(2026, 1 + n, 3),
            ends_at=at(2026, 1 + n, 3, hour=15), host_province=Province.objects.get(code="35"),
        )  # fmt: skip


def test_query_counts_do_not_grow_with_the_data(
    world, persona, ministry, bappeda_kalsel, make_innovation
):
    few = counts(persona)
    more_data(world, ministry, bappeda_kalsel, make_innovation)
    many = counts(persona)
    assert many == few
    assert max(few.values()) <= 30, few
