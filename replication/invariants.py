"""What the replication services promise across rows (jipp.invariants, `check_data`)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q

from jipp.invariants import invariant
from replication import (
    interest_invariants,  # noqa: F401 (its promises register here)
    rollup_sql,
)
from replication.choices import RESULT_STAGES
from replication.dashboard import figures as figure_rows
from replication.dashboard import live, pages
from replication.dashboard.figures import Scope
from replication.dashboard.periods import Period, current_year
from replication.models import (
    FINISHED_STAGE_STATUSES,
    MAX_INDICATORS,
    OPEN_STATUSES,
    Indicator,
    PlanStatus,
    Reminder,
    ReminderStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)


@invariant("A plan has its seven stages")
def seven_stages() -> list[str]:
    rows = (
        ReplicationPlan.objects.annotate(stage_count=Count("stages"))
        .exclude(stage_count=len(StageKind))
        .values_list("pk", "stage_count")
    )
    return [f"plan {pk}: {n} stages" for pk, n in rows]


@invariant("An approved plan whose stages are all verified is completed, and only such a plan")
def verified_plans_complete() -> list[str]:
    unverified = Stage.objects.filter(plan=OuterRef("pk")).exclude(status=StageStatus.VERIFIED)
    rows = (
        ReplicationPlan.objects.annotate(all_verified=~Exists(unverified))
        .filter(
            Q(status=PlanStatus.APPROVED, all_verified=True)
            | Q(status=PlanStatus.COMPLETED, all_verified=False)
            | Q(status=PlanStatus.COMPLETED, completed_at__isnull=True)
        )
        .values_list("pk", "status", "all_verified")
    )
    return [
        f"plan {pk}: {status}, {'every stage verified' if done else 'a stage not verified'}"
        for pk, status, done in rows
    ]


CURRENT_STAGE_SQL = """
    SELECT plan.id, plan.current_stage, COALESCE(first_open.kind, '')
    FROM replication_replicationplan plan
    LEFT JOIN LATERAL (
        SELECT stage.kind FROM replication_stage stage
        WHERE stage.plan_id = plan.id AND stage.status NOT IN %s
        ORDER BY stage."order" LIMIT 1
    ) first_open ON true
    WHERE plan.current_stage <> COALESCE(first_open.kind, '')
