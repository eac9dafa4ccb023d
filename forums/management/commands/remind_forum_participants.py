from typing import Any

from django.core.management.base import BaseCommand

from forums.reminders import remind_participants


class Command(BaseCommand):
    help = "Remind the participants of forums whose reminder moment has come (what beat does)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = remind_participants()
        self.stdout.write(f"{count} forum reminders created.")
