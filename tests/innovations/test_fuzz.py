"""Generated query strings never break the catalogue (hypothesis)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMS = [
    "q",
    "province",
    "innovator_kind",
    "category",
    "sdg",
    "phase",
    "kipp",
    "year",
    "sort",
    "cursor",
    "page",
    "x",
]
values = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["63", "kesehatan", "3", "relevance", "title", "newest", "city", "top99"]),
    st.binary(max_size=30).map(lambda b: b.decode("latin-1")),
)
query_strings = st.dictionaries(st.sampled_from(PARAMS), values, max_size=6)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(params=query_strings)
def test_no_query_string_gives_a_server_error(client, params):
    response = client.get("/innovations/?" + urlencode(params))
    assert response.status_code == 200
    htmx = client.get("/innovations/?" + urlencode(params), headers={"HX-Request": "true"})
    assert htmx.status_code == 200
