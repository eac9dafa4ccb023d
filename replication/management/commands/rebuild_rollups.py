"""python manage.py rebuild_rollups: the dashboards' rollups computed again from the rows."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from jipp import notification_health
from replication import rollup_sql


class Command(BaseCommand):
    help = (
        "Empty the dashboards' rollup tables and compute them again from the live rows, in "
        "one transaction (readers see the old counts until it commits). The triggers keep "
        "them on every change; run this after a bulk load made with the triggers disabled, "
        "or when check_data reports that a rollup differs from its live aggregate."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with transaction.atomic():
            rollup_sql.rebuild()
            notification_health.rebuild()
        with connection.cursor() as cursor:
            sizes = []
            for table in [*rollup_sql.TABLES, notification_health.TABLE]:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our names)
                sizes.append(f"{table.removeprefix('replication_rollup_')} {cursor.fetchone()[0]}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rollups rebuilt in {time.monotonic() - started:.1f} s: " + ", ".join(sizes)
            )
        )
