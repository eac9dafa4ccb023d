"""The open-data API fuzzed from its own OpenAPI schema (schemathesis).

Every operation of /api/schema/ gets generated paths and query strings, valid and not:
no answer may be a server error, and every answer must match what the schema promises
(status code, content type, body). The API is public, so anonymous calls are the test.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis import checks

from jipp.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def open_data(make_innovation) -> None:
    """Something to find: approved innovations, and a submission the API must not show."""
    make_innovation("Menggapai Mimpi Sahabat Rimba", sdgs=(13, 15))
    make_innovation("Si Terpa Daya Jiwa", sdgs=(3,))
    make_innovation("Draf Rahasia", status="submitted")


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch) -> None:
    # Hundreds of calls from one address: throttling has its own tests.
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: None)


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, open_data):
    # What a client relies on. Not checked: whether the API accepts every schema-valid
    # value (it refuses, with a documented 400, a year before 1990 or a forged cursor,
    # limits the schema does not spell out) or refuses every invalid one (like any DRF
    # list, it ignores an unusable `page_size` and pages by the default).
    response = case.call_and_validate(
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ]
    )
    assert "Draf Rahasia" not in response.text
