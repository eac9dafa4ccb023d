"""The open-data API of approved innovations: what it shows, how it filters and pages."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.throttling import AnonRateThrottle

from innovations.api import OpenDataThrottle
from innovations.models import Innovation
from jipp.models import Institution, Province

pytestmark = pytest.mark.django_db

LIST_KEYS = {
    "id", "slug", "title", "summary", "url", "innovator", "province", "category", "phase",
    "launched_year", "kipp_recognition", "kipp_year", "sdgs", "approved_at", "kit_complete",
}  # fmt: skip
DETAIL_KEYS = LIST_KEYS | {
    "problem", "solution", "results", "replication_requirements", "contact_email", "website",
    "kit",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many requests from one address in a few seconds; the throttle has tests of its own.
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: None)


@pytest.fixture
def add(
    make_innovation: Callable[..., Innovation], make_institution: Callable[..., Institution]
) -> Callable[..., Innovation]:
    """Make an innovation, approved unless told otherwise, from a province given by code."""

    def make(
        title: str,
        *,
        innovator: Institution | None = None,
        province: str | None = "63",
        **fields: Any,
    ) -> Innovation:
        if innovator is None:
            innovator = make_institution(f"Dinas Kesehatan {province or 'Pusat'}", province)
        fields.setdefault("contact_email", "inovasi@dinkes.example.go.id")
        origin = Province.objects.get(code=province) if province else None
        return make_innovation(title, innovator=innovator, province=origin, **fields)

    return make


def api(client: Client, params: dict[str, Any] | str = "", path: str = "/api/innovations/"):
    if isinstance(params, str):
        return client.get(f"{path}?{params}" if params else path)
    return client.get(path, params)


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def page_slugs(client: Client, query: str) -> list[str]:
    response = client.get(f"/innovations/?{query}")
    assert response.status_code == 200
    return [row.slug for row in response.context["results"].rows]


def walk(client: Client, first_url: str) -> Iterator[dict[str, Any]]:
    """Every item, following `next` to the end."""
    url: str | None = first_url
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        yield from body["results"]
        url = body["next"]


# -- what is public, and nothing personal -----------------------------------------------


def test_only_approved_innovations_are_listed_and_a_drafts_detail_is_404(client, add):
    public = add("Layanan Publik Terbit")
    hidden = [
        add(f"Layanan {status}", status=status)
        for status in ["draft", "submitted", "changes_requested", "rejected", "archived"]
    ]
    assert slugs(api(client)) == [public.slug]
    assert slugs(api(client, {"q": "layanan"})) == [public.slug]
    assert api(client, path=f"/api/innovations/{public.slug}/").status_code == 200
    for innovation in hidden:
        response = api(client, path=f"/api/innovations/{innovation.slug}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_a_list_item_shows_exactly_the_public_fields(client, add, make_user):
    officer = make_user("budi.santoso", phone="+62811000111", first_name="Budi")
    innovation = add("Sahabat Rimba", sdgs=(13, 15), created_by=officer, kipp_year=2021)
    item = api(client).json()["results"][0]
    assert set(item) == LIST_KEYS
    assert set(item["innovator"]) == {"name", "slug", "kind", "url"}
    assert item["province"] == {"code": "63", "name": innovation.province.name}
    assert item["category"] == {"slug": "kesehatan", "name": "Kesehatan"}
    assert item["sdgs"] == [13, 15]
    assert item["url"] == f"http://testserver/innovations/{innovation.slug}/"
    assert item["innovator"]["url"] == (
        f"http://testserver/innovations/innovators/{innovation.innovator.slug}/"
    )
    assert item["kipp_year"] == 2021 and item["approved_at"]


def test_the_detail_adds_the_text_and_the_institutional_contact_only(client, add, make_user):
    officer = make_user("budi.santoso", phone="+62811000111", first_name="Budi")
    innovation = add("Sahabat Rimba", sdgs=(15,), created_by=officer, province=None)
    response = api(client, path=f"/api/innovations/{innovation.slug}/")
    detail = response.json()
    assert set(detail) == DETAIL_KEYS
    assert detail["province"] is None
    assert detail["contact_email"] == "inovasi@dinkes.example.go.id"
    assert detail["sdgs"] == [
        {"number": 15, "name_id": "Ekosistem Daratan", "name_en": "Life on Land"}
    ]
    body = response.content.decode().lower()
    for personal in ["budi", "santoso", "+62811000111", "created_by", "search_vector"]:
        assert personal not in body


def test_the_api_is_json_only_and_needs_no_session(client, add):
    add("Layanan Publik Terbit")
    response = client.get("/api/innovations/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406  # no browsable API
    response = api(client)
    assert response["Content-Type"] == "application/json"
    assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies
    assert client.post("/api/innovations/", {}).status_code == 405


# -- the same filters and search as the catalogue page ----------------------------------


@pytest.fixture
def registry(add, make_institution) -> dict[str, Innovation]:
    ministry = make_institution("Kementerian Kesehatan", kind="ministry")
    city = make_institution("Pemerintah Kota Banjarmasin", "63", kind="city_gov")
    regency = make_institution("Pemerintah Kabupaten Kudus", "33", kind="regency_gov")
    return {
        "ptsp": add("Pelayanan Terpadu Satu Pintu", innovator=city, category="perizinan"),
        "cerdas": add(
            "Mencerdaskan Anak Bangsa", category="pendidikan", sdgs=(4,), phase="creation",
            launched_year=2018,
        ),
        "sehat": add(
            "Puskesmas Keliling", innovator=regency, province="33", sdgs=(3, 10),
            kipp_recognition="top99", kipp_year=2021,
        ),
        "pusat": add(
            "Sistem Rujukan Nasional", innovator=ministry, province=None,
            phase="institutionalization", launched_year=2018,
        ),
        "hutan": add(
            "Sahabat Rimba", category="lingkungan-hidup-kehutanan", sdgs=(13, 15),
            summary="Masyarakat melayani hutan bersama.",
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    "query",
    [
        "",
        "province=63",
        "province=33",
        "category=pendidikan",
        "sdg=3",
        "sdg=4",
        "phase=creation",
        "kipp=top99",
        "year=2018",
        "innovator_kind=central",
        "innovator_kind=city",
        "innovator_kind=regency",
        "province=63&category=kesehatan&sdg=3",
        "year=2018&phase=institutionalization",
        "sort=title",
        "sort=newest",
        "q=layanan",
        "q=layanan&sort=title",
        "q=melayani&province=63",
    ],
)
def test_filters_give_what_the_catalogue_page_gives(client, registry, query):
    api_slugs = slugs(api(client, query))
    assert api_slugs == page_slugs(client, query)


def test_filters_narrow_the_list(client, registry):
    assert set(slugs(api(client, "province=33"))) == {registry["sehat"].slug}
    assert set(slugs(api(client, "innovator_kind=central"))) == {registry["pusat"].slug}
    assert set(slugs(api(client, "sdg=4"))) == {registry["cerdas"].slug}
    assert set(slugs(api(client, "kipp=top99"))) == {registry["sehat"].slug}
    assert set(slugs(api(client, "year=2018"))) == {
        registry["cerdas"].slug,
        registry["pusat"].slug,
    }


@pytest.mark.parametrize(
    ("query", "key"),
    [("melayani", "ptsp"), ("pelayanan", "ptsp"), ("layanan", "ptsp"), ("cerdas", "cerdas")],
)
def test_search_understands_indonesian_word_forms(client, registry, query, key):
    found = slugs(api(client, {"q": query}))
    assert registry[key].slug in found
    assert found[0] == registry[key].slug  # title matches first


def test_relevance_pages_are_numbered_and_carry_a_count(client, add):
    for n in range(5):
        add(f"Layanan Nomor {n}")
    first = api(client, {"q": "layanan", "page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert "page=2" in first["next"]
    seen = [item["slug"] for item in walk(client, "/api/innovations/?q=layanan&page_size=2")]
    assert sorted(seen) == sorted(i.slug for i in Innovation.objects.public())


# -- cursor pages -----------------------------------------------------------------------


def test_cursor_pages_see_every_approved_innovation_exactly_once(client, add):
    same_moment = timezone.now() - timedelta(days=3)
    made = [add(f"Inovasi {n:02d}") for n in range(9)]
    made += [add(f"Inovasi Serentak {n}", approved_at=same_moment) for n in range(6)]
    made += [add("Judul Kembar") for _ in range(5)]  # ties in the title order too
    add("Inovasi Draf", status="draft")
    newest = list(Innovation.objects.public().order_by("-approved_at", "-id"))
    seen = [item["slug"] for item in walk(client, "/api/innovations/?page_size=4")]
    assert seen == [i.slug for i in newest]
    by_title = list(Innovation.objects.public().order_by("title", "id"))
    seen = [item["slug"] for item in walk(client, "/api/innovations/?sort=title&page_size=3")]
    assert seen == [i.slug for i in by_title]
    assert len(seen) == len(made) == 20


def test_previous_leads_back(client, add):
    for n in range(5):
        add(f"Inovasi {n}")
    first = api(client, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert first["previous"] is None
    assert [i["slug"] for i in back["results"]] == [i["slug"] for i in first["results"]]


# -- bad input is a 400, never a 500 ----------------------------------------------------


def forged_cursor(position: str, offset: str = "0") -> str:
    raw = urlencode({"o": offset, "p": position}).encode()
    return quote(base64.b64encode(raw).decode())


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("province=zz", 400),
        ("year=abc", 400),
        ("year=1800", 400),
        ("sdg=99", 400),
        ("sdg=abc", 400),
        ("category=nope", 400),
        ("phase=x", 400),
        ("kipp=top1000", 400),
        ("innovator_kind=moon", 400),
        ("sort=random", 400),
        ("q=" + "x" * 201, 400),
        ("q=%00", 400),
        ("page_size=-1", 200),
        ("page_size=abc", 200),
        ("page_size=100000", 200),
        ("cursor=garbage", 400),
        ("cursor=%%%", 200),  # nothing base64 in it: read as no cursor, the first page
        (f"cursor={forged_cursor('not-a-date')}", 400),
        (f"cursor={forged_cursor('2024-01-01T00:00:00')}", 400),  # no time zone
        (f"cursor={forged_cursor('2024-13-45T00:00:00+00:00')}", 400),
        (f"cursor={forged_cursor('2024-01-01T00:00:00+00:00', offset='-3')}", 400),
        (f"cursor={forged_cursor('2024-01-01T00:00:00+00:00')}", 200),
        (f"sort=title&cursor={forged_cursor(chr(0))}", 400),
        (f"sort=title&cursor={forged_cursor('anything')}", 200),
        ("q=layanan&page=abc", 400),
        ("q=layanan&page=999", 400),
        ("q=layanan&page=0", 400),
        ("q=" + "%22" * 3 + "&sort=relevance", 200),
        ("q=-&sort=relevance", 200),
        ("q=!!!%26%26|", 200),
        ("unknown=1", 200),
    ],
)
def test_invalid_values_answer_400_never_500(client, add, query, code):
    add("Layanan Publik Terbit")
    response = api(client, query)
    assert response.status_code == code, response.content
    assert response["Content-Type"] == "application/json"
    if code == 400:
        assert isinstance(response.json(), dict)


@pytest.mark.parametrize(
    "path",
    [
        "/api/no-such-thing/",
        "/api/innovations/not-a-slug!/",
        "/api/replication/cases/abc/",
        "/api/replication/cases/%0A%F3%8A%98%9D%3C/",  # a newline: once an HTML 404
        "/api/forums/%0D%0A/",
        "/api/%00/",
    ],
)
def test_every_unknown_path_under_the_api_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_400_names_the_parameter(client):
    errors = api(client, "province=zz&year=abc").json()
    assert set(errors) == {"province", "year"}


# -- cost: a constant number of queries -------------------------------------------------


@pytest.mark.parametrize("query", ["page_size=100", "q=inovasi&page_size=100", "sort=title"])
def test_a_list_costs_the_same_few_queries_for_3_or_25_innovations(
    client, add, query, django_assert_max_num_queries
):
    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(client, query).status_code == 200
        return len(queries)

    for n in range(3):
        add(f"Inovasi {n}", sdgs=(3, 4, 5))
    api(client, query)  # reference choices are read once per process
    few = cost()
    for n in range(3, 25):
        add(f"Inovasi {n}", sdgs=(3, 4, 5), province="33" if n % 2 else "63")
    assert cost() == few
    with django_assert_max_num_queries(10):
        api(client, query)
    assert len(api(client, query).json()["results"]) == (25 if "page_size" in query else 20)


def test_a_detail_costs_a_few_queries(client, add, django_assert_max_num_queries):
    innovation = add("Inovasi", sdgs=(3, 4, 5))
    with django_assert_max_num_queries(3):
        assert api(client, path=f"/api/innovations/{innovation.slug}/").status_code == 200


# A vector read as a column of the result, not only used in a condition or the rank.
READS_A_VECTOR = re.compile(
    r'(SELECT|,) "innovations_innovation"\."(search|title)_vector"(,| FROM)'
)


def test_list_queries_never_read_the_search_vectors(client, add):
    add("Layanan Publik Terbit")
    for query in ["", "q=layanan", "q=layanan&sort=newest"]:
        with CaptureQueriesContext(connection) as queries:
            api(client, query)
        for sql in (q["sql"] for q in queries.captured_queries):
            assert not READS_A_VECTOR.search(sql), sql


# -- throttling -------------------------------------------------------------------------


@pytest.fixture
def two_a_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    address = "192.0.2.77"  # TEST-NET: no other test's client
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: "2/min")
    cache.delete(f"throttle_anon_{address}")
    yield address
    cache.delete(f"throttle_anon_{address}")


def test_anonymous_clients_are_throttled_per_address(client, two_a_minute):
    codes = [client.get("/api/innovations/", REMOTE_ADDR=two_a_minute).status_code]
    # A client cannot pick its own key: X-Forwarded-For is ignored without a proxy.
    for spoof in ["10.0.0.1", "10.0.0.2"]:
        codes.append(
            client.get(
                "/api/innovations/", REMOTE_ADDR=two_a_minute, HTTP_X_FORWARDED_FOR=spoof
            ).status_code
        )
    assert codes == [200, 200, 429]


def test_the_api_keeps_answering_when_redis_is_down(client, two_a_minute, monkeypatch):
    class Down:
        def get(self, *args: Any, **kwargs: Any) -> Any:
            raise RedisConnectionError("down")

        set = get

    monkeypatch.setattr(OpenDataThrottle, "cache", Down())
    codes = {client.get("/api/innovations/", REMOTE_ADDR=two_a_minute).status_code for _ in "abc"}
    assert codes == {200}


# -- the schema and its documentation ---------------------------------------------------


def test_the_openapi_schema_lists_the_innovations(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "JIPP Open Data API"
    assert {"/api/innovations/", "/api/innovations/{slug}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/innovations/"]["get"]["parameters"]}
    assert {"q", "province", "category", "sdg", "phase", "kipp", "year", "sort"} <= parameters
    assert {"cursor", "page", "page_size", "innovator_kind"} <= parameters
    text = response.content.decode()
    assert "created_by" not in text and "search_vector" not in text
    assert client.get("/api/schema/").status_code == 200  # YAML by default


def test_the_docs_page_is_served_from_here_under_the_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "https://" not in html
    csp = response["Content-Security-Policy"]
    # The header's directives come in no fixed order: read them one by one.
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"] and "unsafe-inline" not in csp
    assert directives["style-src"][0] == "'self'"
    assert directives["style-src"][1].startswith("'sha256-")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
