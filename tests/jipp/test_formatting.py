"""Dates, numbers and rupiah as each language writes them."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load humanize jipp %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Rp1.250.000.000"), ("en", "Rp1,250,000,000")],
)
def test_rupiah_is_grouped_as_the_language_writes_numbers(language, expected):
    with translation.override(language):
        assert render("{{ amount|rupiah }}", amount=1_250_000_000) == expected


def test_no_amount_shows_nothing():
    assert render("{{ amount|rupiah }}", amount=None) == ""


@pytest.mark.parametrize(
    ("language", "expected"), [("id", "27 Oktober 2020"), ("en", "27 October 2020")]
)
def test_dates_are_written_out_in_the_language(language, expected):
    with translation.override(language):
        assert render('{{ day|date:"j F Y" }}', day=date(2020, 10, 27)) == expected


@pytest.mark.parametrize(("language", "expected"), [("id", "100.000"), ("en", "100,000")])
def test_counts_are_grouped_as_the_language_writes_numbers(language, expected):
    with translation.override(language):
        assert render("{{ n|intcomma }}", n=100_000) == expected


def test_a_wait_under_a_minute_reads_as_less_than_a_minute_not_zero_minutes():
    from datetime import timedelta

    from django.utils import timezone, translation

    from jipp.templatetags.jipp import waited

    with translation.override("id"):
        assert waited(timezone.now()) == "kurang dari semenit"
        assert waited(timezone.now() - timedelta(days=3, minutes=5)) == "3\xa0hari"
    assert waited(None) == ""
