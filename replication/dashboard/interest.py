"""Declared interest on the dashboards: how much is open, and where it points.

National: the open interest and the innovations most asked for. A province: its own open
interest. Kept a minute like every figure (jipp.cache.remembered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from innovations.models import Innovation
from jipp.cache import remembered
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
    open_interest = Interest.objects.filter(
        status=InterestStatus.OPEN, innovation__status="approved"
    )
    if province_id is not None:
        # The oldest ten (index interest_open_by_province), and how many from the rollup
        # per province: a province holds thousands of open interests at scale.
        total = RollupInterestProvince.objects.filter(province_id=province_id).values("n")
        own = list(
            open_interest.filter(province_id=province_id)
            .select_related("innovation")
            .only("created_at", "innovation__title", "innovation__slug")
            .annotate(total=Subquery(total))
            .order_by("created_at", "id")[:10]
        )
        return InterestFigures(
            open_count=(own[0].total or 0) if own else 0,
            provinces=1 if own else 0,
            rows=[
                InterestRow(row.innovation.title, row.get_absolute_url(), 1, row.created_at)
                for row in own
            ],
        )
    # Nationally from the rollups of open interest in approved innovations (kept by
    # PostgreSQL: replication/rollups.py): the totals per province (38 rows), and the most
    # asked for along the ranks' index: an innovation's last rank (no next one) is its
    # number of open interests, the highest read first.
    totals = RollupInterestProvince.objects.aggregate(
        open=Coalesce(Sum("n"), 0), provinces=Count("province_id", filter=Q(n__gt=0))
    )
    top = [
        {"innovation_id": innovation_id, "count": count}
        for innovation_id, count in RollupInterestRank.objects.filter(
            scope=0, since_next__isnull=True
        )
        .order_by("-k", "innovation_id")
        .values_list("innovation_id", "k")[:TOP]
    ]
    titles = {
        row.pk: row
        for row in Innovation.objects.filter(pk__in=[t["innovation_id"] for t in top]).only(
            "id", "title", "slug"
        )
    }
    return InterestFigures(
        open_count=totals["open"],
        provinces=totals["provinces"],
        rows=[
            InterestRow(
                titles[t["innovation_id"]].title,
                titles[t["innovation_id"]].get_absolute_url(),
                t["count"],
            )
            for t in top
            if t["innovation_id"] in titles
        ],
        demand_url=reverse("replication:interest"),
    )


def interest_figures(scope: Any) -> InterestFigures:
    """`scope`: replication.dashboard.figures.Scope (national, or one province)."""
    province = getattr(scope, "province", None)
    province_id = province.id if province else None
    return remembered(
        f"interest-figures:{province_id or 'national'}", lambda: _compute(province_id)
    )
