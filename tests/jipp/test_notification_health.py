"""The dashboards' notification health from its rollup (jipp/notification_health.py): kept
by PostgreSQL in every change's transaction, always equal to the live count of the
notifications, and read in a query whose cost does not grow with their number."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from jipp import invariants, notification_health
from jipp.models import Notification, Province

pytestmark = pytest.mark.django_db

# Mid-hour, so that the week's first hour is partly in the window and partly out of it.
NOW = datetime(2026, 8, 15, 3, 20, tzinfo=UTC)


def live(province_id: int | None = None, now: datetime = NOW) -> dict[str, int]:
    """The figure computed from the notifications, as the dashboards did before the rollup."""
    rows = Notification.objects.filter(channel="email", created_at__gte=now - timedelta(days=7))
    if province_id is not None:
        rows = rows.filter(user__province_id=province_id)
    return rows.aggregate(
        sent=Count("id", filter=Q(status="sent")),
        pending=Count("id", filter=Q(status__in=["pending", "sending"])),
        failed=Count("id", filter=Q(status="failed")),
    )


def note(user, key: str, *, status: str = "pending", ago: timedelta, channel: str = "email"):
    return Notification.objects.create(
        user=user, email=user.email if user else "x@example.org", kind="test", subject="s",
        body="b", channel=channel, status=status, dedupe_key=key, created_at=NOW - ago,
    )  # fmt: skip


@pytest.fixture
def people(bappeda_kalsel, bappeda_jateng, ministry):
    return bappeda_kalsel, bappeda_jateng, ministry


def assert_equal_to_live(*users) -> None:
    assert notification_health.drift() == []
    with time_machine.travel(NOW, tick=False):
        assert notification_health.health() == live()
        for province_id in {user.province_id for user in users if user.province_id}:
            assert notification_health.health(province_id) == live(province_id)


def test_every_kind_of_change_keeps_the_rollup_equal_to_the_notifications(people):
    kalsel, jateng, ministry = people
    first = note(kalsel, "a", ago=timedelta(days=1))
    note(jateng, "b", status="sent", ago=timedelta(hours=2))
    note(ministry, "c", status="failed", ago=timedelta(days=3))
    note(kalsel, "inbox", status="held", ago=timedelta(hours=1), channel="inbox")
    note(None, "no-user", status="sent", ago=timedelta(hours=5))
    note(kalsel, "old", status="sent", ago=timedelta(days=9))  # older than the week
    assert_equal_to_live(*people)
    with time_machine.travel(NOW, tick=False):
        assert notification_health.health() == {"sent": 2, "pending": 1, "failed": 1}
        assert notification_health.health(kalsel.province_id) == {
            "sent": 0, "pending": 1, "failed": 0
        }  # fmt: skip

    # A batch (one statement), then the outbox's moves: claimed, sent, failed, retried.
    Notification.objects.bulk_create(
        Notification(
            user=user,
            email=user.email,
            kind="test",
            subject="s",
            body="b",
            channel="email",
            status="pending",
            dedupe_key=f"batch-{n}",
            created_at=NOW - timedelta(hours=n),
        )
        for n, user in enumerate([kalsel, jateng, kalsel, ministry] * 5)
    )
    assert_equal_to_live(*people)
    Notification.objects.filter(dedupe_key__startswith="batch-").update(status="sending")
    Notification.objects.filter(dedupe_key__in=["batch-1", "batch-2"]).update(status="sent")
    Notification.objects.filter(dedupe_key="batch-3").update(status="failed")
    Notification.objects.filter(dedupe_key="batch-4").update(status="pending")
    first.status = "sent"
    first.save()
    assert_equal_to_live(*people)

    # Rows that change their moment, recipient or channel, or go.
    Notification.objects.filter(dedupe_key="b").update(created_at=NOW - timedelta(days=8))
    Notification.objects.filter(dedupe_key="c").update(user=kalsel)
    Notification.objects.filter(dedupe_key="inbox").update(channel="email", status="pending")
    Notification.objects.filter(dedupe_key__in=["batch-5", "batch-6"]).delete()
    assert_equal_to_live(*people)

    # A recipient moves to another province; another is deleted with their notifications.
    kalsel.province = Province.objects.get(code="33")
    kalsel.save()
    assert_equal_to_live(*people)
    jateng.delete()
    assert_equal_to_live(kalsel, ministry)


def test_the_week_starts_at_the_very_moment_seven_days_ago(people):
    kalsel, _, _ = people
    week = timedelta(days=7)
    # The week's first hour (the rollup's bucket NOW - 7 days falls in) holds rows on both
    # sides of the moment: only those after it count.
    note(kalsel, "just-in", ago=week - timedelta(minutes=1))
    note(kalsel, "just-out", ago=week + timedelta(minutes=1))
    note(kalsel, "exactly", ago=week)
    note(kalsel, "hour-later", ago=week - timedelta(minutes=45))
    with time_machine.travel(NOW, tick=False):
        assert notification_health.health()["pending"] == 3
        assert notification_health.health(kalsel.province_id)["pending"] == 3
        assert notification_health.health() == live()
    # A minute later, the row of exactly a week ago has left the window.
    later = NOW + timedelta(minutes=1)
    assert notification_health.health(now=later)["pending"] == 2
    assert notification_health.health(now=later) == live(now=later)


def test_one_query_whatever_the_number_of_notifications(people):
    kalsel, _, _ = people

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            notification_health.health()
            notification_health.health(kalsel.province_id)
        return len(captured)

    few = queries()
    Notification.objects.bulk_create(
        Notification(
            user=kalsel,
            email=kalsel.email,
            kind="test",
            subject="s",
            body="b",
            channel="email",
            status="sent",
            dedupe_key=f"n-{n}",
            created_at=NOW - timedelta(minutes=7 * n),
        )
        for n in range(500)
    )
    assert queries() == few == 2
    # Rows of the rollup: one an hour (of 500 notifications over 58 hours), for the province
    # and for all provinces together, not one a notification.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {notification_health.TABLE}")  # noqa: S608
        assert cursor.fetchone()[0] <= 2 * (7 * 500 // 60 + 2)


def test_rebuild_and_check_data_know_the_rollup(people):
    kalsel, jateng, _ = people
    note(kalsel, "a", ago=timedelta(hours=1))
    note(jateng, "b", status="sent", ago=timedelta(days=2))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {notification_health.TABLE} SET n = n + 5")  # noqa: S608
    problems = notification_health.drift()
    assert problems and all(notification_health.TABLE in problem for problem in problems)
    promise = "The notification health's rollup equals the e-mail notifications it counts"
    assert promise in [violation.promise for violation in invariants.run()]
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert notification_health.drift() == []
    assert promise not in [violation.promise for violation in invariants.run()]
