"""The dashboards' figures computed from the live rows, as they were before the rollups.

The reference the rollups are checked against (replication.invariants, `check_data`, and
tests/dashboard/test_rollups.py): replication.dashboard.figures reads the same figures
from replication/rollups.py and must give exactly these numbers. Slow at scale, on purpose:
never call these from a page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language, gettext

from innovations.models import SDG
from replication.dashboard import figures
from replication.dashboard.figures import (
    PERIOD_ACTIONS,
    RESULT_COUNTS,
    MatrixRow,
    ProvinceFigures,
    ProvinceRow,
    ResultRow,
    Scope,
    _cancelled_before,
    _events,
    _forums_held,
    _state_counts,
    _types,
    completed_in,
    forums_held,
    verified_indicators,
)
from replication.dashboard.periods import Period
from replication.models import (
    OPEN_STAGE_STATUSES,
    PUBLIC_STATUSES,
    STAGE_ORDER,
    PlanStatus,
    ReplicationPlan,
    Stage,
    overdue_stages,
)


def plans_by_status(scope: Scope) -> dict[str, int]:
    counts = dict(scope.plans().order_by().values_list("status").annotate(n=Count("id")))
    return {status.value: counts.get(status.value, 0) for status in PlanStatus}


def overdue_now(scope: Scope) -> int:
    return scope.stages().filter(overdue_stages()).count()


def in_period(scope: Scope, period: Period) -> dict[str, int]:
    """Plans approved, stages verified, due dates moved, forums held (two or three queries)."""
    by_action = {
        name: Count("id", filter=Q(action=action)) for name, action in PERIOD_ACTIONS.items()
    }
    if scope.province is None:
        counts = _events(period).aggregate(**by_action)
    else:
        # From the province's own plans and stages, through the index audit_target: a
        # province has a thirty-eighth of the nation's events.
        plan_type, stage_type = _types()
        counts = (
            _events(period, ["plan_approved"])
            .filter(target_type_id=plan_type, target_id__in=scope.plans().values("pk"))
            .aggregate(plans_approved=by_action["plans_approved"])
        )
        counts |= (
            _events(period, ["stage_verified", "due_date_accepted"])
            .filter(target_type_id=stage_type, target_id__in=scope.stages().values("pk"))
            .aggregate(
                stages_verified=by_action["stages_verified"],
                due_dates_moved=by_action["due_dates_moved"],
            )
        )
    counts["forums_held"] = forums_held(scope, period)
    return counts


def at_end(scope: Scope, period: Period) -> dict[str, int]:
    """Plans approved / completed / active and stages verified at the period's end."""
    moment = period.state_at
    plans = scope.plans().annotate(cancelled=_cancelled_before(moment))
    counts = plans.aggregate(**_state_counts(moment))
    counts["stages_verified_by_end"] = scope.stages().filter(verified_at__lt=moment).count()
    return counts


def results(scope: Scope, period: Period) -> dict[str, int]:
    """Plans completed in the period; indicators verified in it and those reached (two
    queries)."""
    counts = {"completed_in_period": completed_in(scope, period).count()}
    counts |= verified_indicators(scope, period).aggregate(**RESULT_COUNTS)
    return counts


def public_results() -> dict[str, int]:
    """Every verified indicator of the public (approved and completed) plans, and those
    that reached their target, whenever verified (one query)."""
    return verified_indicators(Scope()).aggregate(**RESULT_COUNTS)


def results_by_sector(scope: Scope, period: Period) -> list[ResultRow]:
    """Indicators verified in the period and reached, by the innovation's category (sector),
    most verified first (one query, categories joined)."""
    english = get_language() == "en"
    category = "plan__innovation__category__"
    rows = (
        verified_indicators(scope, period)
        .order_by()
        .values_list(f"{category}slug", f"{category}name_id", f"{category}name_en")
        .annotate(**RESULT_COUNTS)
    )
    found = [
        ResultRow(slug, name_en if english else name_id, verified, reached)
        for slug, name_id, name_en, verified, reached in rows
    ]
    return sorted(found, key=lambda row: (-row.verified, row.label))


