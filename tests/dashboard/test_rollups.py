"""The rollups (replication/rollups.py) equal the live aggregates after any sequence of real
operations through the services, `check_data` says when they do not, `rebuild_rollups`
puts them right, and the figures read from them are those computed from the live rows."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innovations.models import Category
from jipp.models import Province
from replication import due_dates, interest_services, rollup_sql, services, stage_services
from replication.dashboard import figures, live
from replication.dashboard.periods import Period
from replication.interest import Interest, InterestStatus
from replication.interest_demand import Filters, demand_page
from replication.models import ReplicationPlan, Stage
from replication.result_services import LegalBasis, Measurement, Results
from replication.rollups import RollupPlan
from tests.conftest import indicator_rows
from tests.replication.conftest import pdf, plan_data

pytestmark = pytest.mark.django_db

CODES = ("63", "33")  # Kalimantan Selatan (WITA), Jawa Tengah (WIB)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def periods(zone: str) -> list[Period]:
    return [Period(year, quarter, zone) for year in (2025, 2026) for quarter in (None, 1, 3, 4)]


def every_difference() -> list[str]:
    """What differs between the rollups and the live rows: the tables, and the figures of the
    nation and of both provinces in several periods (the running one among them)."""
    problems = rollup_sql.drift()
    rows = figures.provinces()
    scopes = [figures.Scope()] + [
        figures.Scope(row, row.timezone) for row in rows if row.code in CODES
    ]
    for scope in scopes:
        for period in periods(scope.zone):
            problems += live.differences(scope, period, rows)
    return problems + demand_differences()


def demand_differences() -> list[str]:
    """The demand view's pages (read from the ranks) against the open interest grouped
    live, for each filter, paged two innovations at a time."""
    now = timezone.now()
    problems = []
    for days in (None, 30, 90, 150):
        cutoff = now - timedelta(days=days) if days else None
        for filters in (
            Filters(cutoff=cutoff),
            Filters(hub=True, cutoff=cutoff),
            Filters(sector="pendidikan", cutoff=cutoff),
            Filters(province="63", cutoff=cutoff),
            Filters(province="33", hub=True, sector="kesehatan", cutoff=cutoff),
        ):
            interest = Interest.objects.filter(
                status=InterestStatus.OPEN, innovation__status="approved"
            )
            if filters.cutoff:
                interest = interest.filter(created_at__lte=filters.cutoff)
            if filters.hub:
                interest = interest.filter(province__hub_since__isnull=False)
            if filters.sector:
                interest = interest.filter(innovation__category__slug=filters.sector)
            if filters.province:
                interest = interest.filter(province__code=filters.province)
            expected = list(
                interest.values("innovation_id")
                .annotate(count=Count("id"), oldest=Min("created_at"))
                .order_by("-count", "oldest", "innovation_id")
                .values_list("innovation_id", "count")
            )
            shown: list[tuple[int, int]] = []
            cursor = ""
            for _ in range(20):
                page = demand_page(filters, cursor, 2)
                shown += page.groups
                if page.count != len(expected):
                    problems.append(f"demand {filters}: counted {page.count}, not {len(expected)}")
                if not page.next_cursor:
                    break
                cursor = page.next_cursor
            if shown != expected:
                problems.append(f"demand {filters}: shown {shown}, live {expected}")
    return problems


class Registry:
    """Plans of two provinces, filed and moved only through the services."""

    def __init__(self, ministry, officers, innovations, adopters) -> None:
        self.ministry = ministry
        self.officers = officers  # by province code
        self.innovations = innovations
        self.adopters = adopters  # by province code: two institutions each
        self.plans: list[int] = []

    def plan(self, number: int) -> ReplicationPlan | None:
        if not self.plans:
            return None
        return ReplicationPlan.objects.select_related("province").get(
            pk=self.plans[number % len(self.plans)]
        )

    def officer(self, plan: ReplicationPlan):
        return self.officers[plan.province.code]

    def first(self, plan: ReplicationPlan, statuses: list[str]) -> Stage | None:
        return (
            plan.stages.select_related("plan", "plan__province")
            .filter(status__in=statuses)
            .order_by("order")
            .first()
        )

    def results(self, stage: Stage, reach: bool) -> Results | None:
        today = stage.plan.province.local_now().date()
        if stage.kind == "evaluation":
            step = Decimal("1") if reach else Decimal("-1")
            return Results(
                measurements={
                    row.pk: Measurement(
                        row.target + (step if row.direction == "increase" else -step), today
                    )
                    for row in stage.plan.indicators.all()
                }
            )
        if stage.kind == "institutionalization":
            return Results(
                legal_basis=LegalBasis("pergub", "12 Tahun 2026", today),
                lessons="Libatkan kelompok tani sejak awal.",
            )
        return None

    # -- the operations ---------------------------------------------------------------------

    def file(self, a: int, b: int) -> None:
        code = CODES[a % 2]
        innovation = self.innovations[b % len(self.innovations)]
        adopter = self.adopters[code][(a // 2) % 2]
        rows = indicator_rows(1 + b % 3, direction="decrease" if a % 3 == 0 else "increase")
        if rows[0]["direction"] == "decrease":
            rows[0]["target"] = Decimal("60")
        plan = services.file_plan(
            by=self.officers[code],
            data=plan_data(innovation, adopter, local_name=f"Replikasi {len(self.plans)}"),
            indicators=rows,
        )
        self.plans.append(plan.pk)

    def submit(self, plan: ReplicationPlan, _: int) -> None:
        services.submit_plan(plan=plan, by=self.officer(plan))

    def approve(self, plan: ReplicationPlan, _: int) -> None:
        services.approve_plan(plan=plan, by=self.ministry)

    def return_plan(self, plan: ReplicationPlan, _: int) -> None:
        services.return_plan(plan=plan, by=self.ministry, note="Lengkapi anggaran.")

    def cancel(self, plan: ReplicationPlan, b: int) -> None:
        by = self.ministry if b % 2 else self.officer(plan)
        services.cancel_plan(plan=plan, by=by, reason="Anggaran dialihkan.")

    def start(self, plan: ReplicationPlan, _: int) -> None:
        stage = self.first(plan, ["pending"])
        if stage is not None:
            stage_services.start_stage(stage=stage, by=self.officer(plan))

    def complete(self, plan: ReplicationPlan, b: int) -> None:
        stage = self.first(plan, ["in_progress"])
        if stage is not None:
            stage_services.complete_stage(
                stage=stage,
                by=self.officer(plan),
                note="Selesai.",
                evidence_files=[pdf()],
                results=self.results(stage, reach=b % 3 != 0),
            )

    def verify(self, plan: ReplicationPlan, _: int) -> None:
        stage = self.first(plan, ["done"])
        if stage is not None:
            stage_services.verify_stage(stage=stage, by=self.ministry)

    def return_stage(self, plan: ReplicationPlan, _: int) -> None:
        stage = self.first(plan, ["done"])
        if stage is not None:
            stage_services.return_stage(stage=stage, by=self.ministry, note="Bukti kurang.")

    def advance(self, plan: ReplicationPlan, b: int) -> None:
        """The current stage started, done and verified: plans reach their results."""
        self.start(plan, b)
        self.complete(plan, b)
        self.verify(plan, b)

    def move_due_date(self, plan: ReplicationPlan, b: int) -> None:
        stage = self.first(plan, ["pending", "in_progress"])
        if stage is None:
            return
        request = due_dates.request_due_date(
            stage=stage,
            by=self.officer(plan),
            proposed_date=stage.due_date + timedelta(days=10 + b % 20),
            reason="Menunggu pengesahan anggaran perubahan.",
        )
        due_dates.decide_due_date(request=request, by=self.ministry, accept=b % 4 != 0, note="-")

    def declare(self, a: int, b: int) -> None:
        interest_services.declare_interest(
            innovation=self.innovations[b % len(self.innovations)],
            by=self.officers[CODES[a % 2]],
        )

    def withdraw(self, a: int, _: int) -> None:
        interest = (
            Interest.objects.filter(status=InterestStatus.OPEN, province__code=CODES[a % 2])
            .select_related("province")
            .order_by("pk")
            .first()
        )
        if interest is not None:
            interest_services.withdraw_interest(
                interest=interest, by=self.officers[interest.province.code]
            )

    def declare_earlier(self, a: int, b: int) -> None:
        """Interest declared some months ago: the demand view's ages and ranks."""
        with time_machine.travel(timezone.now() - timedelta(days=40 * (1 + b % 6))):
            self.declare(a, b)

    def recategorise(self, a: int, b: int) -> None:
        """The ministry moves an innovation to another sector (as in the admin)."""
        innovation = self.innovations[b % len(self.innovations)]
        innovation.refresh_from_db()
        innovation.category = Category.objects.exclude(pk=innovation.category_id).order_by("pk")[
            a % 3
        ]
        innovation.save(update_fields=["category"])

    def hub(self, a: int, _: int) -> None:
        """A province becomes a JIPP hub, or stops being one (a bulk update, as in a script)."""
        province = Province.objects.filter(code=CODES[a % 2])
        province.update(hub_since=None if province.get().hub_since else 2021)

    def archive(self, a: int, b: int) -> None:
        """The ministry archives an innovation, or approves it again (as in the admin)."""
        innovation = self.innovations[b % len(self.innovations)]
        innovation.refresh_from_db()
        innovation.status = "archived" if innovation.status == "approved" else "approved"
        innovation.save(update_fields=["status"])

    def apply(self, operation: str, a: int, b: int) -> None:
        try:
            if operation in (*INNOVATION_OPERATIONS, "file", "withdraw", "archive"):
                getattr(self, operation)(a, b)
                return
            plan = self.plan(a)
            if plan is not None:
                getattr(self, operation)(plan, b)
        except (ValidationError, PermissionDenied):
            pass  # not possible in this state: the services refused, nothing was written


