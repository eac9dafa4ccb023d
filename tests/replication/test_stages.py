"""Stages: started in order, done with evidence, verified by the ministry, due dates moved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jipp.models import Notification
from replication import due_dates, stage_services
from replication.models import STAGE_ORDER, Evidence, ReplicationPlan
from tests.replication.conftest import finish, pdf, stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """The services' refusals are matched by their English source text."""
    with translation.override("en"):
        yield


def test_stages_start_only_once_the_plan_is_approved(make_plan, bappeda_kalsel):
    plan = make_plan("submitted")
    with pytest.raises(ValidationError, match="only while it is approved"):
        stage_services.start_stage(stage=stage(plan), by=bappeda_kalsel)


def test_a_stage_starts_once_the_one_before_it_is_done(approved_plan, bappeda_kalsel):
    with pytest.raises(ValidationError, match="can start once"):
        stage_services.start_stage(stage=stage(approved_plan, "learning"), by=bappeda_kalsel)
    finish(approved_plan, "identification", bappeda_kalsel)
    started = stage_services.start_stage(stage=stage(approved_plan, "learning"), by=bappeda_kalsel)
    assert started.status == "in_progress" and started.started_at


def test_only_officers_of_the_province_move_stages(approved_plan, bappeda_jateng, ministry):
    for user in (bappeda_jateng, ministry):
        with pytest.raises(PermissionDenied):
            stage_services.start_stage(stage=stage(approved_plan), by=user)


def test_completing_needs_a_note_and_evidence(approved_plan, bappeda_kalsel, ministry):
    stage_services.start_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    with pytest.raises(ValidationError, match="evidence"):
        stage_services.complete_stage(
            stage=stage(approved_plan), by=bappeda_kalsel, note="Selesai."
        )
    with pytest.raises(ValidationError, match="what was done"):
        stage_services.complete_stage(
            stage=stage(approved_plan), by=bappeda_kalsel, note="", evidence_files=[pdf()]
        )
    done = stage_services.complete_stage(
        stage=stage(approved_plan), by=bappeda_kalsel, note="Selesai.", evidence_files=[pdf()]
    )
    assert done.status == "done" and done.completed_by == bappeda_kalsel
    assert ReplicationPlan.objects.get(pk=approved_plan.pk).current_stage == "learning"
    assert Notification.objects.filter(user=ministry, kind="stage_done").count() == 1


def test_evidence_uploaded_earlier_counts(approved_plan, bappeda_kalsel):
    stage_services.start_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    stage_services.add_evidence(stage=stage(approved_plan), by=bappeda_kalsel, files=[pdf()])
    done = stage_services.complete_stage(stage=stage(approved_plan), by=bappeda_kalsel, note="Ok.")
    assert done.status == "done"


