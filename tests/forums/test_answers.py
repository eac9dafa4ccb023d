"""Invitees answer the invitation: on the session page, or through the e-mailed link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forums import links, programme, services
from forums.models import Participant
from jipp.models import AuditEvent, Notification
from tests.conftest import client_for
from tests.forums.conftest import english_client as english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_kept")]

GUEST = "tamu@example.org"


@pytest.fixture
def scheduled(forum_admin, make_session, kalsel_office, bappeda_kalsel):
    """A scheduled session: the Kalsel Bappeda (officer ahmad) and a guest by e-mail."""
    session = make_session()
    programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    programme.invite_email(session=session, by=forum_admin, email=GUEST)
    return services.schedule_session(session=session, by=forum_admin)


def office_of(session):
    return session.participants.get(institution__isnull=False)


def guest_of(session):
    return session.participants.get(email=GUEST)


def guest_link(session) -> str:
    """The answer link in the guest's invitation, as the e-mail carries it."""
    body = Notification.objects.get(email=GUEST, kind="forum_invitation").body
    return re.search(r"http\S+/forums/answer/\S+/", body).group(0)


# On the session page ---------------------------------------------------------------


def test_an_invited_officer_answers_for_the_institution_from_the_session_page(
    scheduled, bappeda_kalsel
):
    client = english(bappeda_kalsel)
    page = client.get(f"/forums/{scheduled.pk}/").content.decode()
    assert "Your answer to the invitation" in page and "Not sure yet" in page
    response = client.post(f"/forums/{scheduled.pk}/answer/", {"answer": "attending"}, follow=True)
    assert "Your answer is saved: attending." in response.content.decode()
    office = office_of(scheduled)
    assert (office.answer, office.answered_by) == ("attending", bappeda_kalsel)
    assert office.answered_at is not None
    event = AuditEvent.objects.get(action="forum_answered")
    assert (event.actor, event.to_status) == (bappeda_kalsel, "attending")
    client.post(f"/forums/{scheduled.pk}/answer/", {"answer": "unsure"})
    assert office_of(scheduled).answer == "unsure"


def test_the_invitation_asks_officers_to_answer_on_the_session_page(scheduled, bappeda_kalsel):
    body = Notification.objects.get(user=bappeda_kalsel, kind="forum_invitation").body
    assert f"/forums/{scheduled.pk}/" in body
    assert "/forums/answer/" not in body


def test_an_empty_or_unknown_answer_saves_nothing_and_says_why(scheduled, bappeda_kalsel):
    client = english(bappeda_kalsel)
    for data in ({}, {"answer": "maybe"}):
        response = client.post(f"/forums/{scheduled.pk}/answer/", data, follow=True)
        assert "Choose one of the answers" in response.content.decode()
    assert office_of(scheduled).answer == ""
    assert not AuditEvent.objects.filter(action="forum_answered").exists()


def test_someone_not_invited_cannot_answer(scheduled, bappeda_jateng, innovator_diy):
    for user in (bappeda_jateng, innovator_diy):
        assert (
            client_for(user)
            .post(f"/forums/{scheduled.pk}/answer/", {"answer": "attending"})
            .status_code
            == 403
        )
    assert not Participant.objects.exclude(answer="").exists()


