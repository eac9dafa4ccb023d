"""Phones first: descriptions for search engines, filters that fold, tables that stack.

How the pages look at 390 px is checked in a browser by tests/e2e/test_accessibility.py;
these tests pin down the markup that layout relies on (static/css/jipp.css).
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
from django.test import Client

from forums.models import ForumSession
from jipp.models import Province

pytestmark = pytest.mark.django_db

DEFAULT = "Indonesia's registry of public-service innovations"


def description(response) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', response.content.decode())
    assert len(found) == 1, "a page has exactly one description"
    return unescape(found[0])


def english() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def held_forum(title: str = "FRIPP Kalimantan Selatan") -> ForumSession:
    host = Province.objects.get(code="63")
    starts = datetime(2020, 10, 27, 9, tzinfo=host.tzinfo)
    return ForumSession.objects.create(
        title=title,
        number=6,
        host_province=host,
        starts_at=starts,
        ends_at=starts.replace(hour=12),
        status="held",
        agenda="Paparan inovasi dan penentuan inovasi yang akan direplikasi.",
    )


def test_every_public_page_has_a_description_and_the_lists_their_own(make_innovation):
    innovation = make_innovation("Sahabat Rimba")
    forum = held_forum()
    client = english()
    pages = [
        "/",
        "/innovations/",
        "/innovations/innovators/",
        f"/innovations/innovators/{innovation.innovator.slug}/",
        "/forums/",
        "/replication/",
        "/accounts/login/",
        innovation.get_absolute_url(),
        forum.get_absolute_url(),
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = description(response)
        assert len(found[url]) >= 20, url
    assert found["/"].startswith(DEFAULT)
    assert found["/accounts/login/"].startswith(DEFAULT)
    lists = ["/innovations/", "/innovations/innovators/", "/forums/", "/replication/"]
    assert len({found[url] for url in lists} | {found["/"]}) == len(lists) + 1


def test_the_innovation_page_is_described_by_its_summary(make_innovation):
    summary = "Pendampingan masyarakat sekitar hutan agar menjadi sahabat rimba. " * 5
    innovation = make_innovation("Sahabat Rimba", summary=summary)
    text = description(Client().get(innovation.get_absolute_url()))
    assert text.startswith("Pendampingan masyarakat sekitar hutan")
    assert len(text) <= 200


def test_the_forum_page_is_described_by_its_name_date_and_agenda():
    forum = held_forum()
    text = description(english().get(forum.get_absolute_url()))
    assert "Kalimantan Selatan" in text
    assert "27 October 2020" in text
    assert "Paparan inovasi" in text


def test_the_innovator_page_names_its_institution(make_innovation):
    innovation = make_innovation("Sahabat Rimba")
    text = description(Client().get(f"/innovations/innovators/{innovation.innovator.slug}/"))
    assert text == f"Inovasi pelayanan publik {innovation.innovator.name} dalam registri JIPP."


def test_catalogue_filters_fold_behind_one_button_after_the_search_box(make_innovation):
    make_innovation("Sahabat Rimba")
    html = Client().get("/innovations/").content.decode()
    fold = re.search(r'<details class="filter-fold">(.*?)</details>', html, re.S)
    assert fold, "the filters fold (closed) inside a <details>"
    assert re.match(r'\s*<summary class="btn btn-outline-primary">Saring</summary>', fold[1])
    assert 'name="province"' in fold[1] and 'type="submit"' in fold[1]
    assert 'name="q"' not in fold[1], "the search box stays outside the fold"
    assert html.index('name="q"') < html.index('class="filter-fold"') < html.index('id="results"')


def test_a_filter_with_an_error_opens_the_fold(make_innovation):
    make_innovation("Sahabat Rimba")
    html = Client().get("/innovations/", {"year": "dua ribu"}).content.decode()
    assert '<details class="filter-fold" open>' in html


def test_list_tables_label_each_cell_for_the_stacked_rows(make_innovation):
    make_innovation("Sahabat Rimba")
    html = english().get("/innovations/innovators/").content.decode()
    table = re.search(r'<table class="[^"]*\btable-stack\b[^"]*">(.*?)</table>', html, re.S)
    assert table, "the innovators' table stacks on phones"
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table[1], re.S)
    assert row
    labels = re.findall(r'<td[^>]*data-label="([^"]*)"', row[1])
    assert labels == ["Province", "Innovations"]


def test_the_month_calendar_names_the_day_of_each_forum_for_the_phone_list():
    held_forum()
    html = english().get("/forums/", {"view": "month", "month": "2020-10"}).content.decode()
    busy = re.findall(r'<td class="month-busy">(.*?)</td>', html, re.S)
    assert len(busy) == 1
    assert '<span class="month-date">Tuesday, 27 October</span>' in busy[0]
    assert "No forum in this month." in html  # shown by CSS only when no day is busy
