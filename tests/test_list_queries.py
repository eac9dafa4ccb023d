"""Every list page reads in a constant number of queries, however long the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innovations import services
from jipp.account_requests import submit_account_request
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # session, user and reference choices loaded once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def submitted(make_innovation: Callable[..., Any], innovator, n: int) -> None:
    for i in range(n):
        innovation = make_innovation(
            f"Inovasi {i}", innovator=innovator.institution, status="draft"
        )
        services.submit_innovation(innovation=innovation, by=innovator)


def test_my_innovations_and_the_review_queue_stay_constant(
    make_innovation, innovator_diy, ministry
):
    submitted(make_innovation, innovator_diy, 2)
    mine_few = queries(client_for(innovator_diy), "/innovations/mine/")
    queue_few = queries(client_for(ministry), "/innovations/review/")
    submitted(make_innovation, innovator_diy, 12)
    assert queries(client_for(innovator_diy), "/innovations/mine/") == mine_few
    assert queries(client_for(ministry), "/innovations/review/") == queue_few


def test_the_innovator_directory_stays_constant(client, make_innovation, make_institution):
    make_innovation("A", innovator=make_institution("Dinas A", "63"))
    few = queries(client, "/innovations/innovators/")
    for n in range(12):
        make_innovation(f"B{n}", innovator=make_institution(f"Dinas B{n}", "33"))
    assert queries(client, "/innovations/innovators/") == few


def test_the_account_requests_list_stays_constant(ministry):
    def ask(n: int) -> None:
        submit_account_request(
            institution_name=f"Dinas Sosial {n}",
            institution_kind="ministry",
            province=None,
            contact_name=f"Petugas {n}",
            contact_email=f"petugas{n}@example.go.id",
            position="Analis",
        )

    ask(0)
    few = queries(client_for(ministry), "/accounts/requests/")
    for n in range(1, 12):
        ask(n)
    assert queries(client_for(ministry), "/accounts/requests/") == few