def results_by_sdg(scope: Scope, period: Period) -> list[ResultRow]:
    """Indicators verified in the period and reached, by the goal of their SDG target, in
    the goals' order; those without an SDG target last (one query, the goal's name read
    in it)."""
    english = get_language() == "en"
    goal = SDG.objects.filter(number=OuterRef("sdg_goal"))
    rows = list(
        verified_indicators(scope, period)
        .order_by()
        .values_list("sdg_goal")
        .annotate(
            **RESULT_COUNTS,
            name_id=Subquery(goal.values("name_id")[:1]),
            name_en=Subquery(goal.values("name_en")[:1]),
        )
    )
    found, without = [], []
    for number, verified, reached, name_id, name_en in rows:
        if number is None:
            without.append(ResultRow("", gettext("Without an SDG target"), verified, reached))
            continue
        name = (name_en if english else name_id) or ""
        found.append(ResultRow(str(number), f"{number}. {name}".strip(" ."), verified, reached))
    return sorted(found, key=lambda row: int(row.key)) + without


def public_by_province(rows: list[ProvinceRow]) -> list[ProvinceFigures]:
    """Approved (in progress) and completed plans of every province: what the public sees."""
    counts = {
        province_id: (approved, completed)
        for province_id, approved, completed in ReplicationPlan.objects.public()
        .order_by()
        .values("province_id")
        .annotate(
            approved=Count("id", filter=Q(status=PlanStatus.APPROVED)),
            completed=Count("id", filter=Q(status=PlanStatus.COMPLETED)),
        )
        .values_list("province_id", "approved", "completed")
    }
    result = []
    for row in rows:
        approved, completed = counts.get(row.id, (0, 0))
        values = {"approved": approved, "completed": completed, "total": approved + completed}
        result.append(ProvinceFigures(row, values))
    return result


def period_by_province(rows: list[ProvinceRow], period: Period) -> list[ProvinceFigures]:
    """Every province's period figures, state at the end and results (seven queries).

    A plan is approved once and a stage verified once: their events are read as the set
    of their targets (a semi-join); due-date moves may repeat, each is counted.
    """
    approved = (
        ReplicationPlan.objects.filter(
            pk__in=_events(period, ["plan_approved"]).values("target_id")
        )
        .order_by()
        .values("province_id")
        .annotate(plans_approved=Count("id"))
    )
    verified_in = (
        Stage.objects.filter(pk__in=_events(period, ["stage_verified"]).values("target_id"))
        .order_by()
        .values("plan__province_id")
        .annotate(stages_verified=Count("id"))
    )
    moved = (
        _events(period, ["due_date_accepted"])
        .annotate(
            province_id=Subquery(
                Stage.objects.filter(pk=OuterRef("target_id")).values("plan__province_id")
            )
        )
        .order_by()
        .values("province_id")
        .annotate(due_dates_moved=Count("id"))
    )
    moment = period.state_at
    completed_in_period = Q(completed_at__gte=period.start, completed_at__lt=period.end)
    state = (
        ReplicationPlan.objects.annotate(cancelled=_cancelled_before(moment))
        .order_by()
        .values("province_id")
        .annotate(
            **_state_counts(moment),
            completed_in_period=Count("id", filter=completed_in_period),
        )
    )
    verified = (
        Stage.objects.filter(verified_at__lt=moment)
        .order_by()
        .values("plan__province_id")
        .annotate(stages_verified_by_end=Count("id"))
    )
    forums = (
        _forums_held(Scope(), period)
        .order_by()
        .values("host_province_id")
        .annotate(forums_held=Count("id"))
    )
    indicators = (
        verified_indicators(Scope(), period)
        .order_by()
        .values("plan__province_id")
        .annotate(**RESULT_COUNTS)
    )
    names = [
        *PERIOD_ACTIONS,
        *_state_counts(moment),
        "stages_verified_by_end",
        "forums_held",
        "completed_in_period",
        *RESULT_COUNTS,
    ]
    by_id = {row.id: dict.fromkeys(names, 0) for row in rows}
    grouped: list[tuple[Any, str]] = [
        (approved, "province_id"),
        (verified_in, "plan__province_id"),
        (moved, "province_id"),
        (state, "province_id"),
        (verified, "plan__province_id"),
        (forums, "host_province_id"),
        (indicators, "plan__province_id"),
    ]
    for found, key in grouped:
        for item in found:
            values = dict(item)
            province_id = values.pop(key)
            if province_id in by_id:
                by_id[province_id].update(values)
    return [ProvinceFigures(row, by_id[row.id]) for row in rows]


