"""Declared interest on the dashboards: how much is open, and where it points.

National: the open interest and the innovations most asked for. A province: its own open
interest. Kept a minute like every figure (jipp.cache.remembered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from innovations.models import Innovation
from jipp.cache import remembered
from replication.interest import Interest, InterestStatus
from replication.rollups import RollupInterest

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
        own = list(
            open_interest.filter(province_id=province_id)
            .select_related("innovation")
            .only("created_at", "innovation__title", "innovation__slug")
            .order_by("created_at", "id")
        )
        return InterestFigures(
            open_count=len(own),
            provinces=1 if own else 0,
            rows=[
                InterestRow(row.innovation.title, row.get_absolute_url(), 1, row.created_at)
                for row in own[:10]
            ],
        )
    # Nationally from the rollup of open interest in approved innovations per innovation
    # and province (kept by PostgreSQL: replication/rollups.py).
    rolled = RollupInterest.objects.filter(n__gt=0)
    totals = rolled.aggregate(
        n=Coalesce(Sum("n"), 0), provinces=Count("province_id", distinct=True)
    )
    top = list(
        rolled.order_by()
        .values("innovation_id")
        .annotate(count=Sum("n"))
        .order_by("-count", "innovation_id")[:TOP]
    )
    titles = {
        row.pk: row
        for row in Innovation.objects.filter(pk__in=[t["innovation_id"] for t in top]).only(
            "id", "title", "slug"
        )
    }
    return InterestFigures(
        open_count=totals["n"],
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
