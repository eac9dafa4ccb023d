"""The plan page shows each stage's reminders, and to officers and the ministry who was told."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from replication import sweep
from replication.models import Reminder
from tests.conftest import client_for
from tests.replication import reminder_fixtures

pytestmark = pytest.mark.django_db

# The shared reminder fixtures (tests/replication/reminder_fixtures.py).
officer_of = reminder_fixtures.officer_of
plan_in = reminder_fixtures.plan_in


@pytest.fixture
def fired_plan(plan_in, officer_of, innovator_diy):
    officer_of("63")
    officer_of("63", "budi", first_name="Budi", last_name="Santoso")  # did not file the plan
    with time_machine.travel("2026-03-01 03:00Z", tick=False):
        plan = plan_in("63", date(2026, 4, 10))
    with time_machine.travel("2026-04-03 00:05Z", tick=False):
        sweep.fire_due_reminders()
    return plan


def page(user, plan) -> str:
    response = client_for(user).get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_officers_see_the_reminders_and_who_was_told_with_the_delivery_status(
    fired_plan, officer_of
):
    html = page(officer_of("63"), fired_plan)
    assert "3 April 2026 08:00 WITA" in html  # T-7 of 10 April, local time
    assert "Budi Santoso" in html
    assert Reminder.objects.filter(stage__plan=fired_plan).count() == 35


def test_the_ministry_sees_who_was_told(fired_plan, ministry):
    assert "Budi Santoso" in page(ministry, fired_plan)


def test_the_innovator_sees_the_schedule_but_not_who_was_told(fired_plan, innovator_diy):
    html = page(innovator_diy, fired_plan)
    assert "3 April 2026 08:00 WITA" in html
    assert "Budi Santoso" not in html and "@example.go.id" not in html


def queries(user, plan) -> int:
    client = client_for(user)
    client.get(plan.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(plan.get_absolute_url()).status_code == 200
    return len(captured)


def test_the_plan_page_reads_its_reminders_in_a_constant_number_of_queries(
    fired_plan, officer_of, make_user
):
    officer = officer_of("63")
    few = queries(officer, fired_plan)
    for n in range(6):
        make_user(f"extra{n}", "bappeda", province_code="63")
    # More rounds and more fired reminders, each with more recipients.
    with time_machine.travel("2026-04-30 00:05Z", tick=False):
        Reminder.objects.filter(stage__plan=fired_plan, status="scheduled").update(
            due_at="2026-04-20T00:00Z"
        )
        sweep.fire_due_reminders()
    assert Reminder.objects.filter(stage__plan=fired_plan, status="fired").count() >= 7
    assert queries(officer, fired_plan) == few
