"""The landing page: the registry in figures, upcoming forums, recent innovations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import ForumSession
from jipp.models import Province
from tests.conftest import client_for
from tests.dashboard.conftest import NOW

pytestmark = pytest.mark.django_db


def test_home_shows_public_figures_and_upcoming_public_forums_only(world, anon):
    kalsel = Province.objects.get(code="63")
    ForumSession.objects.create(
        title="FRIPP Draf", status="draft", host_province=kalsel,
        starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2),
    )  # fmt: skip
    response = client_for(anon).get("/")
    assert response.status_code == 200
    assert response.context["figures"] == {
        "innovations": 4, "replications": 3, "provinces": 2, "forums": 2
    }  # fmt: skip
    upcoming = list(response.context["upcoming"])
    assert [session.status for session in upcoming] == ["scheduled"]  # not the draft
    html = response.content.decode()
    assert "FRIPP Draf" not in html
    assert upcoming[0].get_absolute_url() in html


def test_home_reads_in_constant_queries(world, anon):
    client = client_for(anon)
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    assert len(captured) <= 8