INNOVATION_OPERATIONS = ["declare", "declare_earlier", "recategorise", "hub"]
PLAN_OPERATIONS = [
    "submit",
    "approve",
    "return_plan",
    "cancel",
    "start",
    "complete",
    "verify",
    "return_stage",
    "advance",
    "advance",
    "move_due_date",
]
OPERATIONS = st.tuples(
    st.sampled_from(
        [
            *["file", "file", "declare", "withdraw", "archive"],
            *INNOVATION_OPERATIONS,
            *PLAN_OPERATIONS,
        ]
    ),
    st.integers(0, 11),
    st.integers(0, 11),
)


@pytest.fixture
def registry(ministry, bappeda_kalsel, bappeda_jateng, make_innovation, make_institution):
    innovations = [
        make_innovation("Sahabat Rimba", category="lingkungan-hidup-kehutanan"),
        make_innovation("Lapor Pak Camat", category="pendidikan"),
        make_innovation("Kelas Ibu Hamil", category="kesehatan"),
    ]
    adopters = {
        code: [make_institution(f"Dinas {n} {code}", code) for n in (1, 2)] for code in CODES
    }
    officers = {"63": bappeda_kalsel, "33": bappeda_jateng}
    return Registry(ministry, officers, innovations, adopters)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(OPERATIONS, min_size=1, max_size=30))
