"""Filing, editing, submitting and deciding on replication plans, and who may do each."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jipp.models import AuditEvent, Notification
from replication import services
from replication.models import STAGE_ORDER, ReplicationPlan
from tests.replication.conftest import plan_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """The services' refusals are matched by their English source text."""
    with translation.override("en"):
        yield


def test_an_officer_files_a_draft_with_seven_stages_spread_evenly(make_plan):
    plan = make_plan()
    stages = list(plan.stages.order_by("order"))
    assert plan.status == "draft" and plan.province.code == "63"
    assert [s.kind for s in stages] == STAGE_ORDER
    assert stages[-1].due_date == plan.target_end_date
    gaps = [(b.due_date - a.due_date).days for a, b in itertools.pairwise(stages)]
    assert max(gaps) - min(gaps) <= 1
    assert plan.current_stage == "identification"
    assert AuditEvent.objects.filter(action="plan_created").count() == 1


def test_only_bappeda_officers_file_plans(ministry, innovator_diy, sahabat_rimba, dinas_kehutanan):
    for user in (ministry, innovator_diy):
        with pytest.raises(PermissionDenied):
            services.file_plan(by=user, data=plan_data(sahabat_rimba, dinas_kehutanan))


def test_only_an_approved_innovation_can_be_replicated(
    bappeda_kalsel, make_innovation, dinas_kehutanan
):
    draft = make_innovation("Draf", status="submitted")
    with pytest.raises(ValidationError, match="approved innovation"):
        services.file_plan(by=bappeda_kalsel, data=plan_data(draft, dinas_kehutanan))


def test_the_adopter_must_be_in_the_plans_province(bappeda_kalsel, sahabat_rimba, make_institution):
    dinas_jateng = make_institution("Dinas Lingkungan Hidup Jawa Tengah", "33")
    with pytest.raises(ValidationError, match="province"):
        services.file_plan(by=bappeda_kalsel, data=plan_data(sahabat_rimba, dinas_jateng))


def test_the_end_must_come_after_the_start(make_plan):
    with pytest.raises(ValidationError) as error:
        make_plan(target_end_date=plan_data(None, None)["start_date"] - timedelta(days=1))
    assert "target_end_date" in error.value.message_dict
    assert not ReplicationPlan.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2027, 1, 1), date(9999, 12, 31), "target_end_date"),  # reminders could not be dated
        (date(2027, 1, 1), date(2037, 1, 2), "target_end_date"),  # more than ten years
        (date(1900, 1, 1), date(1901, 1, 1), "start_date"),
        (date(9990, 1, 1), date(9991, 1, 1), "start_date"),
    ],
)
def test_dates_outside_a_plannable_calendar_are_refused(make_plan, start, end, field):
    with pytest.raises(ValidationError) as error:
        make_plan(start_date=start, target_end_date=end)
    assert field in error.value.message_dict
    assert not ReplicationPlan.objects.exists()


def test_a_stage_due_after_the_plans_end_is_refused(bappeda_kalsel, sahabat_rimba, dinas_kehutanan):
    data = plan_data(sahabat_rimba, dinas_kehutanan)
    late = {"institutionalization": data["target_end_date"] + timedelta(days=1)}
    with pytest.raises(ValidationError) as error:
        services.file_plan(by=bappeda_kalsel, data=data, stage_due_dates=late)
    assert "due_institutionalization" in error.value.message_dict


def test_due_dates_out_of_order_are_refused(bappeda_kalsel, sahabat_rimba, dinas_kehutanan):
    data = plan_data(sahabat_rimba, dinas_kehutanan)
    start = data["start_date"]
    dues = {"identification": start + timedelta(days=60), "learning": start + timedelta(days=10)}
    with pytest.raises(ValidationError) as error:
        services.file_plan(by=bappeda_kalsel, data=data, stage_due_dates=dues)
    assert "due_learning" in error.value.message_dict


def test_a_negative_budget_is_refused(make_plan):
    with pytest.raises(ValidationError, match="negative"):
        make_plan(budget_amount=-1)


def test_one_open_plan_per_province_adopter_and_innovation(make_plan, bappeda_kalsel):
    first = make_plan()
    with pytest.raises(ValidationError, match="already has an open plan"):
        make_plan()
    services.cancel_plan(plan=first, by=bappeda_kalsel, reason="Salah institusi.")
    assert make_plan().status == "draft"


def test_an_edit_saves_the_changes_and_raises_the_version(make_plan, bappeda_kalsel):
    plan = make_plan()
    data = plan_data(plan.innovation, plan.adopter, local_name="Hutan Lestari Banua")
    new_due = plan.start_date + timedelta(days=5)
    services.update_plan(
        plan=plan,
        by=bappeda_kalsel,
        data=data,
        stage_due_dates={"identification": new_due},
        version=plan.version,
    )
    plan.refresh_from_db()
    assert plan.local_name == "Hutan Lestari Banua" and plan.version == 2
    assert plan.stages.get(kind="identification").due_date == new_due


def test_a_stale_version_is_refused_nothing_saved_and_the_message_says_what_changed(
    make_plan, bappeda_kalsel, make_user
):
    plan = make_plan()
    colleague = make_user("budi", "bappeda", province_code="63", first_name="Budi")
    opened = plan.version
    services.update_plan(
        plan=plan,
        by=colleague,
        data=plan_data(plan.innovation, plan.adopter, local_name="Versi Budi"),
        stage_due_dates=None,
        version=opened,
    )
    with pytest.raises(ValidationError) as error:
        services.update_plan(
            plan=plan,
            by=bappeda_kalsel,
            data=plan_data(plan.innovation, plan.adopter, summary="Versi Ahmad"),
            stage_due_dates=None,
            version=opened,
        )
    message = error.value.messages[0]
    assert "Budi" in message and "local name" in message
    plan.refresh_from_db()
    assert plan.local_name == "Versi Budi" and plan.summary != "Versi Ahmad"


