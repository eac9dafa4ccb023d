"""Outcomes: an announced replication becomes a draft plan of the announcing province."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from forums import outcomes
from jipp.models import Notification, Province
from replication.models import ReplicationPlan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def rimba(make_innovation, innovator_diy):
    return make_innovation("Menggapai Mimpi Sahabat Rimba", innovator=innovator_diy.institution)


def test_an_outcome_is_a_draft_plan_of_the_host_with_its_officers_told(
    forum_admin, make_session, rimba, bappeda_kalsel, bappeda_jateng
):
    session = make_session("held")
    plan = outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    assert (plan.province.code, plan.status, plan.forum, plan.adopter) == (
        "63",
        "draft",
        session,
        None,
    )
    year = session.starts_at.year + 1
    assert (plan.start_date, plan.target_end_date) == (date(year, 1, 1), date(year, 12, 31))
    assert plan.budget_source == "none"
    assert plan.stages.count() == 7
    assert plan.current_stage == "identification"
    told = Notification.objects.filter(kind="forum_outcome")
    assert [n.user for n in told] == [bappeda_kalsel]
    assert told[0].url == plan.get_absolute_url()


def test_the_officers_complete_and_submit_the_drafted_plan(
    forum_admin, make_session, rimba, bappeda_kalsel, make_institution
):
    from replication import services as plans
    from tests.conftest import indicator_rows

    plan = outcomes.record_outcome(session=make_session("held"), by=forum_admin, innovation=rimba)
    assert ReplicationPlan.objects.editable_by(bappeda_kalsel).filter(pk=plan.pk).exists()
    with pytest.raises(ValidationError, match="adopting institution"):
        plans.submit_plan(plan=plan, by=bappeda_kalsel)
    data = {
        "adopter": make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63"),
        "start_date": plan.start_date,
        "target_end_date": plan.target_end_date,
        "budget_source": "apbd",
    }
    plans.update_plan(
        plan=plan,
        by=bappeda_kalsel,
        data=data,
        stage_due_dates=None,
        version=plan.version,
        indicators=indicator_rows(),
    )
    assert plans.submit_plan(plan=plan, by=bappeda_kalsel).status == "submitted"


def test_a_duplicate_outcome_is_refused(forum_admin, make_session, rimba):
    session = make_session("held")
    outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    with pytest.raises(ValidationError, match="already recorded"):
        outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    assert ReplicationPlan.objects.count() == 1


def test_at_a_regional_forum_only_the_host_announces(forum_admin, make_session, rimba):
    jateng = Province.objects.get(code="33")
    with pytest.raises(ValidationError, match="host province announces"):
        outcomes.record_outcome(
            session=make_session("held"), by=forum_admin, innovation=rimba, province=jateng
        )


def test_at_a_national_forum_any_province_announces(forum_admin, make_session, rimba):
    session = make_session("held", code=None)
    with pytest.raises(ValidationError, match="Choose the province"):
        outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    jateng = Province.objects.get(code="33")
    plan = outcomes.record_outcome(
        session=session, by=forum_admin, innovation=rimba, province=jateng
    )
    assert plan.province == jateng


def test_outcomes_wait_for_the_session_to_be_held(forum_admin, make_session, rimba):
    with pytest.raises(ValidationError, match="once the session is held"):
        outcomes.record_outcome(session=make_session("scheduled"), by=forum_admin, innovation=rimba)


def test_an_unapproved_innovation_is_no_outcome(forum_admin, make_session, make_innovation):
    draft = make_innovation("Draf", status="draft")
    with pytest.raises(ValidationError, match="approved"):
        outcomes.record_outcome(session=make_session("held"), by=forum_admin, innovation=draft)


def test_the_plan_page_names_the_forum_it_came_from(
    forum_admin, make_session, rimba, bappeda_kalsel
):
    from tests.conftest import client_for

    session = make_session("held")
    plan = outcomes.record_outcome(session=session, by=forum_admin, innovation=rimba)
    html = client_for(bappeda_kalsel).get(plan.get_absolute_url()).content.decode()
    assert f'href="/forums/{session.pk}/">FRIPP ke-6 · Kalimantan Selatan</a>' in html
