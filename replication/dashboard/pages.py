"""What each page shows: the figures of a scope and period, gathered once, with charts.

The dashboards, the printable report and the XLSX read the same `Dashboard`, so the
numbers on screen and in the file cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jipp.cache import remembered
from replication.dashboard import charts, figures
from replication.dashboard.figures import (
    DueStage,
    InnovationFigures,
    MatrixRow,
    ProvinceFigures,
    ProvinceRow,
    ResultRow,
    Scope,
    share_of,
)
from replication.dashboard.periods import Period
from replication.models import PlanStatus, StageKind

# Part of every cache key holding pickled figures: raise it when their classes change, so
# a deployment never reads the previous version's objects.
CACHE_VERSION = "v2"
STAGE_LABELS = {kind.value: kind.label for kind in StageKind}


def plan_list_url(province: ProvinceRow | None = None, stage: str = "", **extra: str) -> str:
    """The scoped plan list, filtered as a matrix cell or a figure means it."""
    params = {"province": province.code if province else "", "stage": stage, **extra}
    query = "&".join(f"{name}={value}" for name, value in params.items() if value)
    return reverse("replication:plan_list") + (f"?{query}" if query else "")


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    generated_at: datetime
    approved_innovations: int = 0
    plans_by_status: dict[str, int] = field(default_factory=dict)
    overdue_now: int = 0
    in_period: dict[str, int] = field(default_factory=dict)
    at_end: dict[str, int] = field(default_factory=dict)
    activity: list[ProvinceFigures] = field(default_factory=list)
    matrix: list[MatrixRow] = field(default_factory=list)
    top_innovations: list[InnovationFigures] = field(default_factory=list)
    forums_per_month: list[tuple[date, int]] = field(default_factory=list)
    overdue_by_province: list[tuple[ProvinceRow, int]] = field(default_factory=list)
    notifications: dict[str, int] = field(default_factory=dict)
    next_due: list[DueStage] = field(default_factory=list)
    by_province: list[ProvinceFigures] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)
    results_by_sector: list[ResultRow] = field(default_factory=list)
    results_by_sdg: list[ResultRow] = field(default_factory=list)

    @property
    def is_national(self) -> bool:
        return self.scope.province is None

    @property
    def open_plans(self) -> int:
        return sum(
            self.plans_by_status.get(status, 0)
            for status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED)
        )

    def status_rows(self) -> list[tuple[str, str, int, str]]:
        """(status, label, count, link to the list) in the workflow's order."""
        return [
            (
                status.value,
                str(status.label),
                self.plans_by_status.get(status.value, 0),
                plan_list_url(self.scope.province, status=status.value),
            )
            for status in PlanStatus
        ]

    @property
    def results_share(self) -> int | None:
        """Of the indicators verified in the period, the share that reached its target."""
        return share_of(
            self.results.get("indicators_reached", 0), self.results.get("indicators_verified", 0)
        )

    def month_rows(self) -> list[tuple[str, int]]:
        return [(formats.date_format(month, "F Y"), n) for month, n in self.forums_per_month]

    def matrix_totals(self) -> list[int]:
        return [sum(row.cells[i][1] for row in self.matrix) for i in range(len(StageKind))]

    def matrix_view(self) -> list[tuple[ProvinceRow, list[tuple[str, int, str, str]], int]]:
        """Rows of (province, [(stage label, count, link, heat class)], total)."""
        highest = max((n for row in self.matrix for _, n in row.cells), default=0)
        labels = {kind: str(label) for kind, label in STAGE_LABELS.items()}
        # plan_list_url(province, kind) of each cell, with the list's address reversed once.
        base = plan_list_url()
        return [
            (
                row.province,
                [
                    (
                        labels[kind],
                        n,
                        f"{base}?province={row.province.code}&stage={kind}",
                        f"heat-{heat_step(n, highest)}",
                    )
                    for kind, n in row.cells
                ],
                row.total,
            )
            for row in self.matrix
        ]


@dataclass(frozen=True)
class Frame:
    """What the page around a dashboard's kept body shows of it (views.dashboard): the
    scope and the period, as a Dashboard has them."""

    scope: Scope
    period: Period

    @property
    def is_national(self) -> bool:
        return self.scope.province is None


def heat_step(value: int, highest: int) -> int:
    """0 for nothing, else 1 to 6: the palette step of charts.colour_for."""
    colour = charts.colour_for(value, highest)
    return 0 if colour == charts.EMPTY else charts.STEPS.index(colour) + 1


def collect(scope: Scope, period: Period, *, report: bool = False) -> Dashboard:
    """Every figure of a dashboard, computed at most once a minute per scope and period.

    Kept in Redis for jipp.cache.CACHE_TTL (60 s), so nobody sees numbers more than a minute
    old; the page says when they were computed. Without Redis, computed every time.
    """
    key = ":".join(
        [
            "dashboard",
            CACHE_VERSION,
            scope.key,
            period.cache_key(),
            str(report),
            translation.get_language(),
        ]
    )
    return remembered(key, lambda: compute(scope, period, report=report))


