"""The export pipeline's own promise: a large export whose task was lost is built all the same."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jipp import exports
from jipp.models import Export, ExportStatus, Notification
from tests.innovations.test_exports import registry  # noqa: F401 - a fixture


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def export_of(user, *, created_ago: timedelta, queued_ago: timedelta | None = None) -> Export:
    now = timezone.now()
    return Export.objects.create(
        user=user,
        kind="innovations",
        params="province=63",
        created_at=now - created_ago,
        queued_at=None if queued_ago is None else now - queued_ago,
    )


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_task_never_reached_redis_is_queued_again_and_built(
    registry,  # noqa: F811
    ministry,
    settings,
    tmp_path,
    celery_worker,
):
    settings.MEDIA_ROOT = tmp_path
    lost = export_of(ministry, created_ago=timedelta(minutes=2))
    assert exports.requeue_exports() == 1
    assert wait_for(lambda: Export.objects.get(pk=lost.pk).status != ExportStatus.PENDING)
    lost.refresh_from_db()
    assert (lost.status, lost.row_count) == (ExportStatus.READY, 2)
    assert lost.queued_at is not None
    ready = Notification.objects.get(user=ministry, kind="export_ready")
    assert ready.url == lost.get_absolute_url()


@pytest.mark.django_db
def test_a_fresh_or_recently_queued_export_is_left_to_its_task(ministry):
    export_of(ministry, created_ago=timedelta(seconds=10))  # the click's own task may come
    export_of(ministry, created_ago=timedelta(minutes=5), queued_ago=timedelta(minutes=5))
    assert exports.requeue_exports() == 0


@pytest.mark.django_db
def test_an_export_queued_long_ago_and_never_built_is_queued_again(ministry):
    stalled = export_of(ministry, created_ago=timedelta(hours=1), queued_ago=timedelta(hours=1))
    export_of(ministry, created_ago=timedelta(hours=1)).delete()
    assert exports.requeue_exports() == 1
    stalled.refresh_from_db()
    assert stalled.queued_at is not None
    assert stalled.queued_at > timezone.now() - timedelta(minutes=1)
    assert exports.requeue_exports() == 0  # queued just now: left alone


@pytest.mark.django_db
def test_every_kind_of_download_is_registered_with_the_pipeline():
    exports.kind_named("innovations")  # imports every app's exports module
    from replication.dashboard import report

    assert {"innovations", "replication_plans", report.KIND} <= set(exports.KINDS)
