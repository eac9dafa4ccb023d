"""python manage.py check_data: verify the promises of DESIGN.md across the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jipp import invariants


class Command(BaseCommand):
    help = (
        "Check across the database what the services promise row by row (a completed plan "
        "has every stage verified, reminders belong to the current round, ...). Prints each "
        "broken promise with the rows concerned; exit status 1 if any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        violations = invariants.run()
        for violation in violations:
            self.stdout.write(self.style.ERROR(violation.describe()))
        if violations:
            raise CommandError(f"{len(violations)} promise(s) broken.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"All {len(invariants.CHECKS)} promises hold."))
