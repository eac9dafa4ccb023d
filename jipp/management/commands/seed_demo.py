from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from jipp.demo import USERS

# Each app adds its part of the story; they run in this order.
STEPS = [
    "jipp.demo.seed",
    "innovations.demo.seed",
    "innovations.demo_kits.seed",
    "replication.demo.seed",
    "forums.demo.seed",
    "replication.demo_interest.seed",
    "forums.demo_materials.seed",
    "innovations.similarity.seed",  # last: every demo innovation is approved by then
]


class Command(BaseCommand):
    help = "Load the demo story of DOMAIN.md (safe to run again: it changes nothing twice)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo accounts with a known "
                "password would be created. Pass --force if you really mean it."
            )
        for step in STEPS:
            created = import_string(step)()
            if created:
                self.stdout.write(f"{step}: created {', '.join(created)}")
        self.stdout.write(self.style.SUCCESS("Demo story loaded."))
        self.stdout.write(
            f"\nJIPP runs at {settings.SITE_URL}/ — demo logins, password "
            f"{settings.DEMO_PASSWORD!r}:\n"
            + "\n".join(f"  {user.username:<16} {user.role or 'superuser'}" for user in USERS)
        )
