from typing import Any

from django.core.management.base import BaseCommand

from jipp.tasks import requeue_notifications


class Command(BaseCommand):
    help = "Queue every e-mail notification that is due and not being sent (what beat does)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = requeue_notifications()
        self.stdout.write(f"{count} notifications queued.")
