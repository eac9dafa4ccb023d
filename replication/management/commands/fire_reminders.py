from typing import Any

from django.core.management.base import BaseCommand

from replication.sweep import BATCH_SIZE, fire_due_reminders


class Command(BaseCommand):
    help = "Fire every stage reminder that is due now: one sweep, what beat does every two minutes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"rows per transaction (default {BATCH_SIZE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = fire_due_reminders(batch_size=max(1, options["batch_size"]))
        self.stdout.write(
            f"{result.fired} reminders fired, {result.cancelled} cancelled (stage finished or "
            f"plan no longer approved), {result.notifications} notifications written."
        )
