"""`manage.py check_data`: the promises of DESIGN.md, checked across the whole database.

Clean on the demo story and on generated data; each promise caught when a row is made
to break it behind the services' back (as a bulk load or a fix in the shell could).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from forums.models import ForumSession, Participant
from jipp import invariants
from jipp.models import AuditEvent, Notification
from replication.models import Indicator, PlanStatus, Reminder, ReplicationPlan, Stage
from tests.dashboard.conftest import at, dues, evaluated, indicator, make_plan

pytestmark = pytest.mark.django_db


def check() -> str:
    out = io.StringIO()
    call_command("check_data", stdout=out)
    return out.getvalue()


def broken() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_data", stdout=out)
    assert failure.value.returncode == 1
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def generated(settings):
    settings.DEBUG = True
    for kind, count in (("innovations", 300), ("plans", 400), ("forums", 30)):
        call_command("generate_data", f"--{kind}", str(count), stdout=io.StringIO())


def test_the_demo_story_keeps_every_promise(demo):
    assert "promises hold" in check()


def test_generated_plans_keep_every_promise(generated):
    assert ReplicationPlan.objects.filter(status=PlanStatus.COMPLETED).exists()
    assert "promises hold" in check()


def test_an_approved_plan_with_every_stage_verified_must_be_completed(demo):
    plan = ReplicationPlan.objects.filter(status=PlanStatus.APPROVED).first()
    Stage.objects.filter(plan=plan).update(status="verified")
    ReplicationPlan.objects.filter(pk=plan.pk).update(current_stage="")
    Reminder.objects.filter(stage__plan=plan).update(status="cancelled")
    report = broken()
    assert "is completed, and only such a plan: 1 row(s)" in report
    assert f"plan {plan.pk}: approved, every stage verified" in report


def test_the_current_stage_must_be_the_first_unfinished_one(demo):
    plan = ReplicationPlan.objects.filter(status=PlanStatus.APPROVED).first()
    wrong = "evaluation" if plan.current_stage != "evaluation" else "learning"
    ReplicationPlan.objects.filter(pk=plan.pk).update(current_stage=wrong)
    report = broken()
    assert f"plan {plan.pk}: current stage '{wrong}', should be '{plan.current_stage}'" in report


def test_a_scheduled_reminder_of_an_older_round_is_a_violation(demo):
    reminder = Reminder.objects.filter(status="scheduled").select_related("stage").first()
    Stage.objects.filter(pk=reminder.stage_id).update(
        reminder_generation=reminder.stage.reminder_generation + 1
    )
    assert f"reminder {reminder.pk} ({reminder.kind}, round" in broken()


def test_a_scheduled_reminder_of_a_finished_stage_is_a_violation(demo):
    reminder = Reminder.objects.filter(status="scheduled").first()
    Stage.objects.filter(pk=reminder.stage_id).update(status="done")
    assert f"reminder {reminder.pk} (" in broken()


def test_a_notification_claimed_long_ago_and_never_sent_is_a_violation(demo, ministry):
    stale = timezone.now() - timedelta(hours=1)
    note = Notification.objects.create(
        user=ministry,
        email=ministry.email,
        kind="test",
        subject="Uji",
        dedupe_key="check-data-stale",
        status="sending",
        claimed_at=stale,
    )
    assert f"notification {note.pk} (test), claimed at" in broken()


def test_a_dashboard_figure_that_disagrees_with_its_table_is_a_violation(demo, ministry):
    # An approval event of a plan that no longer exists: counted nationally, in no province.
    AuditEvent.objects.create(
        actor=ministry,
        action="plan_approved",
        target_type=ContentType.objects.get_for_model(ReplicationPlan),
        target_id=10**9,
        from_status="submitted",
        to_status="approved",
    )
    assert "plans_approved: " in broken()


def test_overlapping_sessions_of_one_host_are_a_violation(demo):
    held = ForumSession.objects.filter(host_province__code="63").first()
    other = ForumSession.objects.exclude(pk=held.pk).filter(status="held").first()
    ForumSession.objects.filter(pk=other.pk).update(
        host_province=held.host_province, starts_at=held.starts_at, ends_at=held.ends_at
    )
    assert "do not overlap: 1 row(s)" in broken()


def test_an_answer_without_its_moment_is_a_violation(demo):
    participant = Participant.objects.first()
    Participant.objects.filter(pk=participant.pk).update(answer="attending", answered_at=None)
    assert f"participant {participant.pk} of session" in broken()


def test_every_promise_is_named_and_each_app_contributes_its_own():
    invariants.run()
    promises = " ".join(invariants.CHECKS)
    assert "claim timeout" in promises  # jipp
    assert "current stage" in promises and "One open plan" in promises  # replication
    assert "do not overlap" in promises  # forums


# -- results of a plan: planted with the ORM alone, independent of the demo ----------------


@pytest.fixture
def planted(ministry, bappeda_kalsel, make_innovation) -> dict[str, ReplicationPlan]:
    """A completed plan with all its results, an approved one measured nothing yet, a
    submitted one with an indicator, and a draft without any (allowed)."""
    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba")
    people = {"by": bappeda_kalsel, "reviewer": ministry}
    done = evaluated(rimba, "63", "completed", at(2026, 5, 10), **people,
                     completed_at=at(2026, 6, 30))  # fmt: skip
    indicator(done, 1, "decrease", "12", "8", "7.5", "4.1")
    indicator(done, 2, "increase", "70", "85", "82")
    ReplicationPlan.objects.filter(pk=done.pk).update(
        legal_basis_kind="pergub", legal_basis_number="12 Tahun 2026",
        legal_basis_date=date(2026, 6, 1),
    )  # fmt: skip
    approved = evaluated(rimba, "63", "approved", None, **people)
    indicator(approved, 1, "increase", "70", "85", None)
    submitted = make_plan(rimba, "63", "submitted", by=bappeda_kalsel, dues=dues())
    indicator(submitted, 1, "increase", "70", "85", None)
    draft = make_plan(rimba, "63", "draft", by=bappeda_kalsel, dues=dues())
    return {"completed": done, "approved": approved, "submitted": submitted, "draft": draft}


def test_planted_results_keep_every_promise(planted):
    assert "promises hold" in check()


@pytest.mark.parametrize("status", ["approved", "submitted", "completed"])
def test_a_plan_past_its_draft_without_indicators_is_a_violation(planted, status):
    plan = planted[status]
    Indicator.objects.filter(plan=plan).delete()
    report = broken()
    assert "has at least one indicator: 1 row(s)" in report
    assert f"plan {plan.pk} ({status}): no indicator" in report


def test_six_indicators_are_a_violation_even_on_a_draft(planted):
    draft = planted["draft"]
    for order in range(1, 7):
        indicator(draft, order, "increase", "1", "2", None)
    report = broken()
    assert f"plan {draft.pk}: 6 indicators" in report
    assert "has at least one indicator" not in report


def test_a_completed_plan_without_an_achieved_value_is_a_violation(planted):
    plan = planted["completed"]
    Indicator.objects.filter(plan=plan, order=2).update(achieved=None, measured_on=None)
    report = broken()
    assert f"plan {plan.pk}: an indicator without its achieved value" in report


def test_a_completed_plan_without_its_legal_basis_is_a_violation(planted):
    plan = planted["completed"]
    ReplicationPlan.objects.filter(pk=plan.pk).update(legal_basis_number="")
    assert f"plan {plan.pk}: no complete legal basis" in broken()
    ReplicationPlan.objects.filter(pk=plan.pk).update(
        legal_basis_number="12 Tahun 2026", legal_basis_date=None
    )
    assert f"plan {plan.pk}: no complete legal basis" in broken()


def test_a_completed_plan_with_its_evaluation_unverified_is_a_violation(planted):
    plan = planted["completed"]
    Stage.objects.filter(plan=plan, kind="evaluation").update(status="done", verified_at=None)
    assert f"plan {plan.pk}: evaluation or institutionalisation not verified" in broken()


def test_an_achieved_value_before_the_evaluation_is_a_violation(planted):
    plan = planted["approved"]
    measured = plan.indicators.get()
    Indicator.objects.filter(pk=measured.pk).update(
        achieved=Decimal("90"), measured_on=date(2026, 5, 1)
    )
    assert f"indicator {measured.pk} of plan {plan.pk}: achieved before the evaluation" in broken()
    evaluation = Stage.objects.filter(plan=plan, kind="evaluation")
    evaluation.update(status="done")
    ReplicationPlan.objects.filter(pk=plan.pk).update(current_stage="institutionalization")
    assert "promises hold" in check()
    # Returned by the ministry for correction: the values wait to be corrected.
    evaluation.update(status="in_progress", return_note="Sumber data belum jelas.")
    ReplicationPlan.objects.filter(pk=plan.pk).update(current_stage="evaluation")
    assert "promises hold" in check()
    evaluation.update(return_note="")
    assert "achieved before the evaluation" in broken()


def test_the_results_promises_are_named():
    invariants.run()
    promises = " ".join(invariants.CHECKS)
    assert "at least one indicator" in promises and "more than 5 indicators" in promises
    assert "legal basis" in promises and "achieved value only once" in promises
