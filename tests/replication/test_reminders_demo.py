"""The demo story under `make run`: the first sweep fires the week's reminder and a chaser."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from jipp.models import Notification

pytestmark = pytest.mark.django_db


def test_the_first_sweep_after_seeding_reminds_kalsel_of_this_weeks_trial_and_the_late_stage(
    settings,
):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("fire_reminders")
    sent = Notification.objects.filter(
        kind__startswith="reminder_", user__username="bappeda.kalsel"
    )
    kinds = {(n.kind, n.url.rsplit("#stage-", 1)[1]) for n in sent}
    # Sahabat Hutan Banua's trial is due in four days: its T-7 is the catch-up.
    assert ("reminder_due_in_7d", "trial") in kinds
    # Generasi Emas Banua's learning stage is six days late: its T+1 chaser.
    assert ("reminder_overdue_1d", "learning") in kinds
    before = Notification.objects.filter(kind__startswith="reminder_").count()
    call_command("fire_reminders")  # beat's next run: nothing new
    assert Notification.objects.filter(kind__startswith="reminder_").count() == before
