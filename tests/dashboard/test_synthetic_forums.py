"""`generate_data --forums`: two years of sessions, mostly held, with their history."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from forums.models import ForumSession, Participant, Presentation
from jipp.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_generate_forums_writes_sessions_programmes_and_history(
    make_innovation, make_institution, settings
):
    settings.DEBUG = True
    for n in range(6):
        make_innovation(f"Inovasi {n}")
    for code in ("63", "33", "35"):
        make_institution(f"Dinas Sosial {code}", code)
    call_command("generate_data", "--forums", "40", stdout=io.StringIO())
    sessions = ForumSession.objects.all()
    assert sessions.count() == 40
    now = timezone.now()
    assert not sessions.filter(status="held", starts_at__gt=now).exists()
    assert not sessions.filter(status="scheduled", starts_at__lt=now).exists()
    assert sessions.filter(status="held").count() > 25
    oldest = sessions.order_by("starts_at").first()
    assert (now - oldest.starts_at).days <= 731
    assert Presentation.objects.count() >= 3 * 40
    assert not Presentation.objects.exclude(innovation__status="approved").exists()
    assert Participant.objects.exists()
    held = AuditEvent.objects.filter(action="forum_held")
    assert held.count() == sessions.filter(status="held").count()
    assert not held.filter(created_at__gt=now).exists()
    numbered = sessions.exclude(status="cancelled")
    assert not numbered.filter(number__isnull=True).exists()
