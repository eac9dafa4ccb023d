"""Operators see failed notifications and overdue stages in Django admin, and retry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jipp.models import Notification, NotificationStatus
from tests.conftest import client_for
from tests.replication import reminder_fixtures
from tests.replication.reminder_fixtures import first_stage

pytestmark = pytest.mark.django_db

# The shared reminder fixtures (tests/replication/reminder_fixtures.py).
officer_of = reminder_fixtures.officer_of
plan_in = reminder_fixtures.plan_in


@pytest.fixture
def operator(make_user):
    return make_user("admin", is_staff=True, is_superuser=True)


def test_overdue_stages_have_their_own_filter(operator, plan_in):
    late = plan_in("63", date.today() - timedelta(days=10))
    on_time = plan_in("33", date.today() + timedelta(days=10))
    client = client_for(operator)
    html = client.get("/admin/replication/stage/?overdue=yes").content.decode()
    assert f"/admin/replication/stage/{first_stage(late).pk}/" in html
    assert f"/admin/replication/stage/{first_stage(on_time).pk}/" not in html
    html = client.get("/admin/replication/stage/?overdue=no").content.decode()
    assert f"/admin/replication/stage/{first_stage(on_time).pk}/" in html


def test_the_reminder_and_plan_lists_open_read_only(operator, plan_in):
    plan = plan_in("63", date.today() + timedelta(days=10))
    client = client_for(operator)
    assert client.get("/admin/replication/reminder/?status__exact=scheduled").status_code == 200
    assert client.get(f"/admin/replication/replicationplan/{plan.pk}/change/").status_code == 200
    assert client.get("/admin/replication/reminder/add/").status_code == 403


def failed(user) -> Notification:
    return Notification.objects.create(
        user=user,
        email=user.email,
        kind="reminder_overdue_1d",
        subject="Terlambat",
        body="Isi",
        dedupe_key="reminder:1:1",
        channel="email",
        status=NotificationStatus.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected",
        created_at=timezone.now(),
    )


def test_a_failed_email_is_listed_and_retried_in_one_click(operator, bappeda_kalsel, committed):
    notification = failed(bappeda_kalsel)
    client = client_for(operator)
    listed = client.get("/admin/jipp/notification/?status__exact=failed").content.decode()
    assert "Terlambat" in listed
    page = client.get(f"/admin/jipp/notification/{notification.pk}/change/").content.decode()
    retry = f"/admin/jipp/notification/{notification.pk}/retry/"
    assert f'formaction="{retry}"' in page
    assert client.get(retry).status_code == 405
    with committed():
        response = client.post(retry)
    assert response.status_code == 302
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 0)


def test_only_staff_may_retry(bappeda_kalsel):
    notification = failed(bappeda_kalsel)
    response = client_for(bappeda_kalsel).post(f"/admin/jipp/notification/{notification.pk}/retry/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    notification.refresh_from_db()
    assert notification.status == "failed"
