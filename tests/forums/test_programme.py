"""Presentations: approved innovations, once each, in an order admins control."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from forums import programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def titles(session) -> list[str]:
    return [p.innovation.title for p in session.presentations.select_related("innovation")]


def test_presentations_are_added_in_order_and_moved_and_removed(
    forum_admin, make_session, make_innovation
):
    session = make_session()
    a, b, c = (make_innovation(t) for t in ("Omspan", "Sahabat Rimba", "Generasi Emas"))
    for item in (a, b, c):
        programme.add_presentation(session=session, by=forum_admin, innovation=item)
    assert titles(session) == ["Omspan", "Sahabat Rimba", "Generasi Emas"]
    last = session.presentations.get(innovation=c)
    programme.move_presentation(presentation=last, by=forum_admin, up=True)
    assert titles(session) == ["Omspan", "Generasi Emas", "Sahabat Rimba"]
    first = session.presentations.get(innovation=a)
    programme.move_presentation(presentation=first, by=forum_admin, up=True)  # already first
    programme.move_presentation(presentation=first, by=forum_admin, up=False)
    assert titles(session) == ["Generasi Emas", "Omspan", "Sahabat Rimba"]
    programme.remove_presentation(presentation=first, by=forum_admin)
    assert titles(session) == ["Generasi Emas", "Sahabat Rimba"]
    assert list(session.presentations.values_list("order", flat=True)) == [1, 2]


def test_an_unapproved_innovation_is_refused(forum_admin, make_session, make_innovation):
    draft = make_innovation("Si Jaga Hutan", status="submitted")
    with pytest.raises(ValidationError, match="Only an approved innovation"):
        programme.add_presentation(session=make_session(), by=forum_admin, innovation=draft)


def test_an_innovation_already_on_the_programme_is_refused(
    forum_admin, make_session, make_innovation
):
    session = make_session()
    omspan = make_innovation("Omspan")
    programme.add_presentation(session=session, by=forum_admin, innovation=omspan)
    with pytest.raises(ValidationError, match="already on the programme"):
        programme.add_presentation(session=session, by=forum_admin, innovation=omspan)
    assert session.presentations.count() == 1


def test_inviting_the_same_institution_or_address_twice_is_refused(
    forum_admin, make_session, kalsel_office
):
    session = make_session()
    programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    with pytest.raises(ValidationError, match="already invited"):
        programme.invite_institution(session=session, by=forum_admin, institution=kalsel_office)
    programme.invite_email(session=session, by=forum_admin, email="Tamu@Example.go.id")
    with pytest.raises(ValidationError, match="already invited"):
        programme.invite_email(session=session, by=forum_admin, email="tamu@example.go.id")
    assert session.participants.count() == 2
