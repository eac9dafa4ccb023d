"""A reschedule says who was told and what changed; the old invitation is marked in the
inbox; a draft can be deleted; a guest can be taken off a scheduled session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from forums import programme, services
from forums.display import session_when
from forums.models import ForumSession, Participant
from jipp.models import AuditEvent, Notification, User
from tests.conftest import client_for
from tests.forums.conftest import ahead
from tests.forums.conftest import english_client as english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_kept")]

GUEST = "tamu@example.org"


@pytest.fixture
def scheduled(forum_admin, make_session, kalsel_office, bappeda_kalsel, make_user):
    """Scheduled; the Kalsel Bappeda (ahmad, rina) and a guest by e-mail are invited."""
    session = make_session()
    make_user("rina", institution=kalsel_office, language="en")
    programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    programme.invite_email(session=session, by=forum_admin, email=GUEST)
    return services.schedule_session(session=session, by=forum_admin)


def edit_form(session, **changes) -> dict:
    local = session.starts_at.astimezone(session.tzinfo)
    data = {
        "title": session.title,
        "number": session.number,
        "level": session.level,
        "host_province": session.host_province_id,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": session.ends_at.astimezone(session.tzinfo).strftime("%Y-%m-%dT%H:%M"),
        "mode": session.mode,
        "venue": session.venue,
        "meeting_url": session.meeting_url,
        "agenda": session.agenda,
        "version": services.version_of(session),
    }
    return {**data, **changes}


# Rescheduling ------------------------------------------------------------------------


def test_rescheduling_says_how_many_participants_were_told(scheduled, forum_admin):
    later = (scheduled.starts_at + timedelta(days=1)).astimezone(scheduled.tzinfo)
    data = edit_form(
        scheduled,
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = english(forum_admin).post(f"/forums/{scheduled.pk}/edit/", data, follow=True)
    assert "The update with the new details went to 3 participants." in response.content.decode()
    assert Notification.objects.filter(kind="forum_update").count() == 3


def test_an_edit_nobody_is_told_of_says_only_saved(scheduled, forum_admin):
    response = english(forum_admin).post(
        f"/forums/{scheduled.pk}/edit/", edit_form(scheduled, agenda="Baru."), follow=True
    )
    html = response.content.decode()
    assert "Changes saved." in html and "went to" not in html


def test_the_update_shows_old_and_new_time_mode_venue_and_link(scheduled, forum_admin, english):
    before = session_when(scheduled)
    session = services.update_session(
        session=scheduled,
        by=forum_admin,
        data={
            "starts_at": scheduled.starts_at + timedelta(days=1),
            "ends_at": scheduled.ends_at + timedelta(days=1),
            "mode": "hybrid",
            "venue": "Aula Bappeda Kalsel",
            "meeting_url": "https://meet.example.org/baru",
        },
        version=services.version_of(scheduled),
    )
    note = Notification.objects.get(kind="forum_update", user__username="rina")
    assert f"When: {before} → {session_when(session)}" in note.body
    assert "Mode: Online → Hybrid" in note.body
    assert "Venue: (none) → Aula Bappeda Kalsel" in note.body
    assert (
        "Meeting link: https://meet.example.org/fripp-kalsel → https://meet.example.org/baru"
        in (note.body)
    )
    assert "earlier answers were cleared" in note.body
    # The inbox row shows the first forty words: the changes come first.
    assert note.body.index("→") < 200


def test_the_guests_update_carries_a_fresh_answer_link(scheduled, forum_admin):
    services.update_session(
        session=scheduled,
        by=forum_admin,
        data={"venue": "Aula"},
        version=services.version_of(scheduled),
    )
    note = Notification.objects.get(kind="forum_update", email=GUEST, user=None)
    assert "/forums/answer/" in note.body
    assert note.url.startswith("/forums/answer/")  # the e-mail's button opens the answer page


def test_the_superseded_invitation_is_marked_as_changed_in_the_inbox(
    scheduled, forum_admin, bappeda_kalsel
):
    client = english(bappeda_kalsel)
    assert "Changed since" not in client.get("/inbox/").content.decode()
    services.update_session(
        session=scheduled,
        by=forum_admin,
        data={"venue": "Aula"},
        version=services.version_of(scheduled),
    )
    html = client.get("/inbox/").content.decode()
    assert html.count("Changed since: see the latest notice") == 1
    invitation = Notification.objects.get(user=bappeda_kalsel, kind="forum_invitation")
    rows = html.split('<li class="list-group-item')
    marked = [row for row in rows if "Changed since" in row]
    assert len(marked) == 1 and f"/inbox/{invitation.pk}/" in marked[0]


# Deleting a draft --------------------------------------------------------------------


def test_a_forum_admin_deletes_a_draft_after_confirming(forum_admin, make_session, kalsel_office):
    draft = make_session()
    programme.invite_institution(session=draft, by=forum_admin, institution=kalsel_office)
    client = english(forum_admin)
    page = client.get(f"/forums/{draft.pk}/delete/")
    assert page.status_code == 200 and "Delete this draft?" in page.content.decode()
    assert ForumSession.objects.filter(pk=draft.pk).exists()
    response = client.post(f"/forums/{draft.pk}/delete/", follow=True)
    assert "Draft deleted" in response.content.decode()
    assert not ForumSession.objects.filter(pk=draft.pk).exists()
    assert not Participant.objects.exists()
    event = AuditEvent.objects.get(action="forum_deleted")
    assert (event.actor, event.target_id, event.from_status) == (forum_admin, draft.pk, "draft")
    assert not Notification.objects.exists()


def test_a_scheduled_session_is_not_deleted(scheduled, forum_admin):
    client = english(forum_admin)
    for method in (client.get, client.post):
        response = method(f"/forums/{scheduled.pk}/delete/", follow=True)
        assert "Only a draft can be deleted" in response.content.decode()
    assert ForumSession.objects.filter(pk=scheduled.pk).exists()


def test_only_forum_staff_delete_drafts(make_session, bappeda_kalsel, innovator_diy, anon):
    draft = make_session()
    for user in (bappeda_kalsel, innovator_diy):
        assert client_for(user).post(f"/forums/{draft.pk}/delete/").status_code == 403
    assert client_for(anon).post(f"/forums/{draft.pk}/delete/").status_code == 302
    assert ForumSession.objects.filter(pk=draft.pk).exists()
    assert client_for(bappeda_kalsel).get("/forums/999999/delete/").status_code == 403


# Removing a guest --------------------------------------------------------------------


def test_a_removed_guest_is_told_once_with_a_cancelling_calendar_file(scheduled, forum_admin):
    guest = scheduled.participants.get(email=GUEST)
    client = english(forum_admin)
    url = f"/forums/{scheduled.pk}/participants/{guest.pk}/remove/"
    response = client.post(url, follow=True)
    assert f"{GUEST} was removed from the guest list; 1 person was told." in (
        response.content.decode()
    )
    note = Notification.objects.get(kind="forum_removal")
    assert (note.email, note.user) == (GUEST, None)
    calendar = Calendar.from_ical(note.attachment)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.events[0]["STATUS"] == "CANCELLED"
    assert calendar.events[0]["SEQUENCE"] == scheduled.sequence
    assert "meet.example.org" not in note.attachment  # the link is no longer theirs
    assert client.post(url).status_code == 404  # already gone: nobody is told twice
    assert Notification.objects.filter(kind="forum_removal").count() == 1
    assert AuditEvent.objects.filter(action="forum_uninvited").count() == 1


def test_removing_an_institution_tells_its_users_but_not_those_still_invited(
    scheduled, forum_admin, bappeda_kalsel
):
    programme.invite_email(session=scheduled, by=forum_admin, email=bappeda_kalsel.email)
    office = scheduled.participants.get(institution__isnull=False)
    told = programme.remove_participant(participant=office, by=forum_admin)
    assert told == 1
    assert [n.user.username for n in Notification.objects.filter(kind="forum_removal")] == ["rina"]


def test_removing_a_guest_from_a_draft_tells_nobody(forum_admin, make_session):
    draft = make_session()
    guest = programme.invite_email(session=draft, by=forum_admin, email=GUEST)
    response = english(forum_admin).post(
        f"/forums/{draft.pk}/participants/{guest.pk}/remove/", follow=True
    )
    assert f"{GUEST} was removed from the guest list." in response.content.decode()
    assert not Participant.objects.exists() and not Notification.objects.exists()


def test_a_guest_invited_again_after_removal_gets_the_invitation_again(scheduled, forum_admin):
    guest = scheduled.participants.get(email=GUEST)
    programme.remove_participant(participant=guest, by=forum_admin)
    programme.invite_email(session=scheduled, by=forum_admin, email=GUEST)
    assert Notification.objects.filter(kind="forum_invitation", email=GUEST).count() == 2


def test_a_held_session_keeps_its_guests(scheduled, forum_admin):
    from forums.models import ForumStatus

    ForumSession.objects.filter(pk=scheduled.pk).update(status=ForumStatus.HELD)
    guest = scheduled.participants.get(email=GUEST)
    response = english(forum_admin).post(
        f"/forums/{scheduled.pk}/participants/{guest.pk}/remove/", follow=True
    )
    assert "only its attendance, outcomes and materials can change now" in response.content.decode()
    assert Participant.objects.filter(pk=guest.pk).exists()


def test_only_forum_staff_remove_guests_and_only_of_their_session(
    scheduled, make_session, forum_admin, bappeda_kalsel, anon
):
    guest = scheduled.participants.get(email=GUEST)
    url = f"/forums/{scheduled.pk}/participants/{guest.pk}/remove/"
    assert client_for(bappeda_kalsel).post(url).status_code == 403
    assert client_for(anon).post(url).status_code == 302
    assert client_for(forum_admin).get(url).status_code == 405
    other = make_session(code="33")
    wrong = f"/forums/{other.pk}/participants/{guest.pk}/remove/"
    assert client_for(forum_admin).post(wrong).status_code == 404
    assert Participant.objects.filter(pk=guest.pk).exists()
    assert not Notification.objects.filter(kind="forum_removal").exists()


@pytest.mark.parametrize("sessions", [1, 4])
def test_marking_replaced_invitations_costs_one_query_however_many_sessions(
    forum_admin, make_session, kalsel_office, bappeda_kalsel, sessions
):
    for day in range(sessions):
        session = make_session(start=ahead(days=10 + day))
        programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
        session = services.schedule_session(session=session, by=forum_admin)
        services.update_session(
            session=session,
            by=forum_admin,
            data={"venue": "Aula"},
            version=services.version_of(session),
        )
    client = client_for(bappeda_kalsel)
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/inbox/").content.decode()
    assert html.count("notification-superseded") == sessions
    forum_queries = [q for q in queries.captured_queries if "forums_forumsession" in q["sql"]]
    assert len(forum_queries) == 1


def test_an_invitation_is_marked_in_the_inbox_once_its_guest_is_removed(scheduled, forum_admin):
    rina = User.objects.get(username="rina")
    office = scheduled.participants.get(institution__isnull=False)
    programme.remove_participant(participant=office, by=forum_admin)
    html = english(rina).get("/inbox/").content.decode()
    rows = html.split('<li class="list-group-item')
    marked = [row for row in rows if "Changed since" in row]
    invitation = Notification.objects.get(user=rina, kind="forum_invitation")
    assert len(marked) == 1 and f"/inbox/{invitation.pk}/" in marked[0]
    # Invited again: the new invitation is not marked.
    programme.invite_institution(session=scheduled, by=forum_admin, institution=office.institution)
    html = english(rina).get("/inbox/").content.decode()
    assert html.count("Changed since") == 1
