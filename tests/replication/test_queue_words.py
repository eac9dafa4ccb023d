"""A due-date request waiting in a queue reads as a request, not as a stage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from replication import due_dates
from tests.conftest import client_for
from tests.replication.conftest import stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(approved_plan, bappeda_kalsel):
    trial = stage(approved_plan, "trial")
    return due_dates.request_due_date(
        stage=trial,
        by=bappeda_kalsel,
        proposed_date=trial.due_date + timedelta(days=30),
        reason="Anggaran perubahan baru disahkan.",
    )


def test_a_due_date_request_is_named_as_a_request(waiting):
    with translation.override("id"):
        assert waiting.queue_title.startswith("Permintaan perubahan tenggat: Uji Coba, ")
    with translation.override("en"):
        assert waiting.queue_title.startswith("Due-date change request: Trial, ")


def test_the_ministrys_review_queue_lists_it_as_a_request(waiting, ministry):
    html = client_for(ministry).get("/replication/review/").content.decode()
    with translation.override("id"):
        assert waiting.queue_title in html


def test_the_ministrys_work_page_lists_it_as_a_request(waiting, ministry):
    html = client_for(ministry).get("/work/").content.decode()
    with translation.override("id"):
        assert waiting.queue_title in html
