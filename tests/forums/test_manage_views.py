"""The management pages through HTTP: who may, what the forms accept, what they refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forums import services
from forums.models import ForumSession
from jipp.models import Notification
from tests.conftest import client_for
from tests.forums.conftest import ahead

pytestmark = pytest.mark.django_db


def form(**changes) -> dict:
    start = ahead(days=14)
    return {
        "title": "Forum Replikasi Inovasi Pelayanan Publik Provinsi Kalimantan Selatan",
        "number": "6",
        "level": "regional",
        "host_province": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "online",
        "venue": "",
        "meeting_url": "https://meet.example.org/fripp",
        "agenda": "Paparan.",
        **changes,
    }


@pytest.fixture
def kalsel_id():
    from jipp.models import Province

    return str(Province.objects.get(code="63").pk)


@pytest.fixture
def admin_client(forum_admin):
    client = client_for(forum_admin)
    client.cookies["django_language"] = "en"
    return client


def test_a_forum_admin_creates_a_session_in_the_hosts_local_time(admin_client, kalsel_id):
    response = admin_client.post("/forums/new/", form(host_province=kalsel_id))
    session = ForumSession.objects.get()
    assert response.status_code == 302 and response.url == f"/forums/{session.pk}/manage/"
    local = session.starts_at.astimezone(session.tzinfo)
    assert (local.hour, local.utcoffset()) == (ahead().hour, timedelta(hours=8))  # 09:00 WITA
    assert session.status == "draft"


def test_the_edit_form_shows_the_local_time(admin_client, make_session):
    session = make_session()
    html = admin_client.get(f"/forums/{session.pk}/edit/").content.decode()
    assert session.starts_at.astimezone(session.tzinfo).strftime("%Y-%m-%dT09:00") in html


def test_a_bad_form_saves_nothing_and_says_why(admin_client, kalsel_id):
    start = ahead(days=14)
    data = form(
        host_province=kalsel_id, ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    response = admin_client.post("/forums/new/", data)
    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()
    response = admin_client.post("/forums/new/", form(level="regional"))
    assert "A regional forum needs its host province." in response.content.decode()
    assert not ForumSession.objects.exists()


def test_an_overlapping_session_is_refused_in_the_form_naming_the_other(
    admin_client, make_session, kalsel_id
):
    make_session("scheduled", start=ahead(days=14))
    response = admin_client.post("/forums/new/", form(host_province=kalsel_id, number="7"))
    assert response.status_code == 200
    assert "already hosts FRIPP ke-6 · Kalimantan Selatan" in response.content.decode()
    assert ForumSession.objects.count() == 1


def test_a_stale_edit_form_is_refused(admin_client, make_session, forum_admin, kalsel_id):
    session = make_session()
    stale = services.version_of(session)
    services.update_session(session=session, by=forum_admin, data={"title": "Baru"}, version=stale)
    data = form(host_province=kalsel_id, version=str(stale))
    response = admin_client.post(f"/forums/{session.pk}/edit/", data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    session.refresh_from_db()
    assert session.title == "Baru"


def test_editing_a_held_session_redirects_with_the_reason(admin_client, make_session):
    session = make_session("held")
    response = admin_client.get(f"/forums/{session.pk}/edit/", follow=True)
    assert "only its attendance, outcomes and materials can change now" in response.content.decode()


@pytest.mark.parametrize("who", ["anon", "innovator_diy", "bappeda_kalsel", "bappeda_jateng"])
def test_nobody_else_manages_forums(persona, who, make_session, make_innovation):
    session = make_session()
    client = client_for(persona(who))
    expected = 302 if who == "anon" else 403
    assert client.get("/forums/new/").status_code == expected
    assert client.get(f"/forums/{session.pk}/manage/").status_code == expected
    assert client.post(f"/forums/{session.pk}/schedule/").status_code == expected
    assert (
        client.post(f"/forums/{session.pk}/presentations/", {"innovation": "x"}).status_code
        == expected
    )
    session.refresh_from_db()
    assert session.status == "draft"


def test_the_whole_run_through_the_pages(
    admin_client, make_session, make_innovation, bappeda_kalsel, innovator_diy
):
    session = make_session(start=ahead(days=-1))
    base = f"/forums/{session.pk}"
    omspan = make_innovation("Omspan")
    make_innovation("Si Jaga Hutan", status="submitted")
    assert admin_client.post(f"{base}/presentations/", {"innovation": "Omspan"}).status_code == 302
    refused = admin_client.post(f"{base}/presentations/", {"innovation": "Si Jaga Hutan"})
    # A submitted innovation is not public: the picker's field does not even name it.
    assert "Not found" in refused.content.decode()
    assert session.presentations.count() == 1
    again = admin_client.post(f"{base}/presentations/", {"innovation": omspan.slug})
    assert "already on the programme" in again.content.decode()
    admin_client.post(f"{base}/invite/", {"institution": "Bappeda Provinsi Kalimantan Selatan"})
    admin_client.post(f"{base}/invite/", {"email": "tamu@example.org"})
    assert session.participants.count() == 2
    assert admin_client.post(f"{base}/schedule/").status_code == 302
    assert Notification.objects.filter(kind="forum_invitation").count() == 2
    assert admin_client.post(f"{base}/held/").status_code == 302
    guest = session.participants.get(institution__isnull=False)
    admin_client.post(f"{base}/attendance/", {f"attended-{guest.pk}": "yes"})
    guest.refresh_from_db()
    assert guest.attended is True
    rimba = make_innovation("Sahabat Rimba", innovator=innovator_diy.institution)
    assert admin_client.post(f"{base}/outcomes/", {"innovation": rimba.slug}).status_code == 302
    duplicate = admin_client.post(f"{base}/outcomes/", {"innovation": rimba.slug})
    assert "already recorded" in duplicate.content.decode()
    assert session.outcomes.get().province.code == "63"


def test_cancel_needs_a_reason_in_the_form(admin_client, make_session):
    session = make_session("scheduled")
    response = admin_client.post(f"/forums/{session.pk}/cancel/", {"reason": ""})
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == "scheduled"
    admin_client.post(f"/forums/{session.pk}/cancel/", {"reason": "Banjir."})
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("cancelled", "Banjir.")


def test_an_unknown_session_or_presentation_is_404(admin_client, make_session):
    session = make_session()
    assert admin_client.get("/forums/999999/manage/").status_code == 404
    assert (
        admin_client.post(f"/forums/{session.pk}/presentations/999999/remove/").status_code == 404
    )


def test_inviting_an_institution_nobody_can_receive_for_says_so(
    admin_client, make_session, make_institution, bappeda_kalsel
):
    session = make_session()
    empty = make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63")
    response = admin_client.post(
        f"/forums/{session.pk}/invite/", {"institution": empty.name}, follow=True
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "nobody there has an account" in said and empty.name in said
    assert session.participants.filter(institution=empty).exists()
    response = admin_client.post(
        f"/forums/{session.pk}/invite/",
        {"institution": "Bappeda Provinsi Kalimantan Selatan"},
        follow=True,
    )
    assert "nobody there" not in " ".join(str(m) for m in response.context["messages"])


def test_mark_as_held_is_offered_only_once_the_session_has_started(admin_client, make_session):
    upcoming = make_session("scheduled")
    started = make_session("scheduled", start=ahead(days=-1))
    assert "/held/" not in admin_client.get(f"/forums/{upcoming.pk}/manage/").content.decode()
    assert (
        f"/forums/{started.pk}/held/"
        in admin_client.get(f"/forums/{started.pk}/manage/").content.decode()
    )