def compute(scope: Scope, period: Period, *, report: bool = False) -> Dashboard:
    """Every figure of a dashboard (about fifteen queries, whatever the data's size; the
    counts that grow with the data come from the rollups)."""
    rows = figures.provinces()
    today = timezone.now().astimezone(period.tzinfo).date()
    board = Dashboard(scope, period, timezone.now())
    # Rollups read once and shared by the figures drawn from them (replication/rollups.py).
    cells = figures.plan_cells()
    overdue = figures.overdue_counts(scope)
    moments = figures.moments_in(scope, period)
    board.approved_innovations = figures.approved_innovations(scope)
    board.plans_by_status = figures.plans_by_status(scope, cells)
    board.overdue_now = figures.overdue_now(scope, overdue)
    board.forums_per_month = figures.forums_per_month(scope, period)
    board.in_period = figures.in_period(scope, period, moments, board.forums_per_month)
    board.at_end = figures.at_end(scope, period)
    board.activity = figures.public_by_province(rows, cells)
    board.matrix = figures.stage_matrix(scope, rows, cells)
    board.top_innovations = figures.by_innovation(scope, limit=10)
    board.overdue_by_province = figures.overdue_by_province(scope, rows, overdue)
    board.notifications = figures.notification_health(scope)
    board.results_by_sector = figures.results_by_sector(scope, period)
    board.results_by_sdg = figures.results_by_sdg(scope, period)
    board.results = figures.results(scope, period, moments, board.results_by_sector)
    if scope.province:
        board.next_due = figures.next_due(scope, today)
    elif report:
        board.by_province = figures.period_by_province(rows, period)
    return board


# -- charts -------------------------------------------------------------------------------


def public_activity() -> list[ProvinceFigures]:
    """The public figures by province, kept a minute like the dashboards."""
    return remembered(
        f"public-activity:{CACHE_VERSION}", lambda: figures.public_by_province(figures.provinces())
    )


def activity_map(
    activity: list[ProvinceFigures], *, link: Any, current: ProvinceRow | None = None
) -> SafeString:
    tiles = [
        charts.Tile(
            code=item.province.code,
            name=item.province.name,
            value=item.values["total"],
            is_hub=item.province.is_hub,
            href=link(item.province),
            current=current is not None and item.province.id == current.id,
        )
        for item in activity
    ]
    return charts.tile_map(
        tiles,
        chart_id="map",
        title=_("Replication activity by province"),
        desc=_(
            "A tile for each of Indonesia's 38 provinces, west to east; the darker the tile, "
            "the more approved and completed replication plans. A star marks JIPP hubs. "
            "The table beside it gives the same numbers."
        ),
        unit=_("plans"),
    )


def charts_for(
    board: Dashboard, *, map_link: Any, months: list[tuple[str, int]] | None = None
) -> dict[str, SafeString]:
    """`months`: board.month_rows(), when the page already wrote them for its table."""
    status_items = [(label, n) for _, label, n, _ in board.status_rows()]
    return {
        "map": activity_map(board.activity, link=map_link, current=board.scope.province),
        "status": charts.bar_chart(
            status_items,
            chart_id="status-chart",
            title=_("Replication plans by status"),
            desc=_("Number of plans in each status now."),
        ),
        "months": charts.bar_chart(
            board.month_rows() if months is None else months,
            chart_id="months-chart",
            title=_("Forums held per month"),
            desc=_("FRIPP forums held in each month of %(period)s.")
            % {"period": board.period.label},
            label_width=140,
        ),
        "top": charts.bar_chart(
            [(item.title, item.total) for item in board.top_innovations],
            chart_id="top-chart",
            title=_("Most replicated innovations"),
            desc=_("Approved and completed replication plans per innovation, most first."),
            label_width=200,
        ),
        "sectors": result_chart(
            board.results_by_sector,
            chart_id="sector-chart",
            title=_("Indicators that reached their target, by sector"),
            desc=_(
                "Of the indicators verified in %(period)s, the share that reached its target "
                "in each sector of the innovation, in percent."
            )
            % {"period": board.period.label},
        ),
        "sdgs": result_chart(
            board.results_by_sdg,
            chart_id="sdg-chart",
            title=_("Indicators that reached their target, by SDG goal"),
            desc=_(
                "Of the indicators verified in %(period)s, the share that reached its target "
                "for each SDG goal the indicators serve, in percent."
            )
            % {"period": board.period.label},
        ),
        "overdue": charts.bar_chart(
            [(row.name, n) for row, n in board.overdue_by_province[:12]],
            chart_id="overdue-chart",
            title=_("Overdue stages by province"),
            desc=_("Unfinished stages past their due date now, worst province first."),
            colour="#414487",
        ),
    }


def result_chart(rows: list[ResultRow], *, chart_id: str, title: str, desc: str) -> SafeString:
    """A bar per row: the share of its verified indicators that reached their target."""
    return charts.bar_chart(
        [(row.label, row.share or 0) for row in rows],
        chart_id=chart_id,
        title=title,
        desc=desc,
        label_width=240,
        suffix="%",
        highest=100,
    )


def scope_for_user(user: Any, params: QueryDict) -> Scope:
    """Ministry: the nation, or `?province=<code>`; Bappeda: its own province only."""
    code = params.get("province", "")
    if user.is_ministry:
        if not code:
            return Scope()
        chosen = next((row for row in figures.provinces() if row.code == code), None)
        if chosen is None:
            raise Http404
        return Scope(chosen, chosen.timezone)
    own = next((row for row in figures.provinces() if row.id == user.province_id), None)
    if own is None:
        raise PermissionDenied  # a Bappeda account without a province sees no dashboard
    if code and code != own.code:
        raise Http404
    return Scope(own, own.timezone)