def test_a_participant_of_another_session_cannot_answer_this_one(
    scheduled, make_session, forum_admin, bappeda_jateng, make_institution
):
    other = make_session(code="33")
    programme.invite_institution(
        session=other, by=forum_admin, institution=bappeda_jateng.institution
    )
    services.schedule_session(session=other, by=forum_admin)
    client = client_for(bappeda_jateng)
    assert (
        client.post(f"/forums/{scheduled.pk}/answer/", {"answer": "attending"}).status_code == 403
    )
    assert client.post(f"/forums/{other.pk}/answer/", {"answer": "attending"}).status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in_and_get_is_refused(scheduled, anon):
    client = client_for(anon)
    response = client.post(f"/forums/{scheduled.pk}/answer/", {"answer": "attending"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get(f"/forums/{scheduled.pk}/answer/").status_code == 405


def test_a_draft_session_answers_404_to_invitees(
    forum_admin, make_session, kalsel_office, bappeda_kalsel
):
    draft = make_session()
    programme.invite_institution(session=draft, by=forum_admin, institution=kalsel_office)
    response = client_for(bappeda_kalsel).post(
        f"/forums/{draft.pk}/answer/", {"answer": "attending"}
    )
    assert response.status_code == 404


def test_answers_close_when_the_session_starts(scheduled, bappeda_kalsel):
    with time_machine.travel(scheduled.starts_at + timedelta(minutes=1)):
        client = english(bappeda_kalsel)  # signed in then: an idle sign-in would have ended
        page = client.get(f"/forums/{scheduled.pk}/").content.decode()
        assert "Answers are closed" in page
        response = client.post(
            f"/forums/{scheduled.pk}/answer/", {"answer": "attending"}, follow=True
        )
        assert "This session has started: answers are no longer taken." in response.content.decode()
    assert office_of(scheduled).answer == ""


# Through the e-mailed link ---------------------------------------------------------


def test_an_email_only_guest_answers_from_the_link_without_signing_in(scheduled, anon):
    url = guest_link(scheduled).replace("http://testserver", "").split("://", 1)[-1]
    url = url[url.index("/forums/") :]
    client = client_for(anon)
    client.cookies["django_language"] = "en"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "FRIPP ke-6 · Kalimantan Selatan" in html and "WITA" in html
    for label in ("Attending", "Not attending", "Not sure yet"):
        assert label in html
    response = client.post(url, {"answer": "not_attending"}, follow=True)
    assert "Your answer is saved: not attending." in response.content.decode()
    guest = guest_of(scheduled)
    assert (guest.answer, guest.answered_by) == ("not_attending", None)


def test_a_bad_answer_on_the_link_page_saves_nothing(scheduled, anon):
    url = links.answer_link(guest_of(scheduled)).split("testserver", 1)[-1]
    url = url[url.index("/forums/") :]
    response = english(anon).post(url, {"answer": ""})
    assert response.status_code == 200
    assert "Choose one of the answers" in response.content.decode()
    assert guest_of(scheduled).answer == ""


@pytest.mark.parametrize("token", ["nonsense", "eyJwIjoxfQ:1abc:forged", "a" * 300])
def test_a_forged_link_gets_a_clear_page(scheduled, anon, token):
    response = english(anon).get(f"/forums/answer/{token}/")
    assert response.status_code == 404
    assert "This answer link does not work" in response.content.decode()
    assert (
        english(anon).post(f"/forums/answer/{token}/", {"answer": "attending"}).status_code == 404
    )
    assert not Participant.objects.exclude(answer="").exists()


def test_a_link_signed_for_something_else_is_refused(scheduled, anon):
    from django.core import signing

    token = signing.dumps({"p": guest_of(scheduled).pk, "s": scheduled.pk}, salt="other")
    assert english(anon).get(f"/forums/answer/{token}/").status_code == 404


def test_an_expired_link_says_so(scheduled, anon):
    token = links.answer_token(guest_of(scheduled))
    later = timezone.now() + timedelta(seconds=links.ANSWER_LINK_MAX_AGE + 60)
    with time_machine.travel(later):
        response = english(anon).get(f"/forums/answer/{token}/")
        assert response.status_code == 410
        assert "The link has expired" in response.content.decode()
        response = english(anon).post(f"/forums/answer/{token}/", {"answer": "attending"})
        assert response.status_code == 410
    assert guest_of(scheduled).answer == ""


def test_the_link_of_a_removed_guest_says_the_invitation_was_withdrawn(
    scheduled, anon, forum_admin
):
    guest = guest_of(scheduled)
    token = links.answer_token(guest)
    programme.remove_participant(participant=guest, by=forum_admin)
    response = english(anon).get(f"/forums/answer/{token}/")
    assert response.status_code == 404
    assert "This invitation was withdrawn" in response.content.decode()


def test_the_link_page_of_a_cancelled_session_shows_no_choices(scheduled, anon, forum_admin):
    token = links.answer_token(guest_of(scheduled))
    services.cancel_session(session=scheduled, by=forum_admin, reason="Banjir.")
    response = english(anon).get(f"/forums/answer/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This session was cancelled" in html and 'name="answer"' not in html
    response = english(anon).post(f"/forums/answer/{token}/", {"answer": "attending"})
    assert "answers are no longer taken" in response.content.decode()
    assert guest_of(scheduled).answer == ""


# Staff and changes -----------------------------------------------------------------


def test_staff_see_the_answers_and_their_counts(scheduled, forum_admin, bappeda_kalsel):
    from forums import answers

    answers.answer_invitation(
        participant=office_of(scheduled), answer="attending", by=bappeda_kalsel
    )
    html = english(forum_admin).get(f"/forums/{scheduled.pk}/manage/").content.decode()
    counts = html[html.index('id="answer-counts"') :][:600]
    assert re.search(r"Attending: <strong>1</strong>", counts)
    assert re.search(r"Not answered yet: <strong>1</strong>", counts)
    assert "Not attending: <strong>0</strong>" in counts
    assert "Attending</strong>" in html  # on the office's row


def test_answers_are_cleared_when_the_time_changes_but_not_the_venue(
    scheduled, forum_admin, bappeda_kalsel
):
    from forums import answers

    answers.answer_invitation(
        participant=office_of(scheduled), answer="attending", by=bappeda_kalsel
    )
    session = services.update_session(
        session=scheduled,
        by=forum_admin,
        data={"venue": "Aula Bappeda"},
        version=services.version_of(scheduled),
    )
    assert office_of(session).answer == "attending"
    session = services.update_session(
        session=session,
        by=forum_admin,
        data={
            "starts_at": session.starts_at + timedelta(days=1),
            "ends_at": session.ends_at + timedelta(days=1),
        },
        version=services.version_of(session),
    )
    office = office_of(session)
    assert (office.answer, office.answered_at, office.answered_by) == ("", None, None)