"""


@invariant("A plan's current stage is its first stage neither done nor verified")
def current_stage_is_first_open() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_STAGE_SQL, [tuple(str(s) for s in FINISHED_STAGE_STATUSES)])
        rows = cursor.fetchall()
    return [
        f"plan {pk}: current stage {stored!r}, should be {first!r}" for pk, stored, first in rows
    ]


@invariant(
    "Only unfinished stages of approved plans have scheduled reminders, "
    "all of the stage's current generation"
)
def scheduled_reminders_are_current() -> list[str]:
    rows = (
        Reminder.objects.filter(status=ReminderStatus.SCHEDULED)
        .filter(
            Q(stage__status__in=FINISHED_STAGE_STATUSES)
            | ~Q(stage__plan__status=PlanStatus.APPROVED)
            | ~Q(generation=F("stage__reminder_generation"))
        )
        .values_list(
            "pk",
            "kind",
            "generation",
            "stage__reminder_generation",
            "stage__status",
            "stage__plan_id",
            "stage__plan__status",
        )
    )
    return [
        f"reminder {pk} ({kind}, round {generation} of {current}) on a {stage} stage "
        f"of plan {plan} ({plan_status})"
        for pk, kind, generation, current, stage, plan, plan_status in rows
    ]


@invariant("One open plan per province, adopting institution and innovation")
def one_open_plan() -> list[str]:
    rows = (
        ReplicationPlan.objects.filter(status__in=OPEN_STATUSES, adopter__isnull=False)
        .values("province_id", "adopter_id", "innovation_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("province_id", "adopter_id", "innovation_id", "n")
    )
    return [
        f"province {province}, adopter {adopter}, innovation {innovation}: {n} open plans"
        for province, adopter, innovation, n in rows
    ]


@invariant("Every national dashboard figure that has a table adds up to it")
def dashboard_adds_up() -> list[str]:
    board = pages.compute(Scope(), Period(current_year()), report=True)
    problems = []

    def compare(figure: str, shown: int, table: int) -> None:
        if shown != table:
            problems.append(f"{figure}: {shown}, its table adds up to {table}")

    approved = board.plans_by_status.get(PlanStatus.APPROVED, 0)
    completed = board.plans_by_status.get(PlanStatus.COMPLETED, 0)
    compare("plans in progress, by stage", approved, sum(board.matrix_totals()))
    compare(
        "plans in progress, public map",
        approved,
        sum(row.values["approved"] for row in board.activity),
    )
    compare(
        "plans completed, public map",
        completed,
        sum(row.values["completed"] for row in board.activity),
    )
    compare("stages overdue now", board.overdue_now, sum(n for _, n in board.overdue_by_province))
    figures = {**board.in_period, **board.at_end, **board.results}
    for name, value in figures.items():
        if name == "forums_held":
            continue  # national and international forums have no host province
        compare(name, value, sum(row.values.get(name, 0) for row in board.by_province))
    for table, rows in (("by sector", board.results_by_sector), ("by SDG", board.results_by_sdg)):
        for name, counted in (
            ("verified", "indicators_verified"),
            ("reached", "indicators_reached"),
        ):
            compare(
                f"indicators {name}, {table}",
                board.results[counted],
                sum(getattr(row, name) for row in rows),
            )
    return problems


# -- results of a plan (DESIGN.md section 8) ----------------------------------------------

NEEDS_INDICATORS = [PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.COMPLETED]


@invariant("A submitted, approved or completed plan has at least one indicator")
def plans_have_indicators() -> list[str]:
    rows = (
        ReplicationPlan.objects.filter(status__in=NEEDS_INDICATORS)
        .annotate(has_indicator=Exists(Indicator.objects.filter(plan=OuterRef("pk"))))
        .filter(has_indicator=False)
        .values_list("pk", "status")
    )
    return [f"plan {pk} ({status}): no indicator" for pk, status in rows]


@invariant(f"No plan has more than {MAX_INDICATORS} indicators")
def at_most_five_indicators() -> list[str]:
    rows = (
        Indicator.objects.order_by()
        .values("plan_id")
        .annotate(n=Count("id"))
        .filter(n__gt=MAX_INDICATORS)
        .values_list("plan_id", "n")
    )
    return [f"plan {pk}: {n} indicators" for pk, n in rows]


@invariant(
    "A completed plan has every indicator's achieved value and measurement date, its legal "
    "basis (kind, number, date), and its evaluation and institutionalisation stages verified"
)
def completed_plans_have_results() -> list[str]:
    unmeasured = Indicator.objects.filter(plan=OuterRef("pk")).filter(
        Q(achieved__isnull=True) | Q(measured_on__isnull=True)
    )
    unverified = Stage.objects.filter(plan=OuterRef("pk"), kind__in=RESULT_STAGES).exclude(
        status=StageStatus.VERIFIED
    )
    rows = (
        ReplicationPlan.objects.filter(status=PlanStatus.COMPLETED)
        .annotate(
            unmeasured=Exists(unmeasured),
            unverified=Exists(unverified),
            no_basis=Q(legal_basis_kind="")
            | Q(legal_basis_number="")
            | Q(legal_basis_date__isnull=True),
        )
        .filter(Q(unmeasured=True) | Q(unverified=True) | Q(no_basis=True))
        .values_list("pk", "unmeasured", "unverified", "no_basis")
    )
    problems = []
    for pk, missing_values, missing_verification, missing_basis in rows:
        what = []
        if missing_values:
            what.append("an indicator without its achieved value or measurement date")
        if missing_basis:
            what.append("no complete legal basis")
        if missing_verification:
            what.append("evaluation or institutionalisation not verified")
        problems.append(f"plan {pk}: " + "; ".join(what))
    return problems


@invariant(
    "An indicator has an achieved value only once its plan's evaluation stage is done or "
    "verified (or returned by the ministry for correction)"
)
def achieved_after_evaluation() -> list[str]:
    reported = Stage.objects.filter(plan=OuterRef("plan_id"), kind=StageKind.EVALUATION).filter(
        Q(status__in=FINISHED_STAGE_STATUSES)
        | (Q(status=StageStatus.IN_PROGRESS) & ~Q(return_note=""))
    )
    rows = (
        Indicator.objects.filter(achieved__isnull=False)
        .annotate(reported=Exists(reported))
        .filter(reported=False)
        .values_list("pk", "plan_id")
    )
    return [f"indicator {pk} of plan {plan}: achieved before the evaluation" for pk, plan in rows]


# -- the dashboards' rollups (replication/rollups.py) ---------------------------------------


@invariant("Every dashboard rollup equals the live aggregate it stands for")
def rollups_equal_live() -> list[str]:
    return rollup_sql.drift()


@invariant(
    "The dashboard figures read from the rollups equal those computed from the live rows "
    "(national, this year and last year, and their provinces)"
)
def rollup_figures_equal_live() -> list[str]:
    rows = figure_rows.provinces()
    year = current_year()
    problems = []
    for period in (Period(year), Period(year - 1)):
        problems += live.differences(Scope(), period, rows)
    return problems
