"""A session's page: what each persona sees of the link, the guests and the plans."""

from __future__ import annotations

import pytest
from django.conf import settings

from forums import outcomes, programme, services
from tests.conftest import client_for
from tests.forums.conftest import MEETING, ahead

pytestmark = pytest.mark.django_db


def page(user, session) -> str:
    response = client_for(user).get(f"/forums/{session.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def scheduled(forum_admin, make_session, bappeda_kalsel, make_innovation):
    session = make_session("scheduled")
    for title in ("Omspan", "Menggapai Mimpi Sahabat Rimba"):
        programme.add_presentation(
            session=session, by=forum_admin, innovation=make_innovation(title)
        )
    programme.invite_institution(
        session=session, by=forum_admin, institution=bappeda_kalsel.institution
    )
    return session


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anon", False),
        ("bappeda_jateng", False),  # not invited
        ("innovator_diy", False),
        ("bappeda_kalsel", True),  # a user of the invited institution
        ("forum_admin", True),
        ("ministry", True),
    ],
)
def test_the_meeting_link_shows_to_invited_users_and_staff_only(scheduled, persona, who, sees):
    assert (MEETING in page(persona(who), scheduled)) is sees


def test_a_person_invited_by_address_sees_the_link(scheduled, forum_admin, bappeda_jateng):
    programme.invite_email(session=scheduled, by=forum_admin, email=bappeda_jateng.email)
    assert MEETING in page(bappeda_jateng, scheduled)


@pytest.mark.parametrize(
    ("who", "sees"),
    [("anon", False), ("bappeda_kalsel", False), ("forum_admin", True), ("ministry", True)],
)
def test_participants_show_to_staff_only(scheduled, persona, who, sees):
    html = page(persona(who), scheduled)
    assert ('id="participants"' in html) is sees
    assert ("Bappeda Provinsi Kalimantan Selatan" in html) is sees


def test_presentations_are_listed_in_order_with_links(scheduled, anon):
    html = page(anon, scheduled)
    first, second = scheduled.presentations.select_related("innovation")
    assert html.index(first.innovation.title) < html.index(second.innovation.title)
    assert f'href="{first.innovation.get_absolute_url()}"' in html


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("anon", False),
        ("bappeda_jateng", False),
        ("forum_admin", False),  # runs forums, but plans are not theirs to open
        ("bappeda_kalsel", True),
        ("ministry", True),
        ("innovator_diy", True),  # the innovation's own institution
    ],
)
def test_outcomes_show_to_all_and_the_plan_link_to_those_who_may_open_it(
    forum_admin, make_session, make_innovation, innovator_diy, persona, who, link
):
    session = make_session("held")
    rimba = make_innovation("Sahabat Rimba", innovator=innovator_diy.institution)
    plan = outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    html = page(persona(who), session)
    assert "Sahabat Rimba" in html and "Kalimantan Selatan" in html
    assert (plan.get_absolute_url() in html) is link


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anon", 404),
        ("bappeda_kalsel", 404),
        ("innovator_diy", 404),
        ("forum_admin", 200),
        ("ministry", 200),
    ],
)
def test_a_draft_is_404_except_for_staff(make_session, persona, who, code):
    session = make_session()
    assert client_for(persona(who)).get(f"/forums/{session.pk}/").status_code == code


def test_attendance_shows_to_staff_after_the_event(forum_admin, make_session, kalsel_office):
    session = make_session("scheduled", start=ahead(days=-1))
    guest = programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    services.mark_held(session=session, by=forum_admin)
    programme.record_attendance(session=session, by=forum_admin, marks={guest.pk: True})
    client = client_for(forum_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the switch, not the browser
    assert "attended" in client.get(f"/forums/{session.pk}/").content.decode()
