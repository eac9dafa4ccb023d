"""The reminder sweep: due reminders become notifications once, in the recipient's words."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jipp.models import Notification, Role
from replication import sweep, tasks
from replication.models import Reminder, ReplicationPlan, Stage
from tests.replication import reminder_fixtures
from tests.replication.conftest import finish, stage
from tests.replication.reminder_fixtures import first_stage

pytestmark = pytest.mark.django_db

# The shared reminder fixtures (tests/replication/reminder_fixtures.py).
officer_of = reminder_fixtures.officer_of
plan_in = reminder_fixtures.plan_in


def fire():
    return sweep.fire_due_reminders()


def reminded():
    return Notification.objects.filter(kind__startswith="reminder_")


def test_a_due_reminder_notifies_each_officer_of_the_province_once(
    plan_in, officer_of, make_user, bappeda_jateng
):
    officer_of("63")
    second = officer_of("63", "bappeda63b", language="en")
    make_user("gone", Role.BAPPEDA, province_code="63", is_active=False)
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    with time_machine.travel("2026-04-02 23:59Z", tick=False):  # 07:59 WITA on 3 April
        assert fire().fired == 0
    with time_machine.travel("2026-04-03 00:00Z", tick=False):
        result = fire()
    assert (result.fired, result.notifications) == (1, 2)
    reminder = Reminder.objects.get(stage=first_stage(plan), kind="due_in_7d")
    assert reminder.status == "fired" and reminder.fired_at is not None
    rows = {n.user.username: n for n in reminded()}
    assert set(rows) == {"bappeda63", "bappeda63b"}
    assert rows["bappeda63b"].dedupe_key == f"reminder:{reminder.pk}:{second.pk}"
    indonesian, english = rows["bappeda63"], rows["bappeda63b"]
    assert "Sahabat Hutan Banua" in indonesian.subject
    assert "bertenggat 10 April 2026, 7 hari lagi" in indonesian.subject
    assert english.subject.startswith("Reminder: Identification & preparation")
    assert "in 7 days" in english.subject
    assert english.url == f"/replication/plans/{plan.pk}/#stage-identification"
    assert {n.channel for n in rows.values()} == {"email"}


def test_the_escalation_reaches_the_approving_reviewer_as_well(
    plan_in, officer_of, make_user, ministry
):
    make_user("other_reviewer", Role.MINISTRY)
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    Reminder.objects.filter(stage__plan=plan).exclude(kind="escalation_14d").update(
        status="skipped"
    )
    with time_machine.travel("2026-04-24 00:00Z", tick=False):
        fire()
    users = set(reminded().values_list("user__username", flat=True))
    assert users == {"bappeda63", ministry.username}
    escalation = reminded().get(user=ministry)
    assert escalation.kind == "reminder_escalation_14d"
    assert "terlambat 14 hari (tenggat 10 April 2026)" in escalation.subject


def test_the_escalation_goes_to_every_active_reviewer_when_the_approver_left(
    plan_in, make_user, ministry
):
    make_user("other_reviewer", Role.MINISTRY)
    make_user("inactive_reviewer", Role.MINISTRY, is_active=False)
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    ministry.is_active = False
    ministry.save()
    Reminder.objects.filter(stage__plan=plan).exclude(kind="escalation_14d").update(
        status="skipped"
    )
    with time_machine.travel("2026-04-24 00:00Z", tick=False):
        fire()
    users = set(reminded().values_list("user__username", flat=True))
    assert users == {"bappeda63", "other_reviewer"}


def test_a_plan_approved_ten_days_late_sends_one_catch_up_chaser_not_four(plan_in):
    with time_machine.travel("2026-04-20 05:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
        assert fire().fired == 1
        assert fire().fired == 0
    notification = reminded().get()
    assert notification.kind == "reminder_overdue_7d"
    # Days late, counted when it fires: exactly ten (the due date's "10" must not pass it).
    assert "terlambat 10 hari (tenggat 10 April 2026)" in notification.subject
    assert Reminder.objects.filter(stage=first_stage(plan), status="fired").count() == 1


def test_a_stage_finished_meanwhile_or_a_plan_no_longer_approved_is_not_reminded(plan_in):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        finished = plan_in("63", date(2026, 4, 10))
        withdrawn = plan_in("33", date(2026, 4, 10))
    # Changed behind the services' back: the sweep checks the stage as it is.
    Stage.objects.filter(pk=first_stage(finished).pk).update(status="verified")
    ReplicationPlan.objects.filter(pk=withdrawn.pk).update(status="cancelled")
    with time_machine.travel("2026-04-03 02:00Z", tick=False):
        result = fire()
    assert (result.fired, result.cancelled, result.notifications) == (0, 2, 0)
    assert set(
        Reminder.objects.filter(kind="due_in_7d", generation=1, stage__order=1).values_list(
            "status", flat=True
        )
    ) == {"cancelled"}


def test_a_stage_returned_after_verification_is_reminded_again_for_its_new_round(
    plan_in, officer_of, ministry
):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
        finish(plan, "identification", officer_of("63"))
    with time_machine.travel("2026-04-03 00:00Z", tick=False):
        assert fire().fired == 0  # done: its reminders were cancelled
    with time_machine.travel("2026-04-05 03:00Z", tick=False):
        from replication import stage_services

        stage_services.return_stage(stage=stage(plan), by=ministry, note="Lampirkan SK.")
        assert fire().fired == 1  # the new round's T-7 (already past): its catch-up
    with time_machine.travel("2026-04-09 00:00Z", tick=False):
        assert fire().fired == 1  # T-1
    kinds = list(reminded().values_list("kind", flat=True))
    assert sorted(kinds) == ["reminder_due_in_1d", "reminder_due_in_7d"]


@pytest.mark.parametrize(
    ("code", "before", "at"),
    [
        ("91", "2026-04-02 22:59Z", "2026-04-02 23:00Z"),  # Jayapura, WIT
        ("61", "2026-04-03 00:59Z", "2026-04-03 01:00Z"),  # Pontianak, WIB
        ("73", "2026-04-02 23:59Z", "2026-04-03 00:00Z"),  # Makassar, WITA
    ],
)
def test_a_reminder_fires_at_0800_in_its_provinces_zone(plan_in, code, before, at):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan_in(code, date(2026, 4, 10))
    with time_machine.travel(before, tick=False):
        assert fire().fired == 0
    with time_machine.travel(at, tick=False):
        assert fire().fired == 1


def test_the_beat_task_run_twice_sends_nothing_twice(plan_in, django_capture_on_commit_callbacks):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan_in("63", date(2026, 4, 10))
    with (
        time_machine.travel("2026-04-03 00:05Z", tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        assert tasks.fire_due_reminders() == 1
        assert tasks.fire_due_reminders() == 0
    assert reminded().count() == 1
    assert len(callbacks) == 1  # one batch queued its e-mails once


def test_a_reminder_fired_again_by_hand_makes_no_second_notification(plan_in):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    with time_machine.travel("2026-04-03 00:05Z", tick=False):
        fire()
        # A redelivered batch after a crash between notify and commit would see this.
        Reminder.objects.filter(stage=first_stage(plan), kind="due_in_7d").update(
            status="scheduled"
        )
        assert fire().notifications == 1
    assert reminded().count() == 1


def test_digest_and_inbox_users_get_held_rows(plan_in, officer_of):
    officer_of("63", reminder_channel="digest")
    officer_of("63", "inbox63", reminder_channel="inbox")
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan_in("63", date(2026, 4, 10))
    with time_machine.travel("2026-04-03 00:05Z", tick=False):
        fire()
    assert set(reminded().values_list("channel", "status")) == {
        ("digest", "held"),
        ("inbox", "held"),
    }


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_fire_every_reminder_exactly_once(plan_in, officer_of, make_user):
    officer_of("63")
    officer_of("63", "bappeda63b")
    soon = date.today() + timedelta(days=30)
    for n in range(8):
        plan_in("63" if n < 2 else "33", soon + timedelta(days=n))
    # One reminder of every stage due at once: 8 plans x 7 stages.
    due = Reminder.objects.filter(kind="due_in_7d")
    due.update(due_at=timezone.now() - timedelta(minutes=1))
    total = due.count()
    barrier = threading.Barrier(2)
    results: list[sweep.Result] = []

    def run():
        barrier.wait()
        try:
            results.append(sweep.fire_due_reminders(batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.fired for r in results) == total
    assert all(r.fired > 0 for r in results)  # both took a share
    assert set(due.values_list("status", flat=True)) == {"fired"}
    assert not Reminder.objects.exclude(kind="due_in_7d").exclude(status="scheduled").exists()
    officers = {"63": 2, "33": 1}
    per_province = due.values_list("stage__plan__province__code").annotate(n=Count("id"))
    expected = sum(officers[code] * count for code, count in per_province)
    assert reminded().count() == expected
    assert reminded().values("dedupe_key").distinct().count() == expected


def test_a_batch_costs_the_same_number_of_queries_for_few_or_many_reminders(plan_in, officer_of):
    officer_of("63")
    officer_of("63", "bappeda63b")

    def sweep_of(plans: int, at: str) -> tuple[int, int]:
        with time_machine.travel("2026-03-01 03:00Z", tick=False):
            for _ in range(plans):
                plan_in("63", date(2026, 4, 10))
        with (
            time_machine.travel(at, tick=False),
            CaptureQueriesContext(connection) as captured,
        ):
            fired = fire().fired
        return fired, len(captured)

    few, few_queries = sweep_of(1, "2026-04-03 00:00Z")
    many, many_queries = sweep_of(6, "2026-04-09 00:00Z")
    assert few == 1 and many > 6
    # Constant: the only extra statement marks skipped moments (none in the first sweep).
    assert many_queries <= few_queries + 1


def test_after_an_outage_only_the_latest_missed_moment_of_a_stage_is_sent(plan_in):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    # Nothing swept from 2 to 20 April: T-7, T-1, T+1 and T+7 of the first stage are due.
    with time_machine.travel("2026-04-20 05:00Z", tick=False):
        result = fire()
    assert (result.fired, result.skipped) == (1, 3)
    statuses = dict(Reminder.objects.filter(stage=first_stage(plan)).values_list("kind", "status"))
    assert statuses == {
        "due_in_7d": "skipped",
        "due_in_1d": "skipped",
        "overdue_1d": "skipped",
        "overdue_7d": "fired",
        "escalation_14d": "scheduled",
    }
    assert list(reminded().values_list("kind", flat=True)) == ["reminder_overdue_7d"]


def test_a_reminder_of_an_older_round_that_slipped_through_is_cancelled_not_sent(plan_in):
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    first = first_stage(plan)
    # The round rose behind the services' back: this round's rows were never cancelled.
    Stage.objects.filter(pk=first.pk).update(reminder_generation=first.reminder_generation + 1)
    with time_machine.travel("2026-04-03 02:00Z", tick=False):
        result = fire()
    assert (result.fired, result.cancelled, result.notifications) == (0, 1, 0)
    old = Reminder.objects.get(stage=first, kind="due_in_7d")
    assert old.status == "cancelled" and old.generation == first.reminder_generation
    assert not reminded().exists()