def stage_matrix(scope: Scope, rows: list[ProvinceRow]) -> list[MatrixRow]:
    """Approved plans of each province at each of the seven stages (one query)."""
    # An approved plan whose seven stages are all done has no current stage: it waits for
    # the last one to be verified, so it is counted there.
    last = STAGE_ORDER[-1]
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for province_id, kind, n in (
        scope.plans()
        .filter(status=PlanStatus.APPROVED)
        .order_by()
        .values_list("province_id", "current_stage")
        .annotate(n=Count("id"))
    ):
        counts[province_id, kind or last] += n
    if scope.province:
        rows = [scope.province]
    return [
        MatrixRow(row, [(kind, counts.get((row.id, kind), 0)) for kind in STAGE_ORDER])
        for row in rows
    ]


def overdue_by_province(scope: Scope, rows: list[ProvinceRow]) -> list[tuple[ProvinceRow, int]]:
    """Provinces with overdue stages now, worst first (one query)."""
    by_id = {row.id: row for row in rows}
    counts = (
        scope.stages()
        .filter(overdue_stages())
        .order_by()
        .values_list("plan__province_id")
        .annotate(n=Count("id"))
        .order_by("-n", "plan__province_id")
    )
    return [(by_id[province_id], n) for province_id, n in counts if province_id in by_id]


def innovation_rows(scope: Scope) -> QuerySet[Any]:
    plans = scope.plans().filter(status__in=PUBLIC_STATUSES, innovation__status="approved")
    return (
        plans.order_by()
        .values_list("innovation_id")
        .annotate(
            approved=Count("id", filter=Q(status=PlanStatus.APPROVED)),
            completed=Count("id", filter=Q(status=PlanStatus.COMPLETED)),
            provinces=Count("province_id", distinct=True),
            total=Count("id"),
        )
        .order_by("-total", "innovation_id")
    )


def next_due(scope: Scope, today: date, limit: int = 15) -> list[figures.DueStage]:
    stages = (
        scope.stages()
        .filter(plan__status=PlanStatus.APPROVED, status__in=OPEN_STAGE_STATUSES)
        .select_related("plan", "plan__innovation", "plan__province")
        .order_by("due_date", "plan_id", "order")[:limit]
    )
    return [
        figures.DueStage(
            stage.plan_id,
            str(stage.plan),
            stage.kind,
            str(stage.get_kind_display()),
            stage.due_date,
            (stage.due_date - today).days,
        )
        for stage in stages
    ]


def differences(scope: Scope, period: Period, rows: list[ProvinceRow]) -> list[str]:
    """Where the figures read from the rollups differ from these live ones, described."""
    pairs: list[tuple[str, Any, Any]] = [
        ("plans by status", figures.plans_by_status(scope), plans_by_status(scope)),
        ("overdue now", figures.overdue_now(scope), overdue_now(scope)),
        ("in the period", figures.in_period(scope, period), in_period(scope, period)),
        ("at the end", figures.at_end(scope, period), at_end(scope, period)),
        ("results", figures.results(scope, period), results(scope, period)),
        (
            "results by sector",
            figures.results_by_sector(scope, period),
            results_by_sector(scope, period),
        ),
        ("results by SDG", figures.results_by_sdg(scope, period), results_by_sdg(scope, period)),
        ("stage matrix", figures.stage_matrix(scope, rows), stage_matrix(scope, rows)),
        (
            "most replicated",
            list(figures.innovation_rows(scope)),
            list(innovation_rows(scope)),
        ),
        (
            "overdue by province",
            figures.overdue_by_province(scope, rows),
            overdue_by_province(scope, rows),
        ),
    ]
    if scope.province is None:
        pairs += [
            ("public results", figures.public_results(), public_results()),
            ("public by province", figures.public_by_province(rows), public_by_province(rows)),
            (
                "period by province",
                figures.period_by_province(rows, period),
                period_by_province(rows, period),
            ),
        ]
    if scope.province is not None:
        today = timezone.now().astimezone(period.tzinfo).date()
        for limit in (1, 15):
            pairs.append(
                (
                    f"next {limit} due",
                    figures.next_due(scope, today, limit),
                    next_due(scope, today, limit),
                )
            )
    where = f"{scope.key} {period.slug}"
    return [
        f"{where}, {name}: rollups {rolled!r}, live {live!r}"
        for name, rolled, live in pairs
        if rolled != live
    ]
