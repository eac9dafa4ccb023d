"""The demo story's replication plans: the 2020 story lived to its end, this year's plans
around today, every row dated when it happened, loaded once."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from jipp import uploads
from jipp.models import AuditEvent, Institution, Notification
from replication.models import (
    DueDateRequest,
    Evidence,
    Indicator,
    Reminder,
    ReplicationPlan,
    Stage,
)

pytestmark = pytest.mark.django_db

MODELS = [
    ReplicationPlan,
    Stage,
    Indicator,
    Evidence,
    DueDateRequest,
    Reminder,
    AuditEvent,
    Notification,
    Institution,
]


@pytest.fixture
def demo(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def plan_named(name: str) -> ReplicationPlan:
    return ReplicationPlan.objects.select_related("province", "forum").get(local_name=name)


def history_of(plan: ReplicationPlan) -> list[AuditEvent]:
    stages = Stage.objects.filter(plan=plan).values("pk")
    return list(
        AuditEvent.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(ReplicationPlan), target_id=plan.pk)
            | Q(target_type=ContentType.objects.get_for_model(Stage), target_id__in=stages)
        ).order_by("pk")
    )


def notifications_of(plan: ReplicationPlan):
    return Notification.objects.filter(url__startswith=plan.get_absolute_url())


def local(moment, plan: ReplicationPlan) -> date:
    return moment.astimezone(plan.province.tzinfo).date()


def test_kalsel_generasi_emas_was_approved_in_early_2021_and_completed_in_2022(demo):
    plan = plan_named("Generasi Emas Banua")
    assert (plan.province.code, plan.status) == ("63", "completed")
    assert plan.innovation.slug == "mencerdaskan-si-miskin-menjadi-generasi-emas"
    assert plan.forum.number == 6 and local(plan.forum.starts_at, plan) == date(2020, 10, 27)
    assert date(2020, 10, 27) < local(plan.submitted_at, plan) < date(2021, 1, 1)
    assert date(2021, 1, 1) <= local(plan.approved_at, plan) <= date(2021, 3, 31)
    assert plan.approved_by.username == "kemenpan"
    assert local(plan.completed_at, plan).year == 2022
    assert plan.current_stage == ""
    assert plan.legal_basis_kind == "pergub"
    basis_date = plan.legal_basis_date
    assert basis_date is not None and basis_date.year == 2022
    assert plan.legal_basis_number == "077 Tahun 2022"
    assert plan.start_date <= basis_date <= local(plan.completed_at, plan)
    assert len(plan.lessons) > 100


def test_its_stages_were_done_and_verified_one_after_another_in_2021_and_2022(demo):
    plan = plan_named("Generasi Emas Banua")
    stages = list(plan.stages.order_by("order"))
    assert [s.status for s in stages] == ["verified"] * 7
    previous = plan.approved_at
    for stage in stages:
        moments = [previous, stage.started_at, stage.completed_at, stage.verified_at]
        assert moments == sorted(moments) and len(set(moments)) == 4, stage.kind  # type: ignore[type-var]
        assert local(stage.started_at, plan).year in (2021, 2022)
        assert stage.evidence.exists() and stage.completed_by and stage.verified_by
        previous = stage.verified_at
    assert previous == plan.completed_at
    trial = plan.stages.get(kind="trial")
    assert (trial.slip_count, trial.slip_days) == (1, 62)
    assert trial.due_date_requests.get().status == "accepted"


def test_its_indicators_have_achieved_values_some_reached_some_missed(demo):
    plan = plan_named("Generasi Emas Banua")
    indicators = list(plan.indicators.all())
    assert len(indicators) == 3
    assert indicators[0].name.startswith("Angka putus sekolah")
    assert indicators[0].direction == "decrease" and indicators[0].sdg_target == "4.1"
    assert any("SKM" in item.name for item in indicators)
    evaluated = local(plan.stages.get(kind="evaluation").completed_at, plan)
    for item in indicators:
        assert item.achieved is not None and item.measured_on is not None
        assert item.baseline_date < item.measured_on <= evaluated
    assert [item.reached for item in indicators].count(True) == 2


def test_its_evidence_files_are_real_pdfs(demo):
    plan = plan_named("Generasi Emas Banua")
    evidence = Evidence.objects.filter(stage__plan=plan)
    assert evidence.count() >= 7
    first = evidence.first()
    content = first.file.read()
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    checked = uploads.check_upload(
        SimpleUploadedFile(first.original_name, content, content_type="application/pdf")
    )
    assert checked.content_type == "application/pdf"
    assert local(first.uploaded_at, plan).year == 2021


def test_its_history_is_dated_when_it_happened_not_when_it_was_seeded(demo):
    plan = plan_named("Generasi Emas Banua")
    events = history_of(plan)
    assert {e.created_at.year for e in events} == {2020, 2021, 2022}
    assert [e.created_at for e in events] == sorted(e.created_at for e in events)
    actions = [e.action for e in events]
    assert actions[:7] == [
        "plan_created",
        "plan_edited",
        "plan_submitted",
        "plan_returned",
        "plan_edited",
        "plan_submitted",
        "plan_approved",
    ]
    assert actions[-1] == "plan_completed" and "stage_returned" in actions
    assert actions.count("stage_verified") == 7 and actions.count("due_date_accepted") == 1


def test_its_notifications_were_sent_and_read_and_its_reminders_are_over(demo):
    plan = plan_named("Generasi Emas Banua")
    rows = notifications_of(plan)
    kinds = set(rows.values_list("kind", flat=True))
    assert {"plan_submitted", "plan_decided", "stage_done", "reminder_due_in_7d"} <= kinds
    for row in rows:
        assert row.status in ("sent", "digested", "held"), row.kind
        assert row.read_at is not None and row.created_at.year in (2020, 2021, 2022)
        assert row.status != "sent" or row.sent_at > row.created_at
    reminders = Reminder.objects.filter(stage__plan=plan)
    assert not reminders.filter(status="scheduled").exists()
    fired = reminders.filter(status="fired")
    assert fired.exists() and not fired.filter(fired_at__year__gt=2022).exists()
    assert reminders.filter(status="cancelled").exists()


def test_sahabat_rimba_was_completed_in_kalsel_and_jateng_with_a_slip_on_the_way(demo):
    for name, code in (("Sahabat Hutan Banua", "63"), ("Sahabat Rimba Jateng", "33")):
        plan = plan_named(name)
        assert (plan.province.code, plan.status) == (code, "completed")
        assert plan.innovation.slug == "menggapai-mimpi-sahabat-rimba"
        assert local(plan.approved_at, plan).year == 2021
        assert local(plan.completed_at, plan).year == 2022
        assert plan.legal_basis_kind and plan.legal_basis_number and plan.legal_basis_date
        assert plan.indicators.filter(achieved__isnull=False).count() == 3
        assert sum(s.slip_count for s in plan.stages.all()) >= 1
        assert not Reminder.objects.filter(stage__plan=plan, status="scheduled").exists()
    jateng = plan_named("Sahabat Rimba Jateng")
    assert jateng.forum.number == 8
    assert sum(s.slip_count for s in jateng.stages.all()) == 2


def test_this_years_plans_keep_kalsel_jateng_and_the_review_queue_busy(demo):
    now = timezone.now()
    live = ReplicationPlan.objects.filter(created_at__gt=now - timedelta(days=365))
    approved = live.filter(status="approved")
    assert {"63", "33"} <= set(approved.values_list("province__code", flat=True))
    assert live.filter(status="submitted").exists()
    assert Stage.objects.filter(plan__in=live, status="done").exists()
    assert DueDateRequest.objects.filter(status="pending", stage__plan__in=live).exists()
    stages = Stage.objects.filter(plan__in=approved).select_related("plan__province")
    assert any(s.is_overdue for s in stages)
    assert any(
        s.status == "in_progress" and 0 <= (s.due_date - s.plan.local_today()).days <= 7
        for s in stages
    )
    for plan in approved:
        assert plan.indicators.exists() and not plan.indicators.filter(achieved__isnull=False)
        scheduled = Reminder.objects.filter(stage__plan=plan, status="scheduled")
        assert scheduled.filter(due_at__gt=now).exists(), plan.local_name
    # Every event of this year's plans is in the past.
    assert not AuditEvent.objects.filter(created_at__gt=now).exists()


def test_running_it_twice_changes_no_row(demo, settings):
    before = {model.__name__: model.objects.count() for model in MODELS}
    call_command("seed_demo", stdout=io.StringIO())
    assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_the_first_sweep_after_seeding_reminds_only_this_years_plans(demo):
    history = ReplicationPlan.objects.filter(created_at__year__lt=2023)
    assert history.count() == 3
    old = Q()
    for plan in history:
        old |= Q(url__startswith=plan.get_absolute_url())
    assert not Notification.objects.filter(old, status="pending").exists()
    before = set(Notification.objects.values_list("pk", flat=True))
    call_command("fire_reminders", stdout=io.StringIO())
    new = Notification.objects.exclude(pk__in=before)
    assert new.exists()  # this year's plans: a catch-up for the stages due around today
    assert not new.filter(old).exists()
    assert not Reminder.objects.filter(stage__plan__in=history, status="scheduled").exists()


def test_the_demo_shows_the_same_logins(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    logins = out.getvalue().split("demo logins", 1)[1]
    assert logins == again.getvalue().split("demo logins", 1)[1]
    for username in ("kemenpan", "bappeda.kalsel", "bappeda.jateng", "inovator.diy"):
        assert username in logins
