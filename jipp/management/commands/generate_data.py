"""Fill the database with synthetic approved data for scale tests and benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from forums.synthetic import generate_forums
from innovations.synthetic import generate_innovations
from innovations.synthetic_kits import generate_kits
from replication import rollup_sql
from replication.synthetic_interest import generate_interest
from replication.synthetic_plans import generate_plans

# One generator per kind of data, in the order they run: --<kind> N adds N rows of it.
# Each is called as generator(count, seed=, batch_size=, progress=) and returns how many
# rows it made. Plans need innovations, forums need both: keep this order.
GENERATORS: dict[str, Callable[..., int]] = {
    "innovations": generate_innovations,
    "kits": generate_kits,  # replication kit documents of innovations without one
    "plans": generate_plans,  # replication plans with stages, history and reminders
    "forums": generate_forums,  # FRIPP sessions with presentations, participants, history
    "interest": generate_interest,  # provinces' declared interest in innovations
}


class Command(BaseCommand):
    help = (
        "Add synthetic approved data for scale tests. Every run ADDS rows (run it twice "
        "with --innovations 1000 and there are 2000); institutions it makes are reused."
    )

    def add_arguments(self, parser: Any) -> None:
        for kind in GENERATORS:
            parser.add_argument(f"--{kind}", type=int, default=0, metavar="N", help=f"add N {kind}")
        parser.add_argument(
            "--seed",
            type=int,
            default=2020,
            help="random seed (default 2020): same seed and same database give the same rows",
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="rows per transaction (default 5000)"
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production. Synthetic innovations would be "
                "published in the public registry. Pass --force if you really mean it."
            )
        if any(options[kind] < 0 for kind in GENERATORS):
            raise CommandError("Counts must be zero or more.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if any(options[kind] for kind in GENERATORS):
            # The dashboards' rollup triggers make COPY ten times slower: off for this
            # session, and the rollups rebuilt once at the end (replication/rollup_sql.py).
            with rollup_sql.rollups_off():
                for kind, generate in GENERATORS.items():
                    if options[kind]:
                        made = generate(
                            options[kind],
                            seed=options["seed"],
                            batch_size=options["batch_size"],
                            progress=self.stdout.write,
                        )
                        self.stdout.write(self.style.SUCCESS(f"Added {made} {kind}."))
                started = time.monotonic()  # what follows is the rebuild
            self.stdout.write(f"Rollups rebuilt in {time.monotonic() - started:.1f} s.")
        if any(options[kind] for kind in GENERATORS):
            # Bulk loads leave the planner with the old table sizes, and the visibility map
            # empty, until autovacuum comes round (and it may be off, as on our machines):
            # without VACUUM no count could be read from an index alone.
            # (VACUUM cannot run inside a transaction, as when a test calls the command.)
            started = time.monotonic()
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(command)
            self.stdout.write(f"{command} in {time.monotonic() - started:.1f} s.")