def test_every_rollup_equals_the_live_aggregate_after_any_operations(registry, operations):
    for operation in operations:
        registry.apply(*operation)
    assert every_difference() == []


def test_a_walk_to_completion_and_a_cancellation_keep_the_rollups(registry):
    """One sequence that surely reaches results, completion, due-date moves and a
    cancellation after approval (the property test may take a while to find them)."""
    for step in [("file", 0, 0), ("file", 1, 1), ("file", 2, 2), ("declare", 0, 1)]:
        registry.apply(*step)
    for number in range(3):
        registry.apply("submit", number, 0)
        registry.apply("approve", number, 0)
    registry.apply("move_due_date", 0, 1)
    for _ in range(7):
        registry.apply("advance", 0, 1)
        registry.apply("advance", 1, 3)  # its indicators miss their target
    registry.apply("cancel", 2, 1)
    completed = ReplicationPlan.objects.filter(status="completed").count()
    assert completed == 2
    assert ReplicationPlan.objects.filter(status="cancelled", approved_at__isnull=False).exists()
    assert every_difference() == []
    national = figures.results(figures.Scope(), Period(2026))
    assert national["completed_in_period"] == 2
    assert 0 < national["indicators_reached"] < national["indicators_verified"]


def test_the_demand_ranks_follow_ages_hubs_sectors_and_approval(registry):
    """Interest of several ages in two provinces, then a hub made and unmade, a sector
    changed, an innovation archived and approved again: the ranks and the demand view's
    pages stay those of the live interest."""
    for step in [("declare_earlier", 0, 0), ("declare_earlier", 1, 3), ("declare", 0, 1)]:
        registry.apply(*step)
    registry.apply("declare_earlier", 1, 4)  # Jawa Tengah in the second innovation
    assert every_difference() == []
    hub = Filters(hub=True)
    before = demand_page(hub, "", 10).groups
    registry.apply("hub", 0, 0)
    assert demand_page(hub, "", 10).groups != before
    assert every_difference() == []
    for step in [("recategorise", 1, 0), ("archive", 0, 1), ("hub", 0, 0), ("withdraw", 1, 0)]:
        registry.apply(*step)
        assert every_difference() == []
    registry.apply("archive", 0, 1)  # approved again: its interest counts again
    assert every_difference() == []


