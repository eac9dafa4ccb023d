"""Forum sessions built through the services, at wall-clock times of their host."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from forums import services
from forums.models import ForumSession
from jipp.models import Province
from tests.conftest import client_for

MEETING = "https://meet.example.org/fripp-kalsel"


def ahead(days: int = 10, hour: int = 9) -> datetime:
    """A naive wall-clock time some days ahead, on the hour."""
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0, tzinfo=None
    )


def session_data(code: str | None = "63", start: datetime | None = None, **changes: Any) -> dict:
    """The data of the session form: times on the host province's clock."""
    host = Province.objects.get(code=code) if code else None
    zone = host.tzinfo if host else Province(timezone="Asia/Jakarta").tzinfo
    starts = (start or ahead()).replace(tzinfo=zone)
    return {
        "title": f"Forum Replikasi Inovasi Pelayanan Publik {host.name if host else 'Nasional'}",
        "number": 6,
        "level": "regional" if host else "national",
        "host_province": host,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "mode": "online",
        "venue": "",
        "meeting_url": MEETING,
        "agenda": "Pembukaan, paparan inovator, diskusi.",
        **changes,
    }


@pytest.fixture
def make_session(forum_admin) -> Callable[..., ForumSession]:
    """A session through the services: a draft, scheduled, or held (started in the past)."""

    def make(status: str = "draft", code: str | None = "63", **changes: Any) -> ForumSession:
        if status == "held" and "start" not in changes:
            changes["start"] = ahead(days=-3)
        start = changes.pop("start", None)
        session = services.create_session(by=forum_admin, data=session_data(code, start, **changes))
        if status in ("scheduled", "held", "cancelled"):
            session = services.schedule_session(session=session, by=forum_admin)
        if status == "held":
            session = services.mark_held(session=session, by=forum_admin)
        if status == "cancelled":
            session = services.cancel_session(session=session, by=forum_admin, reason="Banjir.")
        session.refresh_from_db()
        return session

    return make


@pytest.fixture
def kalsel_office(make_institution):
    return make_institution("Bappeda Provinsi Kalimantan Selatan", "63")


@pytest.fixture
def english():
    """Messages read in English (the source strings), whatever the catalogue says."""
    from django.utils import translation

    with translation.override("en"):
        yield


def english_client(user: Any) -> Any:
    """A signed-in client that reads the portal in English."""
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def language_kept() -> Iterator[None]:
    """A request in English leaves English active in this thread: the next test must not
    inherit it."""
    with translation.override(translation.get_language()):
        yield
