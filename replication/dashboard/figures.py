"""Every figure of the dashboards, the public page, the API and the report.

Each function is one aggregate query (two at most), whatever the data's size: the
database counts, Python only reshapes result rows (at most 38 provinces x 7 stages). What
grows with the data (plans, stages, events, indicators) is read from the rollups that
PostgreSQL keeps (replication/rollups.py, replication/rollup_sql.py): a period's figure is
a sum over its months in its zone, never a scan of the rows. The same figures computed
from the live rows, the definitions below, are replication/dashboard/live.py: check_data
and the tests hold the two equal.

Two kinds of period figures (docs: README "Dashboards and reports"):
- *in the period*: what the audit trail records between the period's start and end
  (plans approved, stages verified, due-date moves accepted; forums held by the
  date they took place);
- *state at the end of the period*: read from the rows' own timestamps at the period's
  end (or now, while the period runs): a plan counts as approved by then when its
  `approved_at` is before it and no `plan_cancelled` event came before it either;
  completed by then when `completed_at` is before it; a stage verified by then when its
  `verified_at` is before it. "Active" = approved, not completed, not cancelled by then.

Results (DESIGN.md section 8) are those of approved and completed plans: plans completed in
the period (their `completed_at`), and the indicators whose plan's evaluation stage was
verified in the period (its `verified_at`), with how many reached their target in their
direction (replication.results.reached_condition), nationally or by sector, SDG goal and
province.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from forums.models import ForumSession, ForumStatus
from innovations.models import SDG, Category, Innovation, InnovationStatus
from jipp import notification_health as health
from jipp.models import ZONE_LABELS, AuditEvent, Institution, Province
from replication import rollup_sql
from replication.dashboard.periods import NATIONAL_ZONE, Period
from replication.models import (
    OPEN_STAGE_STATUSES,
    PUBLIC_STATUSES,
    STAGE_ORDER,
    Indicator,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)
from replication.results import reached_condition
from replication.rollups import (
    RollupDue,
    RollupInnovation,
    RollupInnovationProvince,
    RollupInnovationStatus,
    RollupMoment,
    RollupOpenStage,
    RollupPlan,
    RollupResult,
    RollupResultGoal,
)

PERIOD_ACTIONS = {
    "plans_approved": "plan_approved",
    "stages_verified": "stage_verified",
    "due_dates_moved": "due_date_accepted",
}


@dataclass(frozen=True)
class ProvinceRow:
    id: int
    code: str
    name: str
    hub_since: int | None
    timezone: str = NATIONAL_ZONE

    @property
    def is_hub(self) -> bool:
        return self.hub_since is not None


@dataclass(frozen=True)
class Scope:
    """National (no province) or one province's figures."""

    province: ProvinceRow | None = None
    zone: str = NATIONAL_ZONE

    @property
    def key(self) -> str:
        return self.province.code if self.province else "national"

    def plans(self) -> QuerySet[ReplicationPlan]:
        plans = ReplicationPlan.objects.all()
        return plans.filter(province_id=self.province.id) if self.province else plans

    def stages(self) -> QuerySet[Stage]:
        if not self.province:
            return Stage.objects.all()
        # A semi-join on the province's plans: read through the stages' plan index.
        return Stage.objects.filter(plan_id__in=self.plans().values("pk"))


_provinces: list[tuple[float, list[ProvinceRow]]] = []
PROVINCES_TTL = 300  # seconds: a hub named in the admin shows within five minutes


def provinces() -> list[ProvinceRow]:
    """The 38 provinces, by code: reference data, read once per process and five minutes
    (as the catalogue's filter choices are)."""
    if _provinces and _provinces[0][0] > time.monotonic():
        return _provinces[0][1]
    rows = Province.objects.order_by("code").values_list(
        "id", "code", "name", "hub_since", "timezone"
    )
    found = [ProvinceRow(*row) for row in rows]
    _provinces[:] = [(time.monotonic() + PROVINCES_TTL, found)]
    return found


def scope_for(province: Province | None) -> Scope:
    if province is None:
        return Scope()
    row = ProvinceRow(
        province.pk, province.code, province.name, province.hub_since, province.timezone
    )
    return Scope(row, province.timezone)


