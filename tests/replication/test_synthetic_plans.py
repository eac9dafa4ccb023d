"""`generate_data --plans`: synthetic plans measure one to five indicators; those past
their evaluation have achieved values, completed ones a legal basis and lessons."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from replication.models import Indicator, ReplicationPlan, Stage
from replication.results import reached_condition
from replication.synthetic_plans import generate_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(settings) -> None:
    settings.DEBUG = True
    call_command("generate_data", "--innovations", "60", stdout=io.StringIO())
    call_command("generate_data", "--plans", "400", stdout=io.StringIO())


def test_every_plan_measures_one_to_five_indicators(generated):
    counts = set(
        ReplicationPlan.objects.annotate(n=Count("indicators")).values_list("n", flat=True)
    )
    assert counts <= {1, 2, 3, 4, 5} and len(counts) >= 4
    assert Indicator.objects.filter(name__contains="SKM").exists()
    assert not Indicator.objects.exclude(sdg_target__regex=r"^\d+\.[0-9a-z]+$").exists()
    assert set(Indicator.objects.values_list("direction", flat=True)) == {"increase", "decrease"}


def test_achieved_values_come_only_after_the_evaluation_and_before_today(generated):
    evaluated = Stage.objects.filter(kind="evaluation", status__in=["done", "verified"])
    measured = Indicator.objects.filter(achieved__isnull=False)
    assert measured.exists()
    assert set(measured.values_list("plan_id", flat=True)) == set(
        Indicator.objects.filter(plan__in=evaluated.values("plan_id")).values_list(
            "plan_id", flat=True
        )
    )
    assert not measured.filter(measured_on__isnull=True).exists()
    assert not measured.filter(measured_on__lt=F("baseline_date")).exists()
    assert not measured.filter(measured_on__gt=timezone.localdate()).exists()
    reached = measured.filter(reached_condition()).count()
    assert 0.3 < reached / measured.count() < 0.95  # some targets reached, some missed


def test_completed_plans_have_a_legal_basis_dated_within_the_plan_and_lessons(generated):
    completed = ReplicationPlan.objects.filter(status="completed")
    assert completed.exists()
    assert not completed.filter(
        Q(legal_basis_kind="") | Q(legal_basis_number="") | Q(legal_basis_date__isnull=True)
    ).exists()
    assert not completed.filter(lessons="").exists()
    assert not completed.filter(legal_basis_date__lt=F("start_date")).exists()
    assert not completed.filter(legal_basis_date__gt=timezone.localdate()).exists()
    assert not completed.filter(indicators__achieved__isnull=True).exists()
    drafts = ReplicationPlan.objects.filter(status__in=["draft", "submitted", "returned"])
    assert not drafts.exclude(legal_basis_kind="").exists()


def test_generated_plans_keep_check_data_clean(generated):
    out = io.StringIO()
    call_command("check_data", stdout=out)
    assert "promises hold" in out.getvalue()


def test_the_queries_do_not_grow_with_the_number_of_plans(generated):
    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            generate_plans(count, seed=7, batch_size=1000, progress=lambda _line: None)
        return len(captured)

    assert queries(50) == queries(300)
