"""Synthetic declared interest for scale tests (`manage.py generate_data --interest N`).

Open interest of random provinces in random approved innovations (one per province and
innovation, as the services keep it), about one in ten withdrawn, declared over the last
year, so the demand view's filters and pages have something to sort. Seeded: the same
database and seed give the same rows. Every run adds interest for pairs not taken yet.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from innovations.models import Innovation
from jipp.models import Province
from replication.interest import Interest, InterestStatus

NOTES = [
    "Sejalan dengan program prioritas daerah.",
    "Perlu SOP dan rincian anggaran sebelum diajukan.",
    "Akan dibahas bersama perangkat daerah terkait.",
    "",
]


def generate_interest(
    count: int,
    *,
    seed: int = 2020,
    batch_size: int = 5000,
    progress: Callable[[str], object] = print,
) -> int:
    rng = random.Random(seed + Interest.objects.count())  # noqa: S311 - test data, not secrets
    innovations = list(Innovation.objects.public().values_list("pk", flat=True))
    provinces = list(Province.objects.values_list("pk", flat=True))
    if not innovations or not provinces:
        progress("No approved innovations or provinces: no interest generated.")
        return 0
    taken = set(
        Interest.objects.exclude(status=InterestStatus.WITHDRAWN).values_list(
            "innovation_id", "province_id"
        )
    )
    count = min(count, len(innovations) * len(provinces) - len(taken))
    now = timezone.now()
    made = 0
    while made < count:
        rows = []
        for _ in range(min(batch_size, count - made)):
            for _try in range(50):
                pair = (rng.choice(innovations), rng.choice(provinces))
                if pair not in taken:
                    break
            else:
                continue
            taken.add(pair)
            declared = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1439))
            rows.append(
                Interest(
                    innovation_id=pair[0],
                    province_id=pair[1],
                    note=rng.choice(NOTES),
                    status=InterestStatus.WITHDRAWN if rng.random() < 0.1 else InterestStatus.OPEN,
                    created_at=declared,
                    updated_at=declared,
                )
            )
        if not rows:
            break
        with transaction.atomic():
            Interest.objects.bulk_create(rows)
        made += len(rows)
        progress(f"interest: {made:,} of {count:,}")
    return made
