"""Celery tasks of replication. Thin: the database row decides what happens."""

from __future__ import annotations

from celery import shared_task

from replication import exports


@shared_task(soft_time_limit=900, time_limit=960)
def build_plan_export(export_id: int) -> str:
    """Build a large XLSX of replication plans and send its link to the owner's inbox."""
    return exports.run_export(export_id)
