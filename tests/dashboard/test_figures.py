"""Each figure against the hand-computed world of conftest.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from jipp.models import Province
from replication.dashboard import figures
from replication.dashboard.figures import Scope
from replication.dashboard.periods import Period

pytestmark = pytest.mark.django_db

YEAR = Period(2026)
Q1, Q2 = Period(2026, 1), Period(2026, 2)


def kalsel() -> Scope:
    return figures.scope_for(Province.objects.get(code="63"))


def test_approved_innovations_count_only_approved_ones_and_a_province_its_own(world):
    assert figures.approved_innovations(Scope()) == 4
    assert figures.approved_innovations(kalsel()) == 1


def test_plans_by_status_nationally_and_for_kalsel_only(world):
    assert figures.plans_by_status(Scope()) == {
        "draft": 1, "submitted": 1, "returned": 1, "approved": 2, "completed": 1, "cancelled": 1
    }  # fmt: skip
    assert figures.plans_by_status(kalsel()) == {
        "draft": 1, "submitted": 0, "returned": 0, "approved": 1, "completed": 1, "cancelled": 1
    }  # fmt: skip


def test_overdue_counts_approved_plans_only(world):
    assert figures.overdue_now(Scope()) == 3
    assert figures.overdue_now(kalsel()) == 1


def test_overdue_by_province_worst_first(world):
    rows = figures.overdue_by_province(Scope(), figures.provinces())
    assert [(row.code, n) for row, n in rows] == [("33", 2), ("63", 1)]
    only_kalsel = figures.overdue_by_province(kalsel(), figures.provinces())
    assert [(row.code, n) for row, n in only_kalsel] == [("63", 1)]


def test_what_happened_in_the_year_comes_from_the_audit_trail(world):
    assert figures.in_period(Scope(), YEAR) == {
        "plans_approved": 3, "stages_verified": 9, "due_dates_moved": 1, "forums_held": 2
    }  # fmt: skip
    assert figures.in_period(kalsel(), Period(2026, zone="Asia/Makassar")) == {
        "plans_approved": 2, "stages_verified": 9, "due_dates_moved": 0, "forums_held": 1
    }  # fmt: skip


def test_what_happened_in_a_quarter(world):
    assert figures.in_period(Scope(), Q2) == {
        "plans_approved": 0, "stages_verified": 4, "due_dates_moved": 0, "forums_held": 0
    }  # fmt: skip


def test_state_at_the_end_of_a_running_period_is_todays(world):
    assert figures.at_end(Scope(), YEAR) == {
        "approved_by_end": 3, "completed_by_end": 1, "active_at_end": 2,
        "stages_verified_by_end": 10,
    }  # fmt: skip


def test_state_at_the_end_of_a_past_quarter_counts_a_plan_cancelled_later(world):
    assert figures.at_end(Scope(), Q1) == {
        "approved_by_end": 3, "completed_by_end": 0, "active_at_end": 3,
        "stages_verified_by_end": 5,
    }  # fmt: skip


def test_period_by_province_adds_up_to_the_national_figures(world):
    rows = {item.province.code: item for item in figures.period_by_province(
        figures.provinces(), YEAR
    )}  # fmt: skip
    assert rows["63"].values == {
        "plans_approved": 2, "stages_verified": 9, "due_dates_moved": 0,
        "approved_by_end": 2, "completed_by_end": 1, "active_at_end": 1,
        "stages_verified_by_end": 10, "forums_held": 1,
        "completed_in_period": 1, "indicators_verified": 0, "indicators_reached": 0,
    }  # fmt: skip
    assert rows["33"].values["plans_approved"] == 1
    assert rows["33"].values["due_dates_moved"] == 1
    assert rows["33"].values["active_at_end"] == 1
    assert set(rows["11"].values.values()) == {0}


def test_stage_matrix_counts_approved_plans_at_their_current_stage(world):
    matrix = {row.province.code: dict(row.cells) for row in figures.stage_matrix(
        Scope(), figures.provinces()
    )}  # fmt: skip
    assert len(matrix) == 38
    assert matrix["63"]["trial"] == 1
    assert matrix["33"]["identification"] == 1
    assert sum(sum(cells.values()) for cells in matrix.values()) == 2
    own = figures.stage_matrix(kalsel(), figures.provinces())
    assert [(row.province.code, row.total) for row in own] == [("63", 1)]


def test_most_replicated_counts_approved_and_completed_plans(world):
    top = figures.by_innovation(Scope())
    assert [(i.title, i.approved, i.completed, i.provinces) for i in top] == [
        ("Menggapai Mimpi Sahabat Rimba", 2, 1, 2)
    ]
    assert [(i.approved, i.completed) for i in figures.by_innovation(kalsel())] == [(1, 1)]


def test_public_by_province(world):
    rows = {item.province.code: item.values for item in figures.public_by_province(
        figures.provinces()
    )}  # fmt: skip
    assert rows["63"] == {"approved": 1, "completed": 1, "total": 2}
    assert rows["33"] == {"approved": 1, "completed": 0, "total": 1}
    assert sum(values["total"] for values in rows.values()) == 3


def test_forums_per_month_of_the_year(world):
    months = dict(figures.forums_per_month(Scope(), YEAR))
    assert len(months) == 12
    assert months[date(2026, 3, 1)] == 1
    assert months[date(2026, 7, 1)] == 1
    assert sum(months.values()) == 2
    assert dict(figures.forums_per_month(kalsel(), Period(2026, 1, "Asia/Makassar"))) == {
        date(2026, 1, 1): 0, date(2026, 2, 1): 0, date(2026, 3, 1): 1
    }  # fmt: skip


def test_notification_health_of_the_last_week(world):
    assert figures.notification_health(Scope()) == {"sent": 3, "pending": 1, "failed": 1}
    assert figures.notification_health(kalsel()) == {"sent": 2, "pending": 1, "failed": 1}


def test_next_due_stages_of_the_province_most_urgent_first(world):
    due = figures.next_due(kalsel(), date(2026, 8, 15))
    assert [(item.kind, item.days_left) for item in due[:2]] == [
        ("trial", -14), ("implementation", 47)
    ]  # fmt: skip
    assert {item.plan_id for item in due} == {world.kalsel.pk}
    assert due[0].overdue and due[0].days_late == 14
    assert {item.plan_title for item in due} == {str(world.kalsel)}  # as the plan names itself


# -- results (the hand-computed results_world of conftest.py) --------------------------------


def jateng() -> Scope:
    return figures.scope_for(Province.objects.get(code="33"))


def rows_of(found) -> list[tuple[str, str, int, int, int | None]]:
    return [(row.key, row.label, row.verified, row.reached, row.share) for row in found]


def test_results_of_the_year_respect_each_indicators_direction(results_world):
    assert figures.results(Scope(), YEAR) == {
        "completed_in_period": 2, "indicators_verified": 7, "indicators_reached": 4
    }  # fmt: skip
    assert figures.share_of(4, 7) == 57


def test_results_of_a_province_are_its_own_in_its_own_calendar(results_world):
    kalsel_year = Period(2026, zone="Asia/Makassar")
    assert figures.results(kalsel(), kalsel_year) == {
        "completed_in_period": 1, "indicators_verified": 5, "indicators_reached": 3
    }  # fmt: skip
    assert figures.results(jateng(), YEAR) == {
        "completed_in_period": 1, "indicators_verified": 2, "indicators_reached": 1
    }  # fmt: skip


def test_results_of_a_quarter_read_the_evaluations_verification(results_world):
    assert figures.results(Scope(), Q2) == {
        "completed_in_period": 1, "indicators_verified": 3, "indicators_reached": 2
    }  # fmt: skip
    assert figures.results(Scope(), Q1) == {
        "completed_in_period": 1, "indicators_verified": 3, "indicators_reached": 1
    }  # fmt: skip
    # Verified at 00:30 WITA on 1 April: the second quarter in Kalimantan Selatan.
    assert figures.results(kalsel(), Period(2026, 2, "Asia/Makassar")) == {
        "completed_in_period": 1, "indicators_verified": 4, "indicators_reached": 2
    }  # fmt: skip


def test_results_of_a_period_without_any(results_world):
    assert figures.results(Scope(), Period(2024)) == {
        "completed_in_period": 0, "indicators_verified": 0, "indicators_reached": 0
    }  # fmt: skip
    assert figures.results_by_sector(Scope(), Period(2024)) == []
    assert figures.results_by_sdg(Scope(), Period(2024)) == []
    assert figures.share_of(0, 0) is None


def test_results_by_sector_most_verified_first(results_world):
    assert rows_of(figures.results_by_sector(Scope(), YEAR)) == [
        ("pendidikan", "Pendidikan", 4, 2, 50),
        ("lingkungan-hidup-kehutanan", "Lingkungan Hidup dan Kehutanan", 3, 2, 67),
    ]
    with translation.override("en"):
        assert [row.label for row in figures.results_by_sector(jateng(), YEAR)] == [
            "Environment and forestry"
        ]


def test_results_by_sdg_goal_in_order_those_without_last(results_world):
    with translation.override("id"):
        found = figures.results_by_sdg(Scope(), YEAR)
    assert rows_of(found) == [
        ("4", "4. Pendidikan Berkualitas", 1, 1, 100),
        ("13", "13. Penanganan Perubahan Iklim", 1, 1, 100),
        ("15", "15. Ekosistem Daratan", 2, 1, 50),
        ("16", "16. Perdamaian, Keadilan dan Kelembagaan yang Tangguh", 1, 0, 0),
        ("", "Tanpa target TPB", 2, 1, 50),
    ]
    assert sum(row.verified for row in found) == 7
    only_kalsel = figures.results_by_sdg(kalsel(), Period(2026, zone="Asia/Makassar"))
    assert [(row.key, row.verified, row.reached) for row in only_kalsel] == [
        ("4", 1, 1), ("13", 1, 1), ("16", 1, 0), ("", 2, 1)
    ]  # fmt: skip


def test_public_results_count_every_verified_indicator_of_public_plans(results_world):
    assert figures.public_results() == {"indicators_verified": 8, "indicators_reached": 5}
    assert figures.share_of(5, 8) == 63


def test_results_by_province_add_up_to_the_national_ones(results_world):
    rows = {item.province.code: item for item in figures.period_by_province(
        figures.provinces(), YEAR
    )}  # fmt: skip
    pick = ("completed_in_period", "indicators_verified", "indicators_reached")
    assert {name: rows["63"].values[name] for name in pick} == {
        "completed_in_period": 1, "indicators_verified": 5, "indicators_reached": 3
    }  # fmt: skip
    assert rows["63"].share == 60
    assert {name: rows["33"].values[name] for name in pick} == {
        "completed_in_period": 1, "indicators_verified": 2, "indicators_reached": 1
    }  # fmt: skip
    assert rows["11"].share is None
