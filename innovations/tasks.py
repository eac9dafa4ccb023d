"""Celery tasks of the catalogue. Thin: the database row decides what happens."""

from __future__ import annotations

from celery import shared_task

from innovations import exports


# Longer than the default limits: a large workbook takes a while. A run past the soft
# limit marks the export failed and tells its owner.
@shared_task(soft_time_limit=900, time_limit=960)
def build_catalogue_export(export_id: int) -> str:
    """Build a large XLSX of the catalogue and send its link to the owner's inbox."""
    return exports.run_export(export_id)
