from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from innovations import similarity


class Command(BaseCommand):
    help = (
        "Compute the similar innovations of every approved innovation, and what the provinces "
        "replicating it also replicate, in batches (after a bulk load or an import; "
        "approvals, updates and plan decisions do it by themselves)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="innovations per transaction"
        )
        parser.add_argument(
            "--missing", action="store_true", help="only those without any stored yet"
        )

    def handle(
        self, *args: Any, batch_size: int = 1000, missing: bool = False, **options: Any
    ) -> None:
        began = time.monotonic()
        done = found = 0
        for batch in similarity.approved_ids(batch_size=max(1, batch_size), missing=missing):
            found += similarity.refresh_similar(batch)
            similarity.refresh_also_replicated(batch)
            done += len(batch)
            self.stdout.write(f"similar innovations: {done} in {time.monotonic() - began:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Similar innovations stored for {done} innovations ({found} have some)."
            )
        )