def test_the_figures_of_the_hand_computed_world_are_the_live_ones(world):
    assert every_difference() == []


def test_the_rollups_are_read_only(world):
    row = RollupPlan.objects.first()
    assert row is not None
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()


# -- check_data and rebuild_rollups ------------------------------------------------------------


def check_output() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_data", stdout=out)
    return out.getvalue()


def plant(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_check_data_reports_a_rollup_that_drifted_and_rebuild_puts_it_right(world):
    assert rollup_sql.drift() == []
    plant(
        "UPDATE replication_rollup_plan SET n = n + 2 "
        "WHERE status = 'approved' AND province_id = "
        "(SELECT id FROM jipp_province WHERE code = '63')"
    )
    plant(
        "DELETE FROM replication_rollup_due WHERE province_id = "
        "(SELECT id FROM jipp_province WHERE code = '33')"
    )
    output = check_output()
    assert "Every dashboard rollup equals the live aggregate it stands for" in output
    assert "replication_rollup_plan: stored, not live" in output
    assert "replication_rollup_due: live, not stored" in output
    assert "The dashboard figures read from the rollups equal those computed" in output
    assert "plans by status" in output

    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "Rollups rebuilt" in out.getvalue()
    assert rollup_sql.drift() == []
    assert every_difference() == []


def test_rebuild_after_a_load_made_without_the_triggers(world, registry):
    """A bulk load with the triggers off leaves the rollups behind; the rebuild catches up."""
    plant("SET CONSTRAINTS ALL IMMEDIATE")  # no pending events: the tables can be altered
    triggers = rollup_sql.TRIGGER_TABLES.items()
    for name, table in triggers:
        plant(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
    for step in [("file", 0, 0), ("file", 1, 1), ("declare", 1, 2)]:
        registry.apply(*step)
    for number in range(2):
        registry.apply("submit", number, 0)
        registry.apply("approve", number, 0)
        registry.apply("advance", number, 0)
    plant("SET CONSTRAINTS ALL IMMEDIATE")
    for name, table in triggers:
        plant(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
    assert rollup_sql.drift() != []
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert every_difference() == []


def test_rebuild_of_an_empty_registry_leaves_empty_rollups(db: Any) -> None:
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert not RollupPlan.objects.exists()
    assert rollup_sql.drift() == []


def test_a_session_may_turn_the_triggers_off_and_the_rollups_are_rebuilt_after(registry):
    with rollup_sql.rollups_off():
        for step in [("file", 0, 0), ("file", 1, 1)]:
            registry.apply(*step)
        for number in range(2):
            registry.apply("submit", number, 0)
            registry.apply("approve", number, 0)
        assert not RollupPlan.objects.exclude(n=0).exists()  # nothing written meanwhile
    assert sum(RollupPlan.objects.values_list("n", flat=True)) == 2
    assert every_difference() == []
    registry.apply("advance", 0, 0)  # the triggers are back
    assert rollup_sql.drift() == []
