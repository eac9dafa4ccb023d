"""Every figure of the dashboards, the public page, the API and the report.

Each function is one aggregate query (two at most), whatever the data's size: the
database counts, Python only reshapes result rows (at most 38 provinces x 7 stages).

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
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from forums.models import ForumSession, ForumStatus
from innovations.models import SDG, Innovation
from jipp.models import AuditEvent, Notification, NotificationChannel, Province
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
    overdue_stages,
)
from replication.results import reached_condition

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


# -- key figures --------------------------------------------------------------------------


def approved_innovations(scope: Scope) -> int:
    """Approved innovations; of a province: those that originate there."""
    innovations = Innovation.objects.public()
    if scope.province:
        innovations = innovations.filter(province_id=scope.province.id)
    return innovations.count()


def plans_by_status(scope: Scope) -> dict[str, int]:
    counts = dict(scope.plans().order_by().values_list("status").annotate(n=Count("id")))
    return {status.value: counts.get(status.value, 0) for status in PlanStatus}


def overdue_now(scope: Scope) -> int:
    return scope.stages().filter(overdue_stages()).count()


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
    """Plans approved / completed / active and stages verified at the period's end."""
    moment = period.state_at
    plans = scope.plans().annotate(cancelled=_cancelled_before(moment))
    counts = plans.aggregate(**_state_counts(moment))
    counts["stages_verified_by_end"] = scope.stages().filter(verified_at__lt=moment).count()
    return counts


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


# -- the matrix, the late ones, the most replicated -----------------------------------------


@dataclass
class MatrixRow:
    province: ProvinceRow
    cells: list[tuple[str, int]]  # (stage kind, approved plans at that stage), in order

    @property
    def total(self) -> int:
        return sum(n for _, n in self.cells)


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
    approved or completed plans, most replicated first: one query grouped by the id alone
    (grouping by titles costs a sort of text), sliced or paged by the caller."""
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
    """The most replicated innovations (approved and completed plans), most first."""
    return as_innovation_figures(innovation_rows(scope)[:limit])


# -- forums, notifications, what is due ------------------------------------------------------


def forums_per_month(scope: Scope, period: Period) -> list[tuple[date, int]]:
    """Forums held in each month of the period (one query)."""
    counts = {
        month.date(): n
        for month, n in _forums_held(scope, period)
        .annotate(month=TruncMonth("starts_at", tzinfo=period.tzinfo))
        .order_by()
        .values_list("month")
        .annotate(n=Count("id"))
    }
    return [(month, counts.get(month, 0)) for month in period.months()]


def notification_health(scope: Scope, days: int = 7) -> dict[str, int]:
    """E-mail notifications created in the last `days` days by status (one query)."""
    rows = Notification.objects.filter(
        channel=NotificationChannel.EMAIL, created_at__gte=timezone.now() - timedelta(days=days)
    )
    if scope.province:
        rows = rows.filter(user__province_id=scope.province.id)
    return rows.aggregate(
        sent=Count("id", filter=Q(status="sent")),
        pending=Count("id", filter=Q(status__in=["pending", "sending"])),
        failed=Count("id", filter=Q(status="failed")),
    )


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
    """Unfinished stages of the scope's approved plans, most urgent (earliest due) first."""
    stages = (
        scope.stages()
        .filter(plan__status=PlanStatus.APPROVED, status__in=OPEN_STAGE_STATUSES)
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
