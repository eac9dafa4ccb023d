"""When something goes wrong, the page says what happened and what to do next, in the
visitor's language: a wrong address (404), a page for another role (403), a form refused
for its security token (CSRF), a request not understood (400), a bug of ours (500)."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_a_wrong_address_says_so_in_indonesian_and_offers_a_search(client):
    response = client.get("/innovations/tidak-ada-inovasi-ini/")
    assert response.status_code == 404
    page = text(response)
    assert '<html lang="id">' in page
    assert "Halaman ini tidak ada" in page and "Not Found" not in page
    assert 'action="/innovations/" role="search"' in page  # found by typing its name
    # Perhaps a page of someone's work: signing in comes back to the same address.
    assert 'href="/accounts/login/?next=/innovations/tidak-ada-inovasi-ini/"' in page


def test_the_404_page_is_in_english_when_english_is_chosen(client):
    page = text(english(client).get("/forums/999999/"))
    assert "This page is not here" in page and "Halaman ini tidak ada" not in page


def test_a_signed_in_visitor_is_led_back_to_their_work_not_to_sign_in(bappeda_kalsel):
    page = text(client_for(bappeda_kalsel).get("/no-such-page/"))
    assert 'href="/work/"' in page
    assert "/accounts/login/?next=" not in page


def test_a_page_for_another_role_names_who_is_signed_in_and_whom_to_ask(innovator_diy):
    response = client_for(innovator_diy).get("/dashboard/")
    assert response.status_code == 403
    page = text(response)
    assert "Anda tidak dapat membuka halaman ini" in page
    assert "Anda masuk sebagai wahyu (Inovator). Ini tidak terbuka untuk akun Anda" in page
    assert "Halaman ini untuk: Penilai kementerian, Petugas Bappeda." in page
    assert "penilai kementerian, yang mengelola akun" in page  # who can change the account's roles
    assert 'href="/work/"' in page


def test_a_refusal_says_whom_the_page_is_for(bappeda_kalsel):
    page = text(english(client_for(bappeda_kalsel)).get("/forums/new/"))
    assert "You cannot open this page" in page
    assert "This page is for: Forum admin, Ministry reviewer." in page


def test_a_form_with_a_stale_security_token_is_refused_and_says_what_to_do(ahmad_password):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # a token from before, not the page's
    response = client.post(
        "/accounts/login/",
        {"username": "ahmad", "password": ahmad_password, "csrfmiddlewaretoken": "b" * 32},
    )
    assert response.status_code == 403
    page = text(response)
    assert "Formulir tidak terkirim" in page
    assert "tidak ada yang disimpan" in page and "Muat ulang halaman itu" in page
    assert "_auth_user_id" not in client.session  # and nobody was signed in


def test_a_form_sent_without_the_cookie_asks_for_cookies(client):
    english(client).handler.enforce_csrf_checks = True
    client.cookies.pop("csrftoken", None)
    page = text(client.post("/accounts/request/", {}))
    assert "did not send the portal's security cookie" in page
    assert "Allow cookies for this site" in page


def test_a_bug_of_ours_gets_a_page_with_the_reference_in_the_logs(settings):
    settings.ROOT_URLCONF = "tests.jipp.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = text(response)
    assert "Terjadi kesalahan di pihak kami" in page
    assert "mungkin belum tersimpan" in page  # what to check before sending again
    reference = response.headers["X-Request-ID"]
    assert f"<code>{reference}</code>" in page


def test_a_request_not_understood_is_a_400_page_in_indonesian(client, settings):
    settings.ALLOWED_HOSTS = ["jipp.go.id"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = text(response)
    assert "Permintaan tidak dapat dipahami" in page
    assert 'href="/"' in page


@pytest.fixture
def ahmad_password(bappeda_kalsel) -> str:
    bappeda_kalsel.set_password("sandi-yang-benar-2020")
    bappeda_kalsel.save()
    return "sandi-yang-benar-2020"
