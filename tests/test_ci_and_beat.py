"""What CI and the beat process rely on: the CI flag as CI systems spell it, real tasks."""

from __future__ import annotations

import pytest

from jipp.celery import app
from tests.e2e.conftest import in_ci


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes", "on", " True "])
def test_any_spelling_of_yes_counts_as_ci_so_skipped_browser_tests_fail(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert in_ci()


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off"])
def test_an_explicit_no_or_no_ci_at_all_lets_browser_tests_skip_loudly(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    assert not in_ci()


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert schedule, "beat has nothing to do"
    missing = {
        name: entry["task"] for name, entry in schedule.items() if entry["task"] not in app.tasks
    }
    assert missing == {}
