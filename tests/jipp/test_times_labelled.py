"""Times outside a plan's page carry their zone too: WIB for the portal's own records,
the host province's clock on a forum's management page (invitations and answers)."""

from __future__ import annotations

import re

import pytest
import time_machine

from forums import answers, programme, services
from jipp import account_requests
from jipp.models import Province
from tests.conftest import client_for
from tests.forums.conftest import session_data

pytestmark = pytest.mark.django_db

MOMENT = "2026-03-10 02:30Z"  # 09.30 WIB, 10.30 WITA


def test_an_account_request_shows_when_it_came_in_wib(ministry):
    with time_machine.travel(MOMENT, tick=False):
        item = account_requests.submit_account_request(
            province=Province.objects.get(code="63"),
            institution_name="Pemerintah Kabupaten Tapin",
            institution_kind="regency_gov",
            contact_name="Siti Rahmah",
            contact_email="siti.rahmah@tapinkab.go.id",
            position="Kepala Bagian Organisasi",
            phone="0811-5000-123",
            message="Kami ingin mendaftarkan inovasi.",
        )
    html = client_for(ministry).get(f"/accounts/requests/{item.pk}/").content.decode()
    assert "10 Maret 2026, 09.30 WIB" in html
    assert not re.search(r"09[.:]30(?! WIB)", re.sub(r"<[^>]+>", " ", html))


def test_the_forum_management_page_shows_invitations_on_the_hosts_clock(
    forum_admin, make_institution
):
    tapin = make_institution("Pemerintah Kabupaten Tapin", "63")
    session = services.create_session(by=forum_admin, data=session_data("63"))
    session = services.schedule_session(session=session, by=forum_admin)
    with time_machine.travel(MOMENT, tick=False):
        guest = programme.invite_institution(session=session, by=forum_admin, institution=tapin)
    with time_machine.travel("2026-03-11 03:45Z", tick=False):
        answers.answer_invitation(participant=guest, answer="attending", by=None)
    html = client_for(forum_admin).get(f"/forums/{session.pk}/manage/").content.decode()
    assert "10 Maret 2026, 10.30 WITA" in html  # invited
    assert "11 Maret 2026, 11.45 WITA" in html  # answered
