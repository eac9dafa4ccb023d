"""Synthetic FRIPP forums for scale tests (`manage.py generate_data --forums N`).

Sessions spread over the last two years (and a few in the next two months), mostly held,
some cancelled, the future ones scheduled; regional forums hosted mostly by the JIPP hubs,
national and international ones without a host. Each has three to five presentations of
approved innovations, invited institutions of its host province with their attendance,
and its audit trail with past timestamps (forum_created, forum_scheduled, forum_held or
forum_cancelled), as the services would have written it. Numbers ("FRIPP ke-N") count
on per year from what the database has. Seeded: the same database and seed give the same
rows; every run adds sessions.
"""

from __future__ import annotations

import random
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as day_time
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.utils import timezone

from forums.models import (
    DEFAULT_ZONE,
    ForumLevel,
    ForumMode,
    ForumSession,
    ForumStatus,
    Participant,
    Presentation,
)
from innovations.models import Innovation
from jipp.models import AuditEvent, Institution, Province, Role, User

PREFIX = "gen-"
HISTORY_DAYS, AHEAD_DAYS, FUTURE_SHARE = 730, 60, 0.06
CANCELLED_SHARE = 0.08
LEVELS: dict[str, int] = {
    ForumLevel.REGIONAL: 75,
    ForumLevel.NATIONAL: 14,
    ForumLevel.SECTORAL: 8,
    ForumLevel.INTERNATIONAL: 3,
}
MODES: dict[str, int] = {ForumMode.ONLINE: 50, ForumMode.HYBRID: 30, ForumMode.IN_PERSON: 20}
SECTORS = ["Kesehatan", "Pendidikan", "Lingkungan Hidup", "Perizinan", "Kependudukan"]


def _organizer() -> User:
    user, made = User.objects.get_or_create(
        username=f"{PREFIX}forum-admin",
        defaults={"email": f"{PREFIX}forum-admin@example.org", "first_name": "Admin FRIPP"},
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=Role.FORUM_ADMIN))
    return user


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class Builder:
    """Chooses one session's facts; rows are written per batch by `_store`."""

    def __init__(self, rng: random.Random, now: datetime, provinces: list[Province]) -> None:
        self.rng, self.now = rng, now
        self.provinces = provinces
        self.hubs = [province for province in provinces if province.is_hub]
        self.taken: set[tuple[int | None, Any]] = set()  # (host, day): no overlap per host

    def host(self, level: str) -> Province | None:
        if level in (ForumLevel.NATIONAL, ForumLevel.INTERNATIONAL):
            return None
        if level == ForumLevel.REGIONAL and self.rng.random() < 0.7:
            return self.rng.choice(self.hubs)
        return self.rng.choice(self.provinces)

    def session(self, organizer: User) -> ForumSession:
        rng, now = self.rng, self.now
        level = _pick(rng, LEVELS)
        host = self.host(level)
        zone = host.tzinfo if host else zoneinfo.ZoneInfo(DEFAULT_ZONE)
        for _ in range(20):
            if rng.random() < FUTURE_SHARE:
                day = (now + timedelta(days=rng.uniform(3, AHEAD_DAYS))).astimezone(zone).date()
            else:
                day = (now - timedelta(days=rng.uniform(2, HISTORY_DAYS))).astimezone(zone).date()
            if (host.pk if host else None, day) not in self.taken:
                break
        self.taken.add((host.pk if host else None, day))
        starts = datetime.combine(day, day_time(rng.choice([8, 9, 9, 10, 13])), zone)
        ends = starts + timedelta(hours=rng.choice([2, 3, 3, 4, 6]))
        mode = _pick(rng, MODES)
        if starts > now:
            status = ForumStatus.SCHEDULED
        elif rng.random() < CANCELLED_SHARE:
            status = ForumStatus.CANCELLED
        else:
            status = ForumStatus.HELD
        where = host.name if host else "Nasional"
        if level == ForumLevel.SECTORAL:
            title = f"FRIPP Sektor {rng.choice(SECTORS)} {where}"
        elif level == ForumLevel.INTERNATIONAL:
            title = "FRIPP Internasional"
        else:
            title = f"FRIPP {where}"
        return ForumSession(
            title=f"{title} {day.year}",
            level=level,
            host_province=host,
            starts_at=starts,
            ends_at=ends,
            mode=mode,
            venue="" if mode == ForumMode.ONLINE else f"Aula Bappeda {where}",
            meeting_url=""
            if mode == ForumMode.IN_PERSON
            else f"https://meet.example.org/fripp-{rng.randrange(10**8)}",
            agenda="Pemaparan inovasi, diskusi, dan pemilihan inovasi untuk direplikasi.",
            status=status,
            cancel_reason="Bertepatan dengan agenda daerah." if status == "cancelled" else "",
            organizer=organizer,
        )