def test_only_drafts_and_returned_plans_are_edited(make_plan, bappeda_kalsel):
    plan = make_plan("submitted")
    with pytest.raises(ValidationError, match="Only a draft"):
        services.update_plan(
            plan=plan,
            by=bappeda_kalsel,
            data=plan_data(plan.innovation, plan.adopter),
            stage_due_dates=None,
            version=plan.version,
        )


def test_submitting_tells_every_reviewer(make_plan, bappeda_kalsel, ministry):
    plan = make_plan()
    services.submit_plan(plan=plan, by=bappeda_kalsel)
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.submitted_at
    assert Notification.objects.filter(user=ministry, kind="plan_submitted").count() == 1


def test_only_officers_of_the_province_submit(make_plan, bappeda_jateng, ministry):
    plan = make_plan()
    for user in (bappeda_jateng, ministry):
        with pytest.raises(PermissionDenied):
            services.submit_plan(plan=plan, by=user)


def test_a_plan_without_adopter_cannot_be_submitted(make_plan, bappeda_kalsel):
    plan = make_plan()
    ReplicationPlan.objects.filter(pk=plan.pk).update(adopter=None)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="adopting institution"):
        services.submit_plan(plan=plan, by=bappeda_kalsel)


def test_the_ministry_approves_and_the_province_and_innovator_are_told(
    make_plan, ministry, bappeda_kalsel, innovator_diy
):
    plan = make_plan("submitted")
    services.approve_plan(plan=plan, by=ministry)
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == ministry and plan.approved_at
    assert Notification.objects.filter(user=bappeda_kalsel, kind="plan_decided").exists()
    assert Notification.objects.filter(user=innovator_diy, kind="plan_approved").exists()
    assert set(plan.stages.values_list("reminder_generation", flat=True)) == {1}


def test_only_the_ministry_decides(make_plan, bappeda_kalsel):
    plan = make_plan("submitted")
    with pytest.raises(PermissionDenied):
        services.approve_plan(plan=plan, by=bappeda_kalsel)
    with pytest.raises(PermissionDenied):
        services.return_plan(plan=plan, by=bappeda_kalsel, note="x")


def test_a_decided_plan_is_not_decided_again(make_plan, ministry):
    plan = make_plan("approved")
    with pytest.raises(ValidationError, match="not waiting for a decision"):
        services.approve_plan(plan=plan, by=ministry)


def test_a_return_needs_a_note_and_the_plan_can_be_resubmitted(make_plan, ministry, bappeda_kalsel):
    plan = make_plan("submitted")
    with pytest.raises(ValidationError, match="note"):
        services.return_plan(plan=plan, by=ministry, note="  ")
    services.return_plan(plan=plan, by=ministry, note="Perjelas anggaran.")
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.return_note == "Perjelas anggaran."
    services.submit_plan(plan=plan, by=bappeda_kalsel)
    assert ReplicationPlan.objects.get(pk=plan.pk).status == "submitted"


def test_cancelling_needs_a_reason_and_an_officer_or_the_ministry(
    make_plan, bappeda_jateng, innovator_diy, ministry
):
    plan = make_plan("approved")
    for user in (bappeda_jateng, innovator_diy):
        with pytest.raises(PermissionDenied):
            services.cancel_plan(plan=plan, by=user, reason="x")
    with pytest.raises(ValidationError, match="reason"):
        services.cancel_plan(plan=plan, by=ministry, reason="")
    services.cancel_plan(plan=plan, by=ministry, reason="Anggaran dialihkan.")
    plan.refresh_from_db()
    assert plan.status == "cancelled" and plan.cancel_reason == "Anggaran dialihkan."
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.cancel_plan(plan=plan, by=ministry, reason="Lagi.")


def test_messages_come_from_those_who_see_the_plan(
    make_plan, bappeda_kalsel, innovator_diy, ministry, bappeda_jateng
):
    plan = make_plan()
    for user in (bappeda_kalsel, innovator_diy, ministry):
        services.post_message(plan=plan, by=user, body="Halo.")
    assert plan.messages.count() == 3
    with pytest.raises(PermissionDenied):
        services.post_message(plan=plan, by=bappeda_jateng, body="Halo.")
    with pytest.raises(ValidationError):
        services.post_message(plan=plan, by=bappeda_kalsel, body=" ")


def test_who_sees_which_plans(
    make_plan, bappeda_kalsel, bappeda_jateng, ministry, innovator_diy, forum_admin, anon
):
    plan = make_plan()
    visible = ReplicationPlan.objects.visible_to
    assert list(visible(bappeda_kalsel)) == [plan]
    assert list(visible(ministry)) == [plan]
    assert list(visible(innovator_diy)) == [plan]
    for user in (bappeda_jateng, forum_admin, anon):
        assert not visible(user).exists()
    assert list(ReplicationPlan.objects.editable_by(bappeda_kalsel)) == [plan]
    assert not ReplicationPlan.objects.editable_by(ministry).exists()
    assert not ReplicationPlan.objects.public().exists()
