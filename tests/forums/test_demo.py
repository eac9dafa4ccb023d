"""The forums of the demo story: the eight FRIPPs of 2020 and one coming up, loaded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from forums.display import session_name, session_when
from forums.models import ForumSession
from jipp.models import AuditEvent, Notification, User

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        list(ForumSession.objects.order_by("pk").values_list("pk", "status", "sequence")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_the_demo_forums_tell_the_story_and_load_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    held = ForumSession.objects.filter(starts_at__year=2020).select_related("host_province")
    assert [s.number for s in held] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.host_province.name for s in held] == [
        "Kepulauan Bangka Belitung",
        "Sulawesi Selatan",
        "Jawa Timur",
        "Sumatera Barat",
        "Gorontalo",
        "Kalimantan Selatan",
        "Sumatera Selatan",
        "Jawa Tengah",
    ]
    assert {s.status for s in held} == {"held"}
    kalsel, jateng = held[5], held[7]
    assert session_name(kalsel) == "FRIPP ke-6 · Kalimantan Selatan"
    assert session_when(kalsel).startswith("27 Oktober 2020") and kalsel.mode == "online"
    assert session_when(jateng).startswith("4 November 2020")
    assert [p.innovation.slug for p in kalsel.presentations.select_related("innovation")] == [
        "omspan",
        "menggapai-mimpi-sahabat-rimba",
        "si-terpa-daya-jiwa",
        "mencerdaskan-si-miskin-menjadi-generasi-emas",
    ]
    assert sorted(p.local_name for p in kalsel.outcomes.all()) == [
        "Generasi Emas Banua",
        "Sahabat Hutan Banua",
    ]
    assert [p.local_name for p in jateng.outcomes.all()] == ["Sahabat Rimba Jateng"]

    upcoming = ForumSession.objects.get(status="scheduled")
    assert upcoming.host_province.is_hub
    assert 0 < (upcoming.starts_at - timezone.now()).days <= 31
    assert upcoming.presentations.count() == 2
    inovator = User.objects.get(username="inovator.diy")
    assert Notification.objects.filter(user=inovator, kind="forum_invitation").count() == 1
    answered = upcoming.participants.get(answer="attending")
    assert (answered.institution, answered.answered_by) == (inovator.institution, inovator)

    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before
