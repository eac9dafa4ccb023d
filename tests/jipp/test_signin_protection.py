"""Sign-in protection: lockout after five failures, password spraying, idle sessions,
password changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jipp.models import AuditEvent
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for attempt in range(1, times + 1):
        expected = 429 if attempt >= settings.SIGNIN_PAIR_FAILURE_LIMIT else 200
        assert sign_in(client, username, "wrong-password", address).status_code == expected


def test_five_failures_lock_the_account_from_that_address_with_a_clear_message(bappeda_kalsel):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(client, bappeda_kalsel.username, 4)
    response = sign_in(client, bappeda_kalsel.username, "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked for 30 minutes" in page and "administrator" in page
    # Even the right password is refused while the lockout lasts.
    response = sign_in(client, bappeda_kalsel.username, PASSWORD)
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated
    # The lockout and the refused attempt during it are both on the account's record.
    events = AuditEvent.objects.filter(action="sign_in_locked")
    assert events.count() == 2
    assert events[0].target == bappeda_kalsel and events[0].note == "10.0.0.1"


def test_the_lockout_message_is_indonesian_by_default(bappeda_kalsel):
    client = Client()
    fail(client, bappeda_kalsel.username, 4)
    page = sign_in(client, bappeda_kalsel.username, "salah").content.decode()
    assert "30 menit" in page


def test_the_lockout_ends_after_thirty_minutes(bappeda_kalsel):
    client = Client()
    fail(client, bappeda_kalsel.username, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = sign_in(client, bappeda_kalsel.username, PASSWORD)
    assert response.status_code == 302 and response.wsgi_request.user == bappeda_kalsel


def test_another_address_is_not_locked_out(bappeda_kalsel):
    # Nobody can lock an officer out from elsewhere by typing their name.
    client = Client()
    fail(client, bappeda_kalsel.username, 5, address="203.0.113.9")
    response = sign_in(client, bappeda_kalsel.username, PASSWORD, address="10.0.0.1")
    assert response.status_code == 302


def test_an_admin_unlocks_by_deleting_the_attempt_in_django_admin(bappeda_kalsel, make_user):
    client = Client()
    fail(client, bappeda_kalsel.username, 5)
    admin = make_user("root", role=None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    attempt = AccessAttempt.objects.get(username=bappeda_kalsel.username)
    response = client_for(admin).post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert sign_in(client, bappeda_kalsel.username, PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures_and_is_recorded(bappeda_kalsel):
    client = Client()
    fail(client, bappeda_kalsel.username, 4)
    assert sign_in(client, bappeda_kalsel.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    fail(client, bappeda_kalsel.username, 4)  # four more: not yet five in a row
    assert sign_in(client, bappeda_kalsel.username, PASSWORD).status_code == 302
    sign_ins = AccessLog.objects.filter(username=bappeda_kalsel.username)
    assert sign_ins.count() == 2 and sign_ins.first().ip_address == "10.0.0.1"


def test_a_session_ends_after_an_hour_without_a_request(bappeda_kalsel):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, bappeda_kalsel.username, PASSWORD)
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert client.get("/inbox/").status_code == 200  # activity pushes the expiry on
    with time_machine.travel(start + timedelta(minutes=100), tick=False):
        assert client.get("/inbox/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=161), tick=False):
        response = client.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_changing_the_password_signs_out_every_other_session(bappeda_kalsel):
    laptop, phone = Client(), Client()
    sign_in(laptop, bappeda_kalsel.username, PASSWORD)
    sign_in(phone, bappeda_kalsel.username, PASSWORD)
    new = "sungai-martapura-2026"
    response = laptop.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get("/inbox/").status_code == 200  # this browser stays signed in
    assert phone.get("/inbox/").status_code == 302  # the other one is signed out
    assert AuditEvent.objects.filter(action="password_changed").count() == 1


def test_weak_passwords_are_refused_by_the_validators(bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "too common" in page and "entirely numeric" in page


@pytest.fixture
def address_limit(settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 12  # 50 in production: fewer posts here
    return 12


def spray(client: Client, names: int, address: str = "10.0.0.1", start: int = 0) -> list[int]:
    return [
        sign_in(client, f"tebakan{n}", "Rahasia-2026", address).status_code
        for n in range(start, start + names)
    ]


def test_many_usernames_failing_from_one_address_lock_the_address(bappeda_kalsel, address_limit):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert spray(client, address_limit - 1) == [200] * (address_limit - 1)
    response = sign_in(client, "tebakan-terakhir", "Rahasia-2026")
    assert response.status_code == 429
    page = response.content.decode()
    assert "from your network address" in page and "30 minutes" in page
    # Every name is refused from there now, even with its right password ...
    response = sign_in(client, bappeda_kalsel.username, PASSWORD)
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated
    # ... and nobody else: other addresses sign in as usual.
    assert sign_in(Client(), bappeda_kalsel.username, PASSWORD, "10.0.0.2").status_code == 302
    # The spray is not on the record of the account whose name was typed last.
    assert not AuditEvent.objects.filter(action="sign_in_locked").exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert sign_in(client, bappeda_kalsel.username, PASSWORD).status_code == 302


def test_an_office_behind_one_address_survives_its_typos(make_user, address_limit):
    # Each person mistypes up to four times, then signs in: their own failures are forgiven.
    staff = [make_user(f"pegawai{n}", "innovator") for n in range(6)]
    for person in staff:
        browser = Client()
        fail(browser, person.username, 4)
        assert sign_in(browser, person.username, PASSWORD).status_code == 302
    assert AccessAttempt.objects.count() == 0


def test_a_success_does_not_wipe_the_address_count_of_other_names(innovator_diy, address_limit):
    client = Client()
    spray(client, address_limit - 2)
    # The sprayer signs in with an account of their own, then goes on.
    assert sign_in(client, innovator_diy.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert spray(client, 2, start=100) == [200, 429]


def test_tries_while_locked_do_not_count_against_the_address(bappeda_kalsel, address_limit):
    client = Client()
    fail(client, bappeda_kalsel.username, 5)
    for _ in range(address_limit):  # one person retrying their locked name
        assert sign_in(client, bappeda_kalsel.username, "wrong-password").status_code == 429
    assert sign_in(client, "rekan.kerja", "wrong-password").status_code == 200


def test_an_admin_unlocks_an_address_with_the_management_command(address_limit):
    from django.core.management import call_command

    client = Client()
    spray(client, address_limit)
    assert sign_in(client, "siapa", "Rahasia-2026").status_code == 429
    call_command("axes_reset_ip", "10.0.0.1")
    assert sign_in(client, "siapa", "Rahasia-2026").status_code == 200
