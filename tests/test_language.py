"""Bahasa Indonesia first, English one click away, and a catalogue with nothing missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from jipp import catalogue

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
SOURCE_FOLDERS = ["jipp", "innovations", "forums", "replication", "templates"]


def test_the_indonesian_catalogue_has_no_untranslated_or_fuzzy_entry():
    assert catalogue.problems(PO) == []


def test_the_catalogue_check_catches_an_untranslated_and_a_fuzzy_entry(tmp_path):
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Inbox", msgstr=""))
    po.append(polib.POEntry(msgid="Sign in", msgstr="Masuk", flags=["fuzzy"]))
    po.save(str(tmp_path / "django.po"))
    assert catalogue.problems(tmp_path / "django.po") == [
        "untranslated: 'Inbox'",
        "fuzzy: 'Sign in'",
    ]


@pytest.mark.django_db
def test_every_source_string_is_in_the_catalogue(settings, tmp_path, monkeypatch):
    if not shutil.which("xgettext"):
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext) is missing: .ci/run installs it")
        pytest.skip("GNU gettext is not installed here: cannot extract the source strings")
    # makemessages writes beside the sources it reads: extract from a copy.
    source = tmp_path / "src"
    for folder in SOURCE_FOLDERS:
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["id"], verbosity=0)
    extracted = {e.msgid for e in polib.pofile(str(source / "locale/id/LC_MESSAGES/django.po"))}
    translated = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert sorted(extracted - translated) == [], "run `make messages` and translate"


@pytest.mark.django_db
def test_pages_are_in_indonesian_by_default_and_in_english_after_the_switch(client):
    page = client.get("/").content.decode()
    assert '<html lang="id">' in page and "Inovasi pelayanan publik" in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Public-service innovations" in page


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(client):
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="id">' in page


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="id">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_who_switches_gets_email_in_that_language(bappeda_kalsel):
    from tests.conftest import client_for

    client_for(bappeda_kalsel).post("/i18n/setlang/", {"language": "en", "next": "/"})
    bappeda_kalsel.refresh_from_db()
    assert bappeda_kalsel.language == "en"


@pytest.mark.django_db
def test_the_switch_comes_back_to_the_same_address_with_its_query_string(client):
    page = client.get("/innovations/?q=air&province=63").content.decode()
    assert 'name="next" value="/innovations/?q=air&amp;province=63"' in page

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/innovations/?q=air&province=63"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/innovations/?q=air&province=63"
