"""Declared interest on the dashboards: how much is open, and where it points.

National: the open interest and the innovations most asked for. A province: its own open
interest. Kept a minute with the rest of the dashboard's body (views.dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.urls import reverse

from innovations.models import Innovation, detail_urls
from replication.interest import Interest, InterestStatus
from replication.rollups import RollupInterestProvince, RollupInterestRank

TOP = 5


@dataclass(frozen=True)
class InterestRow:
    title: str
    url: str
    count: int  # interested provinces (national) or 1 (a province's own)
    since: Any = None


@dataclass
class InterestFigures:
    open_count: int = 0
    provinces: int = 0
    rows: list[InterestRow] = field(default_factory=list)
    demand_url: str = ""


def _compute(province_id: int | None) -> InterestFigures:
    """One query, written out (the dashboards show it on every cold request, and building
    it with the ORM cost more than running it)."""
    link = detail_urls()
    if province_id is not None:
        # The oldest ten (index interest_open_by_province), and how many from the rollup
        # per province: a province holds thousands of open interests at scale.
        sql = f"""
            SELECT i.title, i.slug, interest.created_at,
                   (SELECT n FROM {RollupInterestProvince._meta.db_table}
                     WHERE province_id = %s)
              FROM {Interest._meta.db_table} interest
              JOIN {Innovation._meta.db_table} i ON i.id = interest.innovation_id
             WHERE interest.status = %s AND i.status = %s AND interest.province_id = %s
             ORDER BY interest.created_at, interest.id LIMIT 10
        """  # noqa: S608 - our tables' names; values as parameters
        own = _fetch(sql, [province_id, InterestStatus.OPEN.value, "approved", province_id])
        return InterestFigures(
            open_count=(own[0][3] or 0) if own else 0,
            provinces=1 if own else 0,
            rows=[
                InterestRow(title, link(slug) + "#interest", 1, since)
                for title, slug, since, _ in own
            ],
        )
    # Nationally from the rollups of open interest in approved innovations (kept by
    # PostgreSQL: replication/rollups.py): the totals per province (38 rows), and the most
    # asked for along the ranks' index: an innovation's last rank (no next one) is its
    # number of open interests, the highest read first.
    sql = f"""
        SELECT totals.open, totals.provinces, top.title, top.slug, top.k
          FROM (SELECT COALESCE(SUM(n), 0), COUNT(province_id) FILTER (WHERE n > 0)
                  FROM {RollupInterestProvince._meta.db_table}) totals (open, provinces)
          LEFT JOIN (
                SELECT i.title, i.slug, ranks.k, ranks.innovation_id
                  FROM (SELECT innovation_id, k FROM {RollupInterestRank._meta.db_table}
                         WHERE scope = 0 AND since_next IS NULL
                         ORDER BY k DESC, innovation_id LIMIT %s) ranks
                  JOIN {Innovation._meta.db_table} i ON i.id = ranks.innovation_id
          ) top ON true
         ORDER BY top.k DESC, top.innovation_id
    """  # noqa: S608 - our tables' names; values as parameters
    found = _fetch(sql, [TOP])
    return InterestFigures(
        open_count=int(found[0][0]),
        provinces=int(found[0][1]),
        rows=[
            InterestRow(title, link(slug), count)
            for _, _, title, slug, count in found
            if slug is not None
        ],
        demand_url=reverse("replication:interest"),
    )


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def interest_figures(scope: Any) -> InterestFigures:
    """`scope`: replication.dashboard.figures.Scope (national, or one province). Not kept
    apart: the dashboard's body that shows them is itself kept a minute (views.dashboard)."""
    province = getattr(scope, "province", None)
    return _compute(province.id if province else None)
