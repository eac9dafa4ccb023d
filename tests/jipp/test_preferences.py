"""Each user chooses how reminders reach them and the language of their e-mail."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/accounts/preferences/"


def test_the_page_shows_the_current_choice_and_the_digest_time_of_the_province(bappeda_kalsel):
    html = client_for(bappeda_kalsel).get(URL).content.decode()
    assert 'value="email" id="id_reminder_channel_0" checked' in html
    assert re.search(r"08[.:]30 WITA", html)  # Kalimantan Selatan


def test_without_a_province_the_digest_comes_at_0830_wib(ministry):
    assert re.search(r"08[.:]30 WIB", client_for(ministry).get(URL).content.decode())


def test_choosing_the_digest_and_english(bappeda_kalsel):
    response = client_for(bappeda_kalsel).post(
        URL, {"reminder_channel": "digest", "language": "en"}
    )
    assert response.status_code == 302 and response["Location"] == URL
    bappeda_kalsel.refresh_from_db()
    assert (bappeda_kalsel.reminder_channel, bappeda_kalsel.language) == ("digest", "en")


def test_a_bad_choice_is_refused_and_nothing_is_saved(bappeda_kalsel):
    response = client_for(bappeda_kalsel).post(URL, {"reminder_channel": "sms", "language": "fr"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode() or "invalid-feedback" in (
        response.content.decode()
    )
    bappeda_kalsel.refresh_from_db()
    assert (bappeda_kalsel.reminder_channel, bappeda_kalsel.language) == ("email", "id")


def test_only_the_signed_in_user_changes_their_own_preferences(bappeda_kalsel, bappeda_jateng):
    client_for(bappeda_jateng).post(URL, {"reminder_channel": "inbox", "language": "en"})
    bappeda_kalsel.refresh_from_db()
    assert bappeda_kalsel.reminder_channel == "email"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_inbox_and_the_user_menu_link_to_the_preferences(bappeda_kalsel):
    html = client_for(bappeda_kalsel).get("/inbox/").content.decode()
    assert html.count(f'href="{URL}"') == 2


def test_the_choice_covers_reminders_and_messages_on_plans(bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    assert '<legend class="fs-5">Pengingat dan pesan</legend>' in client.get(URL).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert '<legend class="fs-5">Reminders and messages</legend>' in html
    assert "Messages are what others write on a replication plan you work on." in html
