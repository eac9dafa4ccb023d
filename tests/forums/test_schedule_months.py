"""The month view of the schedule answers whatever month the address asks for.

A month is read from the query string, so anyone can ask for 9999-12, whose next month
Python cannot even name: every such month shows the current one, for every role.
"""

from __future__ import annotations

import pytest
import time_machine

from tests.conftest import PERSONAS, client_for

pytestmark = pytest.mark.django_db

ODD_MONTHS = [
    "9999-12",
    "9999-13",
    "0000-01",
    "0001-01",
    "2020-13",
    "2020-00",
    "-1-01",
    "1999-12",
    "2101-01",
    "\u0661\u0662",  # 12 in Arabic-Indic digits
    "\u0662\u0660\u0662\u0660-\u0661\u0662-\u0660\u0661",
    "\uff11\uff12",  # 12 in full-width digits
    "99999999999999999999-1",
    "2020-10-27",
    "\x00",
]


@pytest.mark.parametrize("who", PERSONAS)
def test_every_role_gets_the_current_month_for_a_month_out_of_range(who, persona):
    client = client_for(persona(who))
    with time_machine.travel("2026-05-20 03:00Z", tick=False):
        for month in ODD_MONTHS:
            response = client.get("/forums/", {"view": "month", "month": month})
            assert response.status_code == 200, month
            assert response.context["month"].isoformat() == "2026-05-01", month


def test_months_written_in_other_digits_are_read_as_numbers(client):
    response = client.get(
        "/forums/", {"view": "month", "month": "\u0662\u0660\u0662\u0660-\u0661\u0662"}
    )
    assert response.context["month"].isoformat() == "2020-12-01"


def test_the_first_and_last_months_offer_no_way_further(client):
    first = client.get("/forums/", {"view": "month", "month": "2000-01"})
    assert first.context["previous_month"] == ""
    assert first.context["next_month"] == "2000-02"
    assert "month=1999-12" not in first.content.decode()
    last = client.get("/forums/", {"view": "month", "month": "2100-12"})
    assert last.context["next_month"] == ""
    assert last.context["previous_month"] == "2100-11"