# -- the rollups (replication/rollups.py): what the figures read ------------------------

STATE_NAMES = ["approved_by_end", "completed_by_end", "active_at_end", "stages_verified_by_end"]
STATE_MOMENTS = [
    rollup_sql.APPROVED,
    rollup_sql.CANCELLED,
    rollup_sql.APPROVED_COMPLETED,
    rollup_sql.COMPLETED,
    rollup_sql.VERIFIED,
]
Counts = dict[tuple[str, int | None], int]


def _fetch(sql: str, params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _moment_sums(
    period: Period,
    whats: list[str],
    province: ProvinceRow | None,
    *,
    since: date | None = None,
    before: date,
    by_province: bool = False,
) -> Counts:
    """{(what, province id or None): n} of the RollupMoment months of the period's zone from
    `since` and before `before` (one query, written out: the dashboards read it on every
    cold request, and building it with the ORM cost more than running it)."""
    where = "zone = %s AND what = ANY(%s) AND month < %s"
    params: list[Any] = [rollup_sql.ZONE_OF[period.zone], list(whats), before]
    if since is not None:
        where += " AND month >= %s"
        params.append(since)
    if province:
        where += " AND province_id = %s"
        params.append(province.id)
    keys = "what, province_id" if by_province else "what, NULL"
    table = RollupMoment._meta.db_table
    sql = f"SELECT {keys}, SUM(n) FROM {table} WHERE {where} GROUP BY 1, 2"  # noqa: S608
    return {(what, province_id): int(n or 0) for what, province_id, n in _fetch(sql, params)}


def _in_months(
    period: Period, whats: list[str], province: ProvinceRow | None, *, by_province: bool = False
) -> Counts:
    """What happened in the period: the sum of its months in its zone (one query)."""
    return _moment_sums(
        period,
        whats,
        province,
        since=period.start.date(),
        before=period.end.date(),
        by_province=by_province,
    )


TAIL_SQL = f"""
    SELECT what, province_id, COUNT(*) FROM (
        SELECT '{rollup_sql.APPROVED}' AS what, province_id
          FROM replication_replicationplan
         WHERE approved_at >= %(moment)s AND approved_at < %(bound)s
        UNION ALL
        SELECT '{rollup_sql.COMPLETED}', province_id FROM replication_replicationplan
         WHERE completed_at >= %(moment)s AND completed_at < %(bound)s
        UNION ALL
        SELECT '{rollup_sql.APPROVED_COMPLETED}', province_id
          FROM replication_replicationplan
         WHERE approved_at < %(bound)s AND completed_at < %(bound)s
           AND (approved_at >= %(moment)s OR completed_at >= %(moment)s)
        UNION ALL
        SELECT '{rollup_sql.CANCELLED}', province_id FROM replication_rollup_cancel
         WHERE at >= %(moment)s AND at < %(bound)s
        UNION ALL
        SELECT '{rollup_sql.VERIFIED}', plan.province_id
          FROM replication_stage stage
          JOIN replication_replicationplan plan ON plan.id = stage.plan_id
         WHERE stage.verified_at >= %(moment)s AND stage.verified_at < %(bound)s
    ) AS tail
"""  # noqa: S608


def _state_at(
    period: Period, province: ProvinceRow | None, *, by_province: bool = False
) -> dict[int | None, dict[str, int]]:
    """The state at the period's end (or now): the moments of the months before the month
    the moment ends, less those from the moment to that month's end (read from the rows'
    indexes: nothing, or what is dated later today). One query, two while it runs."""
    moment = period.state_at
    local = moment.astimezone(period.tzinfo)
    bound = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if bound < local:
        month = bound.month % 12 + 1
        bound = bound.replace(year=bound.year + (bound.month == 12), month=month)
    counts = _moment_sums(
        period, STATE_MOMENTS, province, before=bound.date(), by_province=by_province
    )
    if moment < bound:
        sql = TAIL_SQL + (" WHERE province_id = %(province)s" if province else "")
        sql += " GROUP BY what, province_id"
        params = {"moment": moment, "bound": bound, "province": province.id if province else 0}
        for what, province_id, n in _fetch(sql, params):
            key = (what, province_id if by_province else None)
            counts[key] = counts.get(key, 0) - n
    found: dict[int | None, dict[str, int]] = {}
    for province_id in {key[1] for key in counts}:

        def n(what: str, province_id: int | None = province_id) -> int:
            return counts.get((what, province_id), 0)

        approved = n(rollup_sql.APPROVED) - n(rollup_sql.CANCELLED)
        found[province_id] = {
            "approved_by_end": approved,
            "completed_by_end": n(rollup_sql.COMPLETED),
            "active_at_end": approved - n(rollup_sql.APPROVED_COMPLETED),
            "stages_verified_by_end": n(rollup_sql.VERIFIED),
        }
    return found


def _results(period: Period, province: ProvinceRow | None) -> QuerySet[RollupResult]:
    """The rollup of the indicators verified in the period."""
    rows = RollupResult.objects.filter(
        zone=rollup_sql.ZONE_OF[period.zone],
        month__gte=period.start.date(),
        month__lt=period.end.date(),
    ).order_by()
    return rows.filter(province_id=province.id) if province else rows


def _result_filter(period: Period, province: ProvinceRow | None) -> tuple[str, list[Any]]:
    where = "r.zone = %s AND r.month >= %s AND r.month < %s"
    params: list[Any] = [rollup_sql.ZONE_OF[period.zone], period.start.date(), period.end.date()]
    if province:
        where += " AND r.province_id = %s"
        params.append(province.id)
    return where, params


def overdue_counts(scope: Scope) -> list[tuple[int, int]]:
    """(province id, unfinished stages of approved plans due before today in the province's
    zone), worst first (one query: replication.models.overdue_stages, from the rollup)."""
    now = timezone.now()
    conditions, params = [], []
    for zone in ZONE_LABELS:
        conditions.append("(province.timezone = %s AND due.due_date < %s)")
        params += [zone, now.astimezone(Province(timezone=zone).tzinfo).date()]
    where = " OR ".join(conditions)
    if scope.province:
        where = f"due.province_id = %s AND ({where})"
        params.insert(0, scope.province.id)
    sql = f"""
        SELECT due.province_id, SUM(due.n) FROM {RollupDue._meta.db_table} due
          JOIN {Province._meta.db_table} province ON province.id = due.province_id
         WHERE {where}
         GROUP BY due.province_id HAVING SUM(due.n) > 0
         ORDER BY SUM(due.n) DESC, due.province_id
    """  # noqa: S608
    return [(province_id, int(n)) for province_id, n in _fetch(sql, params)]


# -- key figures --------------------------------------------------------------------------


def approved_innovations(scope: Scope) -> int:
    """Approved innovations; of a province: those that originate there (from the rollup of
    innovations per province and status)."""
    table = RollupInnovationStatus._meta.db_table
    sql = f"SELECT COALESCE(SUM(n), 0) FROM {table} WHERE status = %s"  # noqa: S608
    params: list[Any] = [InnovationStatus.APPROVED.value]
    if scope.province:
        sql += " AND province_id = %s"
        params.append(scope.province.id)
    return int(_fetch(sql, params)[0][0])


Cells = list[tuple[int, str, str, int]]


def plan_cells() -> Cells:
    """(province id, status, current stage, plans) of the whole nation: at most 38 x 6 x 8
    rows of the rollup, read once for every figure of plans by status and stage (one
    query)."""
    table = RollupPlan._meta.db_table
    sql = f"SELECT province_id, status, current_stage, n FROM {table} WHERE n <> 0"  # noqa: S608
    return [(province_id, status, stage, n) for province_id, status, stage, n in _fetch(sql, [])]


def _in_scope(cells: Cells | None, scope: Scope) -> Cells:
    cells = plan_cells() if cells is None else cells
    if scope.province is None:
        return cells
    return [cell for cell in cells if cell[0] == scope.province.id]


def plans_by_status(scope: Scope, cells: Cells | None = None) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for _, status, _, n in _in_scope(cells, scope):
        counts[status] += n
    return {status.value: counts.get(status.value, 0) for status in PlanStatus}


def overdue_now(scope: Scope, overdue: list[tuple[int, int]] | None = None) -> int:
    """Unfinished stages of approved plans past their due date now; `overdue`: what
    overdue_counts(scope) gave, when the page already read it."""
    return sum(n for _, n in (overdue_counts(scope) if overdue is None else overdue))


# -- what happened in the period, and the state at its end --------------------------------


def _types() -> tuple[int, int]:
    # ContentType ids are cached by Django per process: no query after the first.
    plan_type = ContentType.objects.get_for_model(ReplicationPlan).pk
    stage_type = ContentType.objects.get_for_model(Stage).pk
    return plan_type, stage_type


def _events(period: Period, actions: list[str] | None = None) -> QuerySet[AuditEvent]:
    """The period's events of plans and stages (index audit_action_period)."""
    return AuditEvent.objects.filter(
        action__in=actions or list(PERIOD_ACTIONS.values()),
        target_type_id__in=_types(),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )


def _forums_held(scope: Scope, period: Period) -> QuerySet[ForumSession]:
    forums = ForumSession.objects.filter(
        status=ForumStatus.HELD, starts_at__gte=period.start, starts_at__lt=period.end
    )
    return forums.filter(host_province_id=scope.province.id) if scope.province else forums


def forums_held(scope: Scope, period: Period) -> int:
    return _forums_held(scope, period).count()


def moments_in(scope: Scope, period: Period) -> Counts:
    """The period's events and completions from the monthly rollup, for in_period and
    results (one query)."""
    return _in_months(period, [*PERIOD_ACTIONS.values(), rollup_sql.COMPLETED], scope.province)


def in_period(
    scope: Scope,
    period: Period,
    moments: Counts | None = None,
    forums: list[tuple[date, int]] | None = None,
) -> dict[str, int]:
    """Plans approved, stages verified, due dates moved (the audit trail's events, from the
    monthly rollup; `moments`: what moments_in gave, when the page read it), forums held
    (`forums`: what forums_per_month gave, when the page read it; two queries, none with
    both)."""
    found = moments_in(scope, period) if moments is None else moments
    counts = {name: found.get((action, None), 0) for name, action in PERIOD_ACTIONS.items()}
    if forums is None:
        counts["forums_held"] = forums_held(scope, period)
    else:
        counts["forums_held"] = sum(n for _, n in forums)
    return counts


def _cancelled_before(moment: Any) -> Case:
    """Whether the plan was cancelled before `moment`. Cancelling is final: only a plan
    cancelled now can have been, and only its audit trail is read."""
    plan_type, _ = _types()
    cancel = AuditEvent.objects.filter(
        action="plan_cancelled",
        target_type_id=plan_type,
        target_id=OuterRef("pk"),
        created_at__lt=moment,
    )
    return Case(
        When(status=PlanStatus.CANCELLED, then=Exists(cancel)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _state_counts(moment: Any) -> dict[str, Count]:
    approved = Q(approved_at__lt=moment, cancelled=False)
    completed = Q(completed_at__lt=moment)
    return {
        "approved_by_end": Count("id", filter=approved),
        "completed_by_end": Count("id", filter=completed),
        "active_at_end": Count("id", filter=approved & ~completed),
    }


def at_end(scope: Scope, period: Period) -> dict[str, int]:
    """Plans approved / completed / active and stages verified at the period's end: the
    months before it, less what came between the moment and its month's end (two queries
    while the period runs, one after)."""
    return _state_at(period, scope.province).get(None, dict.fromkeys(STATE_NAMES, 0))


# -- results: plans completed, indicators that reached their target -----------------------


def share_of(reached: int, verified: int) -> int | None:
    """The share reached, in whole percent rounded half up; None when nothing was verified."""
    if verified <= 0:
        return None
    return (200 * reached + verified) // (2 * verified)


@dataclass(frozen=True)
class ResultRow:
    """Verified indicators of one sector, SDG goal or province, and how many reached."""

    key: str  # the category's slug, the SDG goal's number, "" for indicators without one
    label: str
    verified: int
    reached: int

    @property
    def missed(self) -> int:
        return self.verified - self.reached

    @property
    def share(self) -> int | None:
        return share_of(self.reached, self.verified)


RESULT_COUNTS = {
    "indicators_verified": Count("id"),
    "indicators_reached": Count("id", filter=reached_condition()),
}


def completed_in(scope: Scope, period: Period) -> QuerySet[ReplicationPlan]:
    """The scope's plans completed in the period (their `completed_at`)."""
    return scope.plans().filter(completed_at__gte=period.start, completed_at__lt=period.end)


def verified_indicators(scope: Scope, period: Period | None = None) -> QuerySet[Indicator]:
    """Measured indicators of approved and completed plans whose evaluation stage is
    verified; with a period, verified in it. One join to the plan's evaluation stage
    (unique per plan: one row per indicator)."""
    evaluation: dict[str, Any] = {
        "plan__stages__kind": StageKind.EVALUATION,
        "plan__stages__status": StageStatus.VERIFIED,
    }
    if period is not None:
        evaluation["plan__stages__verified_at__gte"] = period.start
        evaluation["plan__stages__verified_at__lt"] = period.end
    indicators = Indicator.objects.filter(
        plan__status__in=PUBLIC_STATUSES, achieved__isnull=False, **evaluation
    )
    if scope.province:
        indicators = indicators.filter(plan__province_id=scope.province.id)
    return indicators


def results(
    scope: Scope,
    period: Period,
    moments: Counts | None = None,
    by_sector: list[ResultRow] | None = None,
) -> dict[str, int]:
    """Plans completed in the period; indicators verified in it and those reached (two
    queries; none when the page already read `moments` and `by_sector`: every indicator
    has one sector, or none, which is a row too)."""
    found = moments_in(scope, period) if moments is None else moments
    counts = {"completed_in_period": found.get((rollup_sql.COMPLETED, None), 0)}
    if by_sector is not None:
        counts["indicators_verified"] = sum(row.verified for row in by_sector)
        counts["indicators_reached"] = sum(row.reached for row in by_sector)
        return counts
    rows = _results(period, scope.province)
    counts |= rows.aggregate(
        indicators_verified=Coalesce(Sum("verified"), 0),
        indicators_reached=Coalesce(Sum("reached"), 0),
    )
    return counts


def public_results() -> dict[str, int]:
    """Every verified indicator of the public (approved and completed) plans, and those
    that reached their target, whenever verified (one query)."""
    sql = f"""
        SELECT COALESCE(SUM(verified), 0), COALESCE(SUM(reached), 0)
          FROM {RollupResult._meta.db_table} WHERE zone = %s
    """  # noqa: S608 - our table's name
    ((verified, reached),) = _fetch(sql, [rollup_sql.ZONE_OF[NATIONAL_ZONE]])
    return {"indicators_verified": int(verified), "indicators_reached": int(reached)}


def results_by_sector(scope: Scope, period: Period) -> list[ResultRow]:
    """Indicators verified in the period and reached, by the innovation's category (sector),
    most verified first (one query, categories joined)."""
    english = get_language() == "en"
    where, params = _result_filter(period, scope.province)
    # Summed by the category's id first, then its names joined to the few sums: grouping
    # the year's 6,840 national rows by three texts cost twice as much.
    sql = f"""
        SELECT c.slug, c.name_id, c.name_en, t.verified, t.reached
          FROM (SELECT r.category_id, SUM(r.verified) AS verified, SUM(r.reached) AS reached
                  FROM {RollupResult._meta.db_table} r
                 WHERE {where}
                 GROUP BY r.category_id
                HAVING SUM(r.verified) > 0) t
          LEFT JOIN {Category._meta.db_table} c ON c.id = t.category_id
    """  # noqa: S608
    found = [
        ResultRow(slug, name_en if english else name_id, int(verified), int(reached))
        for slug, name_id, name_en, verified, reached in _fetch(sql, params)
    ]
    return sorted(found, key=lambda row: (-row.verified, row.label))


def results_by_sdg(scope: Scope, period: Period) -> list[ResultRow]:
    """Indicators verified in the period and reached, by the goal of their SDG target, in
    the goals' order; those without an SDG target last (one query, the goals' names
    joined)."""
    english = get_language() == "en"
    where, params = _result_filter(period, scope.province)
    sql = f"""
        SELECT NULLIF(t.sdg_goal, 0), g.name_id, g.name_en, t.verified, t.reached
          FROM (SELECT r.sdg_goal, SUM(r.verified) AS verified, SUM(r.reached) AS reached
                  FROM {RollupResultGoal._meta.db_table} r
                 WHERE {where}
                 GROUP BY r.sdg_goal
                HAVING SUM(r.verified) > 0) t
          LEFT JOIN {SDG._meta.db_table} g ON g.number = t.sdg_goal
    """  # noqa: S608
    found, without = [], []
    for number, name_id, name_en, verified, reached in _fetch(sql, params):
        verified, reached = int(verified), int(reached)
        if number is None:
            without.append(ResultRow("", gettext("Without an SDG target"), verified, reached))
            continue
        name = (name_en if english else name_id) or ""
        found.append(ResultRow(str(number), f"{number}. {name}".strip(" ."), verified, reached))
    return sorted(found, key=lambda row: int(row.key)) + without


# -- per province ---------------------------------------------------------------------------


@dataclass
class ProvinceFigures:
    # No __getitem__: templates would look every attribute up through it.
    province: ProvinceRow
    values: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> int | None:
        """Of the indicators verified in the period, the share reached (period_by_province)."""
        return share_of(
            self.values.get("indicators_reached", 0), self.values.get("indicators_verified", 0)
        )


def public_by_province(
    rows: list[ProvinceRow], cells: Cells | None = None
) -> list[ProvinceFigures]:
    """Approved (in progress) and completed plans of every province: what the public sees."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for province_id, status, _, n in plan_cells() if cells is None else cells:
        counts[province_id, status] += n
    result = []
    for row in rows:
        approved = counts.get((row.id, PlanStatus.APPROVED), 0)
        completed = counts.get((row.id, PlanStatus.COMPLETED), 0)
        values = {"approved": approved, "completed": completed, "total": approved + completed}
        result.append(ProvinceFigures(row, values))
    return result


def period_by_province(rows: list[ProvinceRow], period: Period) -> list[ProvinceFigures]:
    """Every province's period figures, state at the end and results (four or five
    queries, from the rollups; forums from their table)."""
    names = [
        *PERIOD_ACTIONS,
        *STATE_NAMES,
        "forums_held",
        "completed_in_period",
        *RESULT_COUNTS,
    ]
    by_id = {row.id: dict.fromkeys(names, 0) for row in rows}
    in_months = _in_months(
        period, [*PERIOD_ACTIONS.values(), rollup_sql.COMPLETED], None, by_province=True
    )
    named = {action: name for name, action in PERIOD_ACTIONS.items()}
    named[rollup_sql.COMPLETED] = "completed_in_period"
    for (what, province_id), n in in_months.items():
        if province_id in by_id:
            by_id[province_id][named[what]] = n
    for province_id, state in _state_at(period, None, by_province=True).items():
        if province_id in by_id:
            by_id[province_id].update(state)
    forums = (
        _forums_held(Scope(), period)
        .order_by()
        .values_list("host_province_id")
        .annotate(n=Count("id"))
    )
    for province_id, n in forums:
        if province_id in by_id:
            by_id[province_id]["forums_held"] = n
    indicators = (
        _results(period, None)
        .values_list("province_id")
        .annotate(verified=Sum("verified"), reached=Sum("reached"))
    )
    for province_id, verified, reached in indicators:
        if province_id in by_id:
            by_id[province_id]["indicators_verified"] = verified
            by_id[province_id]["indicators_reached"] = reached
    return [ProvinceFigures(row, by_id[row.id]) for row in rows]


# -- the matrix, the late ones, the most replicated -----------------------------------------


@dataclass
class MatrixRow:
    province: ProvinceRow
    cells: list[tuple[str, int]]  # (stage kind, approved plans at that stage), in order

    @property
    def total(self) -> int:
        return sum(n for _, n in self.cells)


def stage_matrix(
    scope: Scope, rows: list[ProvinceRow], cells: Cells | None = None
) -> list[MatrixRow]:
    """Approved plans of each province at each of the seven stages."""
    # An approved plan whose seven stages are all done has no current stage: it waits for
    # the last one to be verified, so it is counted there.
    last = STAGE_ORDER[-1]
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for province_id, status, kind, n in _in_scope(cells, scope):
        if status == PlanStatus.APPROVED:
            counts[province_id, kind or last] += n
    if scope.province:
        rows = [scope.province]
    return [
        MatrixRow(row, [(kind, counts.get((row.id, kind), 0)) for kind in STAGE_ORDER])
        for row in rows
    ]


def overdue_by_province(
    scope: Scope, rows: list[ProvinceRow], overdue: list[tuple[int, int]] | None = None
) -> list[tuple[ProvinceRow, int]]:
    """Provinces with overdue stages now, worst first."""
    by_id = {row.id: row for row in rows}
    found = overdue_counts(scope) if overdue is None else overdue
    return [(by_id[province_id], n) for province_id, n in found if province_id in by_id]


@dataclass(frozen=True)
class InnovationFigures:
    slug: str
    title: str
    innovator: str
    approved: int
    completed: int
    provinces: int

    @property
    def total(self) -> int:
        return self.approved + self.completed


def innovation_rows(scope: Scope) -> QuerySet[Any]:
    """(innovation id, approved, completed, provinces, total) per approved innovation with
    approved or completed plans, most replicated first, sliced or paged by the caller: from
    the rollups, nationally along the index of the totals, a province's from its pairs."""
    approved = Innovation.objects.filter(pk=OuterRef("innovation_id"), status="approved")
    rows: QuerySet[Any]
    if scope.province:
        rows = RollupInnovationProvince.objects.filter(province_id=scope.province.id).annotate(
            provinces=Value(1), total=F("approved") + F("completed")
        )
    else:
        rows = RollupInnovation.objects.all()
    return (
        rows.filter(Exists(approved), total__gt=0)
        .values_list("innovation_id", "approved", "completed", "provinces", "total")
        .order_by("-total", "innovation_id")
    )


def as_innovation_figures(rows: Any) -> list[InnovationFigures]:
    """The rows of a slice or page of innovation_rows, named (one query)."""
    rows = list(rows)
    names = {
        pk: (slug, title, innovator)
        for pk, slug, title, innovator in Innovation.objects.filter(
            pk__in=[row[0] for row in rows]
        ).values_list("pk", "slug", "title", "innovator__name")
    }
    return [InnovationFigures(*names[row[0]], *row[1:4]) for row in rows if row[0] in names]


def by_innovation(scope: Scope, *, limit: int = 10) -> list[InnovationFigures]:
    """The most replicated innovations (approved and completed plans), most first: the
    first `limit` of innovation_rows and their names, in one query written out (every
    dashboard and the public page show it; building the two querysets cost more)."""
    if scope.province:
        rollup = RollupInnovationProvince._meta.db_table
        first = f"""
            SELECT innovation_id, approved, completed, 1 AS provinces,
                   approved + completed AS total
              FROM {rollup} r
             WHERE province_id = %s AND approved + completed > 0"""  # noqa: S608
        params: list[Any] = [scope.province.id]
    else:
        rollup = RollupInnovation._meta.db_table
        first = f"""
            SELECT innovation_id, approved, completed, provinces, total
              FROM {rollup} r
             WHERE total > 0"""  # noqa: S608
        params = []
    innovations = Innovation._meta.db_table
    sql = f"""
        SELECT i.slug, i.title, innovator.name, r.approved, r.completed, r.provinces
          FROM ({first}
                   AND EXISTS (SELECT 1 FROM {innovations} a
                                WHERE a.id = r.innovation_id AND a.status = %s)
                 ORDER BY total DESC, innovation_id LIMIT %s) r
          JOIN {innovations} i ON i.id = r.innovation_id
          JOIN {Institution._meta.db_table} innovator ON innovator.id = i.innovator_id
         ORDER BY r.total DESC, r.innovation_id
    """  # noqa: S608 - our tables' names; values as parameters
    rows = _fetch(sql, [*params, InnovationStatus.APPROVED.value, limit])
    return [InnovationFigures(*row) for row in rows]


# -- forums, notifications, what is due ------------------------------------------------------


def forums_per_month(scope: Scope, period: Period) -> list[tuple[date, int]]:
    """Forums held in each month of the period (one query, written out)."""
    sql = f"""
        SELECT (DATE_TRUNC('month', starts_at AT TIME ZONE %s))::date, COUNT(*)
          FROM {ForumSession._meta.db_table}
         WHERE status = %s AND starts_at >= %s AND starts_at < %s
    """  # noqa: S608 - our table's name; values as parameters
    params: list[Any] = [period.zone, ForumStatus.HELD.value, period.start, period.end]
    if scope.province:
        sql += " AND host_province_id = %s"
        params.append(scope.province.id)
    counts = dict(_fetch(sql + " GROUP BY 1", params))
    return [(month, counts.get(month, 0)) for month in period.months()]


def notification_health(scope: Scope) -> dict[str, int]:
    """E-mail notifications created in the last seven days by status (one query, from the
    rollup of jipp/notification_health.py, whatever the number of notifications)."""
    return health.health(scope.province.id if scope.province else None)


@dataclass(frozen=True)
class DueStage:
    plan_id: int
    plan_title: str
    kind: str
    label: str
    due_date: date
    days_left: int  # negative: days overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left

    @property
    def url(self) -> str:
        return reverse("replication:plan_detail", args=[self.plan_id]) + f"#stage-{self.kind}"


def next_due(scope: Scope, today: date, limit: int = 15) -> list[DueStage]:
    """Unfinished stages of the scope's approved plans, most urgent (earliest due) first.

    Of a province, the first `limit` of its rollup of unfinished stages of approved plans
    by due date (read along its key, whatever the number of plans), then those stages and
    the names of their plans, in one query written out (a dashboard's every millisecond
    counts, and the ORM's query building cost more than the query)."""
    if not scope.province:
        return _next_due_national(today, limit)
    # The innovation's title as a subquery, not a join: planning a four-table join took
    # longer than running it (0.35 ms against 0.2 ms at 1,000,000 innovations). The
    # province is the scope's.
    sql = f"""
        SELECT s.plan_id, p.local_name,
               (SELECT title FROM {Innovation._meta.db_table} WHERE id = p.innovation_id),
               s.kind, s.due_date
          FROM (SELECT stage_id FROM {RollupOpenStage._meta.db_table}
                 WHERE province_id = %s
                 ORDER BY due_date, plan_id, "order" LIMIT %s) first
          JOIN {Stage._meta.db_table} s ON s.id = first.stage_id
          JOIN {ReplicationPlan._meta.db_table} p ON p.id = s.plan_id
         ORDER BY s.due_date, s.plan_id, s."order"
    """  # noqa: S608 - our tables' names
    labels = {kind.value: str(kind.label) for kind in StageKind}
    province = scope.province.name
    return [
        DueStage(
            plan_id,
            # str(plan): ReplicationPlan.__str__
            local_name or f"{title} ({province})",
            kind,
            labels.get(kind, kind),
            due_date,
            (due_date - today).days,
        )
        for plan_id, local_name, title, kind, due_date in _fetch(sql, [scope.province.id, limit])
    ]


def _next_due_national(today: date, limit: int) -> list[DueStage]:
    """next_due of the whole country (no page shows it: the national dashboard has none)."""
    stages = (
        Stage.objects.filter(plan__status=PlanStatus.APPROVED, status__in=OPEN_STAGE_STATUSES)
        .select_related("plan", "plan__innovation", "plan__province")
        .only(
            "kind",
            "due_date",
            "plan__local_name",
            "plan__innovation__title",
            "plan__province__name",
        )
        .order_by("due_date", "plan_id", "order")[:limit]
    )
    return [
        DueStage(
            stage.plan_id,
            str(stage.plan),
            stage.kind,
            str(stage.get_kind_display()),
            stage.due_date,
            (stage.due_date - today).days,
        )
        for stage in stages
    ]
