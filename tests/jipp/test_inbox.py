"""The in-app inbox: each user's own notifications, marked read when opened."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jipp import services
from jipp.models import Notification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _notify(user, key, **kwargs):
    fields = {"kind": "test", "subject": f"Subjek {key}", "body": "Isi", "url": "/", **kwargs}
    return services.notify(user=user, dedupe_key=key, **fields)[0]


def test_the_inbox_lists_only_the_users_own_notifications(bappeda_kalsel, bappeda_jateng):
    _notify(bappeda_kalsel, "mine")
    _notify(bappeda_jateng, "theirs")
    page = client_for(bappeda_kalsel).get("/inbox/").content.decode()
    assert "Subjek mine" in page and "Subjek theirs" not in page


def test_reminders_held_for_the_digest_are_in_the_inbox_too(make_user):
    user = make_user("digest", reminder_channel="digest")
    _notify(user, "held", reminder=True)
    assert "Subjek held" in client_for(user).get("/inbox/").content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(bappeda_kalsel):
    notification = _notify(bappeda_kalsel, "n", url="/accounts/password_change/")
    response = client_for(bappeda_kalsel).get(f"/inbox/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_leads_off_site(bappeda_kalsel):
    notification = _notify(bappeda_kalsel, "n", url="https://evil.example/phish")
    response = client_for(bappeda_kalsel).get(f"/inbox/{notification.pk}/")
    assert response["Location"] == "/inbox/"


def test_someone_elses_notification_answers_404_and_stays_unread(bappeda_kalsel, bappeda_jateng):
    notification = _notify(bappeda_jateng, "n")
    assert client_for(bappeda_kalsel).get(f"/inbox/{notification.pk}/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_one_or_all_as_read(bappeda_kalsel, bappeda_jateng):
    first, second = _notify(bappeda_kalsel, "a"), _notify(bappeda_kalsel, "b")
    foreign = _notify(bappeda_jateng, "c")
    client = client_for(bappeda_kalsel)
    client.post("/inbox/read/", {"id": [first.pk, foreign.pk]})
    assert Notification.objects.filter(read_at__isnull=False).get() == first

    client.post("/inbox/read/")
    second.refresh_from_db()
    foreign.refresh_from_db()
    assert second.read_at is not None and foreign.read_at is None
    assert list(client.get("/inbox/?show=unread").context["page"].object_list) == []


def test_the_unread_count_shows_in_the_navigation(bappeda_kalsel, bappeda_jateng):
    """Counted in SQL of its own (jipp.work.UNREAD): what the inbox shows as unread."""
    _notify(bappeda_kalsel, "a")
    _notify(bappeda_kalsel, "b")
    read = _notify(bappeda_kalsel, "read")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _notify(bappeda_jateng, "theirs")
    Notification.objects.create(
        user=bappeda_kalsel, kind="digest", subject="Ringkasan", body="", dedupe_key="digest"
    )
    response = client_for(bappeda_kalsel).get("/")
    assert response.context["unread_count"] == 2
    assert Notification.objects.for_inbox(bappeda_kalsel).unread().count() == 2


@pytest.mark.parametrize("count", [3, 30])
def test_the_inbox_takes_the_same_number_of_queries_for_few_or_many(bappeda_kalsel, count):
    client = client_for(bappeda_kalsel)
    client.get("/inbox/")  # session and user loaded once
    for n in range(count):
        _notify(bappeda_kalsel, f"k{n}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/inbox/").status_code == 200
    assert len(queries) <= 7


@pytest.mark.parametrize("count", [2, 20])
def test_the_account_list_takes_the_same_number_of_queries_for_few_or_many(
    ministry, make_user, make_institution, count
):
    office = make_institution("Dinas Sosial", "63")
    for n in range(count):
        make_user(f"user{n}", "bappeda", province_code="63", institution=office)
    client = client_for(ministry)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/users/").status_code == 200
    assert len(queries) <= 9


@pytest.mark.parametrize(
    "bad",
    ["\u0661\u0662", "\uff11\uff12", "\u00b2", "x", "-1", "99999999999999999999", " 12"],
)
def test_an_id_that_is_not_plain_digits_is_refused_clearly_and_nothing_is_marked(
    bappeda_kalsel, bad
):
    mine = _notify(bappeda_kalsel, "a")
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/inbox/read/", {"id": [mine.pk, bad]})
    assert response.status_code == 400
    assert "Nothing was marked as read" in response.content.decode()
    assert "Subjek a" in response.content.decode()  # the inbox itself, with the reason
    mine.refresh_from_db()
    assert mine.read_at is None


def test_an_unreadable_id_alone_never_marks_everything_read(bappeda_kalsel):
    mine = _notify(bappeda_kalsel, "a")
    arabic_indic_12 = "\u0661\u0662"
    assert (
        client_for(bappeda_kalsel).post("/inbox/read/", {"id": arabic_indic_12}).status_code == 400
    )
    mine.refresh_from_db()
    assert mine.read_at is None


def test_marking_read_is_for_signed_in_users_only(bappeda_kalsel):
    mine = _notify(bappeda_kalsel, "a")
    response = client_for(anon_user()).post("/inbox/read/", {"id": mine.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    mine.refresh_from_db()
    assert mine.read_at is None


def anon_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "27 Oktober 2020, 09.30 WITA"), ("en", "27 October 2020, 09.30 WITA")],
)
def test_times_are_on_the_users_province_clock_with_its_zone(bappeda_kalsel, language, expected):
    with time_machine.travel("2020-10-27 01:30Z"):  # 09.30 in Kalimantan Selatan (UTC+8)
        _notify(bappeda_kalsel, "a")
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert expected in client.get("/inbox/").content.decode()


def test_a_user_without_a_province_reads_times_in_wib(ministry):
    with time_machine.travel("2020-10-27 01:30Z"):
        _notify(ministry, "a")
    assert "27 Oktober 2020, 08.30 WIB" in client_for(ministry).get("/inbox/").content.decode()


def test_a_row_written_in_another_language_than_the_page_says_so(bappeda_kalsel):
    with translation.override("en"):
        english = _notify(bappeda_kalsel, "en", subject="Stage due")
    with translation.override("id"):
        _notify(bappeda_kalsel, "id", subject="Tahap jatuh tempo")
    assert english.language == "en"
    client = client_for(bappeda_kalsel)
    page = client.get("/inbox/").content.decode()  # the page in Indonesian
    assert page.count("Ditulis dalam bahasa Inggris") == 1
    assert '<span lang="en">Stage due</span>' in page
    assert "Ditulis dalam bahasa Indonesia" not in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/inbox/").content.decode()
    assert page.count("Written in Indonesian") == 1 and "Written in English" not in page


def test_rows_older_than_the_language_field_are_shown_without_a_note(bappeda_kalsel):
    old = _notify(bappeda_kalsel, "old")
    Notification.objects.filter(pk=old.pk).update(language="")
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/inbox/").content.decode()
    assert "Subjek old" in page and "Written in" not in page