def _numbers(sessions: list[ForumSession]) -> None:
    """FRIPP ke-N per year, in date order, after the numbers the year already has."""
    years = {session.starts_at.year for session in sessions}
    highest = dict(
        ForumSession.objects.annotate(year=ExtractYear("starts_at"))
        .filter(year__in=years)
        .values_list("year")
        .annotate(top=Max("number"))
    )
    counters: dict[int, int] = defaultdict(int, {y: n or 0 for y, n in highest.items()})
    for session in sorted(sessions, key=lambda s: s.starts_at):
        if session.status != ForumStatus.CANCELLED:
            counters[session.starts_at.year] += 1
            session.number = counters[session.starts_at.year]


def _store(
    rng: random.Random,
    sessions: list[ForumSession],
    organizer: User,
    innovations: list[int],
    institutions: dict[int, list[int]],
) -> None:
    forum_type = ContentType.objects.get_for_model(ForumSession)
    with transaction.atomic():
        _numbers(sessions)
        ForumSession.objects.bulk_create(sessions)
        presentations, participants, events = [], [], []
        for session in sessions:
            created = session.starts_at - timedelta(days=rng.uniform(30, 60))
            scheduled = created + timedelta(days=rng.uniform(1, 10))
            for order, innovation_id in enumerate(rng.sample(innovations, rng.randint(3, 5)), 1):
                presentations.append(
                    Presentation(session=session, innovation_id=innovation_id, order=order)
                )
            offices = institutions.get(session.host_province_id or 0, [])
            for institution_id in rng.sample(offices, min(len(offices), rng.randint(3, 6))):
                attended = rng.random() < 0.85 if session.status == ForumStatus.HELD else None
                participants.append(
                    Participant(
                        session=session,
                        institution_id=institution_id,
                        attended=attended,
                        invited_at=scheduled,
                    )
                )

            history: list[tuple[str, datetime, str, str]] = [
                ("forum_created", created, "", ForumStatus.DRAFT),
                ("forum_scheduled", scheduled, ForumStatus.DRAFT, ForumStatus.SCHEDULED),
            ]
            if session.status == ForumStatus.HELD:
                history.append(
                    ("forum_held", session.ends_at + timedelta(hours=2), "scheduled", "held")
                )
            elif session.status == ForumStatus.CANCELLED:
                moment = session.starts_at - timedelta(days=rng.uniform(1, 14))
                history.append(("forum_cancelled", moment, "scheduled", "cancelled"))
            events += [
                AuditEvent(
                    actor=organizer,
                    action=action,
                    target_type=forum_type,
                    target_id=session.pk,
                    from_status=before,
                    to_status=after,
                    created_at=when,
                )
                for action, when, before, after in history
            ]
        Presentation.objects.bulk_create(presentations, ignore_conflicts=True)
        Participant.objects.bulk_create(participants, ignore_conflicts=True)
        AuditEvent.objects.bulk_create(sorted(events, key=lambda e: e.created_at))


def generate_forums(
    count: int, *, seed: int = 2020, batch_size: int = 5000, progress: Callable[[str], object]
) -> int:
    """Add `count` forum sessions with presentations, participants and history."""
    if count <= 0:
        return 0
    innovations = list(Innovation.objects.public().values_list("pk", flat=True))
    if len(innovations) < 5:
        progress("forums: fewer than five approved innovations; run --innovations first")
        return 0
    provinces = list(Province.objects.all())
    institutions: dict[int, list[int]] = defaultdict(list)
    for province_id, pk in Institution.objects.filter(province__isnull=False).values_list(
        "province_id", "pk"
    ):
        institutions[province_id].append(pk)
    start = ForumSession.objects.aggregate(top=Max("id"))["top"] or 0
    rng = random.Random(seed * 104_729 + start)  # noqa: S311 (new sessions on a re-run)
    organizer = _organizer()
    builder = Builder(rng, timezone.now(), provinces)
    started, done = time.monotonic(), 0
    for offset in range(0, count, batch_size):
        size = min(batch_size, count - offset)
        sessions = [builder.session(organizer) for _ in range(size)]
        _store(rng, sessions, organizer, innovations, institutions)
        done += size
        progress(f"forums: {done}/{count} in {time.monotonic() - started:.1f} s")
    return done
