"""Password reset: the same answer for every address, throttled, the link built by the worker."""

from __future__ import annotations

import base64
import json
import re
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

from jipp.celery import app as celery_app
from jipp.models import Notification
from tests.jipp.test_outbox import wait_for

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"


def _queued_resets() -> list[list[object]]:
    """The arguments of the reset tasks waiting in the broker (no worker runs here)."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    found = []
    for raw in reversed(broker.lrange("celery", 0, -1)):  # pushed on the left: newest first
        message = json.loads(raw)
        if message["headers"]["task"] == "jipp.tasks.send_password_reset":
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            found.append(args)
    return found


def _ask(email: str, address: str = "10.0.0.1"):
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_known_and_unknown_addresses_get_the_same_answer_and_no_token_is_built(
    bappeda_kalsel, committed
):
    celery_app.control.purge()
    refuse = mock.patch.object(
        PasswordResetTokenGenerator, "make_token", side_effect=AssertionError("token built")
    )
    with refuse, committed():
        known = _ask(bappeda_kalsel.email.upper())
        unknown = _ask("nobody@kalselprov.go.id")
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code,
        unknown["Location"],
        unknown.content,
    )
    assert known.status_code == 302 and known["Location"] == "/accounts/password_reset/done/"
    # Each request queued one task, with the account's id or with none: nothing else.
    assert _queued_resets() == [[bappeda_kalsel.pk], [None]]
    assert mail.outbox == [] and Notification.objects.count() == 0
    celery_app.control.purge()


def test_an_inactive_account_or_one_without_a_password_gets_no_task_with_its_id(
    bappeda_kalsel, innovator_diy, committed
):
    celery_app.control.purge()
    bappeda_kalsel.is_active = False
    bappeda_kalsel.save()
    innovator_diy.set_unusable_password()
    innovator_diy.save()
    with committed():
        _ask(bappeda_kalsel.email)
        _ask(innovator_diy.email)
    assert _queued_resets() == [[None], [None]]
    celery_app.control.purge()


def test_requests_for_one_address_are_throttled_from_any_network(bappeda_kalsel):
    for n in range(5):
        assert _ask(bappeda_kalsel.email, address=f"10.0.1.{n}").status_code == 302
    response = _ask(bappeda_kalsel.email.upper(), address="10.0.1.99")
    assert response.status_code == 429
    assert "satu jam" in response.content.decode()
    celery_app.control.purge()


def test_requests_from_one_network_are_throttled_whatever_the_address():
    for n in range(20):
        assert _ask(f"orang{n}@kalselprov.go.id").status_code == 302
    assert _ask("orang99@kalselprov.go.id").status_code == 429
    assert _ask("orang99@kalselprov.go.id", address="10.0.0.2").status_code == 302
    celery_app.control.purge()


def test_a_bad_address_is_shown_on_the_form_and_nothing_is_queued():
    celery_app.control.purge()
    response = Client().post(RESET, {"email": "bukan-email"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert _queued_resets() == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_link_which_sets_a_new_password(bappeda_kalsel, celery_worker):
    response = _ask(bappeda_kalsel.email)
    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert message.to == [bappeda_kalsel.email]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "\n" not in message.subject
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", str(message.body))
    assert match, message.body
    assert Notification.objects.count() == 0  # the link is stored nowhere
    client = Client()
    form_page = client.get(match.group(1), follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    new = "Sungai-Martapura-2027"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    bappeda_kalsel.refresh_from_db()
    assert bappeda_kalsel.check_password(new)
