"""The replication part of the demo story: the plans of replication.demo_story, replayed.

Kalimantan Selatan's Generasi Emas Banua and Sahabat Hutan Banua and Jawa Tengah's
Sahabat Rimba Jateng: filed after the FRIPPs of October and November 2020, approved in
early 2021, completed in 2022 with their results and legal basis, every row dated when it
happened. Beside them this year's plans of the other demo innovations: approved ones with
stages due around today, a stage and a plan waiting for the ministry. Idempotent: a plan
found by its natural key (province, adopting office, innovation) is left alone.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from innovations.models import Innovation
from jipp.models import Institution, InstitutionKind, Province, User
from replication import demo_replay
from replication.demo_live import LIVE
from replication.demo_story import ADOPTERS, HISTORY


def _adopters() -> None:
    """The offices of the live plans, beside jipp.demo's cast."""
    for name, code, parent in ADOPTERS:
        province = Province.objects.get(code=code)
        Institution.objects.get_or_create(
            name=name,
            province=province,
            defaults={
                "slug": slugify(name)[:200],
                "kind": InstitutionKind.PROVINCE_GOV,
                "parent": Institution.objects.filter(name=parent).first(),
            },
        )


@transaction.atomic
def seed() -> list[str]:
    if not User.objects.filter(username="kemenpan").exists():
        return []
    _adopters()
    approved = set(Innovation.objects.public().values_list("slug", flat=True))
    now, created = timezone.now(), []
    for story in [*HISTORY, *LIVE]:
        if story.innovation not in approved or demo_replay.exists(story):
            continue
        demo_replay.replay(story, now)
        created.append(story.local_name)
    return created
