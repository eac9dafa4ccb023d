"""A forum's announced replications link to their plan only for those who may open it.

One rule on the public session page and on the management page: the plan's own
visibility (ReplicationPlan.objects.visible_to). A forum admin runs the forum but is not
among a plan's readers, so both pages name the plan's state without a link for them.
"""

from __future__ import annotations

import pytest

from forums import outcomes
from tests.conftest import PERSONAS, client_for

pytestmark = pytest.mark.django_db

# Who may open a draft plan of Kalimantan Selatan for an innovation of DIY's innovator.
MAY_OPEN = {"ministry", "bappeda_kalsel", "innovator_diy"}


@pytest.fixture
def announced(make_session, forum_admin, make_innovation, innovator_diy, persona):
    for who in PERSONAS:
        persona(who)
    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba", innovator=innovator_diy.institution)
    session = make_session("held")
    plan = outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    return session, plan


@pytest.mark.parametrize("who", PERSONAS)
def test_the_session_page_links_the_plan_only_for_its_readers(who, persona, announced):
    session, plan = announced
    response = client_for(persona(who)).get(session.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Menggapai Mimpi Sahabat Rimba" in html
    assert (plan.get_absolute_url() in html) == (who in MAY_OPEN)


@pytest.mark.parametrize("who", ["forum_admin", "ministry"])
def test_the_management_page_links_the_plan_by_the_same_rule(who, persona, announced):
    session, plan = announced
    response = client_for(persona(who)).get(f"/forums/{session.pk}/manage/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Menggapai Mimpi Sahabat Rimba" in html
    assert (plan.get_absolute_url() in html) == (who in MAY_OPEN)
    if who == "forum_admin":  # and the link it would have shown is indeed refused
        assert client_for(persona(who)).get(plan.get_absolute_url()).status_code == 404
