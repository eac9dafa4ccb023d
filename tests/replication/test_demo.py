"""The demo story's replication plans: approved, around today, loaded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from replication.models import ReplicationPlan, Stage

pytestmark = pytest.mark.django_db


def test_the_demo_plans_show_every_state_and_load_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    plans = ReplicationPlan.objects.select_related("province")
    assert sorted((p.province.code, p.local_name) for p in plans) == [
        ("33", "Sahabat Rimba Jateng"),
        ("63", "Generasi Emas Banua"),
        ("63", "Sahabat Hutan Banua"),
    ]
    assert {p.status for p in plans} == {"approved"}
    assert {p.approved_by.username for p in plans} == {"kemenpan"}
    stages = Stage.objects.select_related("plan__province")
    assert any(s.status == "verified" for s in stages)
    assert any(s.status == "done" for s in stages)
    assert any(s.is_overdue for s in stages)
    assert any(
        s.status == "in_progress" and 0 <= (s.due_date - s.plan.local_today()).days <= 7
        for s in stages
    )
    call_command("seed_demo")
    assert ReplicationPlan.objects.count() == 3
