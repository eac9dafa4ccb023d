"""Reminder rows: written with the generation, at 08:00 in the province, past ones skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from replication import due_dates, reminders, services, stage_services
from replication.models import Reminder, ReminderStatus
from tests.replication import reminder_fixtures
from tests.replication.conftest import finish, stage
from tests.replication.reminder_fixtures import first_stage

pytestmark = pytest.mark.django_db

# The shared reminder fixtures (tests/replication/reminder_fixtures.py).
officer_of = reminder_fixtures.officer_of
plan_in = reminder_fixtures.plan_in

KINDS = ["due_in_7d", "due_in_1d", "overdue_1d", "overdue_7d", "escalation_14d"]


def rows(stage_):
    return list(Reminder.objects.filter(stage=stage_).order_by("generation", "due_at"))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_approving_a_plan_writes_five_reminders_for_every_stage_at_0800_local(plan_in):
    # Kalimantan Selatan is WITA (UTC+8): 08:00 there is 00:00 UTC the same day.
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    first = rows(first_stage(plan))
    assert [r.kind for r in first] == KINDS
    assert [r.due_at for r in first] == [
        utc("2026-04-03 00:00"),
        utc("2026-04-09 00:00"),
        utc("2026-04-11 00:00"),
        utc("2026-04-17 00:00"),
        utc("2026-04-24 00:00"),
    ]
    assert {r.status for r in first} == {"scheduled"} and {r.generation for r in first} == {1}
    assert Reminder.objects.filter(stage__plan=plan).count() == 7 * 5


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91", "2026-04-09 23:00"),  # Papua, WIT: the day before in UTC
        ("73", "2026-04-10 00:00"),  # Sulawesi Selatan (Makassar), WITA
        ("61", "2026-04-10 01:00"),  # Kalimantan Barat (Pontianak), WIB
        ("33", "2026-04-10 01:00"),  # Jawa Tengah, WIB
    ],
)
def test_the_moment_is_0800_in_the_adopting_provinces_zone(plan_in, code, expected):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in(code, date(2026, 4, 11))
    one_day_before = Reminder.objects.get(stage=first_stage(plan), kind="due_in_1d")
    assert one_day_before.due_at == utc(expected)


def test_draft_and_submitted_plans_have_no_reminders(plan_in, officer_of):
    plan = plan_in("63", date.today() + timedelta(days=30), approve=False)
    services.submit_plan(plan=plan, by=officer_of("63"))
    assert not Reminder.objects.filter(stage__plan=plan).exists()


def test_of_moments_already_past_only_the_latest_is_kept_for_one_catch_up(plan_in):
    # Approved when the first stage is already 10 days late: T-7, T-1 and T+1 are past
    # and skipped, T+7 fires at the next sweep, T+14 waits for its day.
    with time_machine.travel("2026-04-20 05:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    statuses = {r.kind: r.status for r in rows(first_stage(plan))}
    assert statuses == {
        "due_in_7d": "skipped",
        "due_in_1d": "skipped",
        "overdue_1d": "skipped",
        "overdue_7d": "scheduled",
        "escalation_14d": "scheduled",
    }


def test_the_schedule_skips_nothing_when_no_moment_is_past():
    zone = datetime.now().astimezone().tzinfo
    moments = reminders.schedule(date(2030, 1, 1), zone, utc("2029-01-01 00:00"))  # type: ignore[arg-type]
    assert [m.status for m in moments] == ["scheduled"] * 5


def test_completing_a_stage_cancels_its_open_reminders(plan_in, officer_of):
    plan = plan_in("63", date.today() + timedelta(days=30))
    finish(plan, "identification", officer_of("63"))
    assert {r.status for r in rows(first_stage(plan))} == {"cancelled"}
    learning = stage(plan, "learning")
    assert {r.status for r in rows(learning)} == {"scheduled"}


def test_a_stage_returned_after_verification_is_reminded_again_in_a_new_generation(
    plan_in, officer_of, ministry
):
    plan = plan_in("63", date.today() + timedelta(days=30))
    finish(plan, "identification", officer_of("63"))
    stage_services.return_stage(stage=stage(plan), by=ministry, note="Bukti belum lengkap.")
    first = rows(first_stage(plan))
    assert [(r.generation, r.status) for r in first] == [(1, "cancelled")] * 5 + [
        (2, "scheduled")
    ] * 5


def test_an_accepted_due_date_change_cancels_the_old_round_and_writes_a_new_one(
    plan_in, officer_of, ministry
):
    due = date.today() + timedelta(days=30)
    plan = plan_in("63", due)
    request = due_dates.request_due_date(
        stage=stage(plan),
        by=officer_of("63"),
        proposed_date=due + timedelta(days=14),
        reason="Hujan.",
    )
    due_dates.decide_due_date(request=request, by=ministry, accept=True)
    old = Reminder.objects.filter(stage=first_stage(plan), generation=1)
    new = Reminder.objects.filter(stage=first_stage(plan), generation=2)
    assert {r.status for r in old} == {"cancelled"}
    assert {r.status for r in new} == {"scheduled"}
    assert new.get(kind="due_in_1d").due_at.date() == due + timedelta(days=13)


def test_a_declined_due_date_change_leaves_the_reminders(plan_in, officer_of, ministry):
    due = date.today() + timedelta(days=30)
    plan = plan_in("63", due)
    request = due_dates.request_due_date(
        stage=stage(plan),
        by=officer_of("63"),
        proposed_date=due + timedelta(days=14),
        reason="Hujan.",
    )
    due_dates.decide_due_date(request=request, by=ministry, accept=False, note="Tidak.")
    assert {(r.generation, r.status) for r in rows(first_stage(plan))} == {(1, "scheduled")}


def test_cancelling_a_plan_cancels_every_open_reminder(plan_in, officer_of):
    plan = plan_in("63", date.today() + timedelta(days=30))
    services.cancel_plan(plan=plan, by=officer_of("63"), reason="Anggaran dialihkan.")
    assert not Reminder.objects.filter(stage__plan=plan, status=ReminderStatus.SCHEDULED).exists()


def test_writing_a_generation_twice_changes_nothing(plan_in):
    plan = plan_in("63", date.today() + timedelta(days=30))
    before = Reminder.objects.filter(stage__plan=plan).count()
    reminders.write_generation(plan=plan, stages=plan.stages.all())
    assert Reminder.objects.filter(stage__plan=plan).count() == before