def test_a_refused_file_stores_nothing(approved_plan, bappeda_kalsel):
    stage_services.start_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    page = SimpleUploadedFile("laporan.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError):
        stage_services.complete_stage(
            stage=stage(approved_plan), by=bappeda_kalsel, note="x", evidence_files=[pdf(), page]
        )
    assert not Evidence.objects.exists()
    assert stage(approved_plan).status == "in_progress"


def test_evidence_is_removable_until_the_stage_is_verified(approved_plan, bappeda_kalsel, ministry):
    finish(approved_plan, "identification", bappeda_kalsel)
    first = Evidence.objects.get()
    with pytest.raises(ValidationError, match="at least one evidence file"):
        stage_services.remove_evidence(evidence=first, by=bappeda_kalsel)
    stage_services.add_evidence(
        stage=stage(approved_plan), by=bappeda_kalsel, files=[pdf("baru.pdf")]
    )
    stage_services.remove_evidence(evidence=first, by=bappeda_kalsel)
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["baru.pdf"]
    stage_services.verify_stage(stage=stage(approved_plan), by=ministry)
    with pytest.raises(ValidationError, match="until it is verified"):
        stage_services.remove_evidence(evidence=Evidence.objects.get(), by=bappeda_kalsel)


def test_only_the_ministry_verifies_or_returns(approved_plan, bappeda_kalsel):
    finish(approved_plan, "identification", bappeda_kalsel)
    with pytest.raises(PermissionDenied):
        stage_services.verify_stage(stage=stage(approved_plan), by=bappeda_kalsel)
    with pytest.raises(PermissionDenied):
        stage_services.return_stage(stage=stage(approved_plan), by=bappeda_kalsel, note="x")


def test_a_returned_stage_is_in_progress_again_with_the_note(
    approved_plan, bappeda_kalsel, ministry
):
    finish(approved_plan, "identification", bappeda_kalsel)
    with pytest.raises(ValidationError, match="note"):
        stage_services.return_stage(stage=stage(approved_plan), by=ministry, note="")
    before = stage(approved_plan).reminder_generation
    returned = stage_services.return_stage(
        stage=stage(approved_plan), by=ministry, note="Notulen belum ditandatangani."
    )
    assert returned.status == "in_progress" and returned.reminder_generation == before + 1
    assert ReplicationPlan.objects.get(pk=approved_plan.pk).current_stage == "identification"
    assert Notification.objects.filter(user=bappeda_kalsel, kind="stage_returned").exists()


def test_the_plan_completes_when_all_seven_stages_are_verified(
    approved_plan, bappeda_kalsel, ministry, innovator_diy
):
    for kind in STAGE_ORDER:
        finish(approved_plan, kind, bappeda_kalsel, verify_by=ministry)
    plan = ReplicationPlan.objects.get(pk=approved_plan.pk)
    assert plan.status == "completed" and plan.completed_at and plan.current_stage == ""
    assert Notification.objects.filter(user=innovator_diy, kind="plan_completed").count() == 1
    assert list(ReplicationPlan.objects.public()) == [plan]


def test_due_dates_move_by_request_only_after_approval(make_plan, bappeda_kalsel):
    plan = make_plan("submitted")
    with pytest.raises(ValidationError, match="only while it is approved"):
        due_dates.request_due_date(
            stage=stage(plan),
            by=bappeda_kalsel,
            proposed_date=plan.start_date + timedelta(days=10),
            reason="Banjir.",
        )


def test_an_accepted_request_moves_the_date_and_counts_the_slip(
    approved_plan, bappeda_kalsel, ministry
):
    first = stage(approved_plan)
    later = first.due_date + timedelta(days=9)
    request = due_dates.request_due_date(
        stage=first, by=bappeda_kalsel, proposed_date=later, reason="Banjir di Meratus."
    )
    assert Notification.objects.filter(user=ministry, kind="due_date_requested").exists()
    with pytest.raises(ValidationError, match="already waiting"):
        due_dates.request_due_date(
            stage=first, by=bappeda_kalsel, proposed_date=later, reason="Lagi."
        )
    with pytest.raises(PermissionDenied):
        due_dates.decide_due_date(request=request, by=bappeda_kalsel, accept=True)
    due_dates.decide_due_date(request=request, by=ministry, accept=True)
    moved = stage(approved_plan)
    assert moved.due_date == later and moved.slip_count == 1 and moved.slip_days == 9
    assert Notification.objects.filter(user=bappeda_kalsel, kind="due_date_decided").exists()


def test_a_declined_request_needs_a_note_and_leaves_the_date(
    approved_plan, bappeda_kalsel, ministry
):
    first = stage(approved_plan)
    request = due_dates.request_due_date(
        stage=first,
        by=bappeda_kalsel,
        proposed_date=first.due_date + timedelta(days=3),
        reason="Rapat tertunda.",
    )
    with pytest.raises(ValidationError, match="note"):
        due_dates.decide_due_date(request=request, by=ministry, accept=False)
    due_dates.decide_due_date(request=request, by=ministry, accept=False, note="Tidak perlu.")
    kept = stage(approved_plan)
    assert kept.due_date == first.due_date and kept.slip_count == 0


def test_a_requested_date_must_keep_the_plans_rules(approved_plan, bappeda_kalsel):
    first = stage(approved_plan)
    for proposed in (
        approved_plan.target_end_date + timedelta(days=1),
        stage(approved_plan, "learning").due_date + timedelta(days=1),
    ):
        with pytest.raises(ValidationError):
            due_dates.request_due_date(
                stage=first, by=bappeda_kalsel, proposed_date=proposed, reason="x"
            )


def test_a_stage_is_overdue_after_its_due_date_in_the_provinces_calendar(
    approved_plan, bappeda_kalsel
):
    first = stage(approved_plan)
    today = approved_plan.province.local_now().date()
    first.due_date = today
    first.save()
    assert not stage(approved_plan).is_overdue
    assert not ReplicationPlan.objects.with_overdue().get().is_overdue
    first.due_date = today - timedelta(days=1)
    first.save()
    assert stage(approved_plan).is_overdue
    assert ReplicationPlan.objects.with_overdue().get().is_overdue
