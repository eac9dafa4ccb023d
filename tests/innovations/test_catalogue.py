"""The public catalogue: Indonesian full-text search, filters, sorting, paging, privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from innovations.paging import cursor_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [row.title for row in response.context["results"].rows]


def test_only_approved_innovations_are_listed(client, make_innovation):
    make_innovation("Layanan Publik Terbit")
    for status in ["draft", "submitted", "changes_requested", "rejected", "archived"]:
        make_innovation(f"Layanan {status}", status=status)
    assert titles(client.get("/innovations/")) == ["Layanan Publik Terbit"]
    assert titles(client.get("/innovations/?q=layanan")) == ["Layanan Publik Terbit"]


def test_an_unapproved_innovation_answers_404_to_everyone(client, make_innovation, ministry):
    draft = make_innovation("Draf Rahasia", status="submitted")
    assert client.get(draft.get_absolute_url()).status_code == 404
    # The ministry reviews it in the review queue, not on the public page.
    assert client_for(ministry).get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("melayani", "Pelayanan Terpadu Satu Pintu"),
        ("layanan", "Pelayanan Terpadu Satu Pintu"),
        ("pelayanan", "Pelayanan Terpadu Satu Pintu"),
        ("cerdas", "Mencerdaskan Anak Bangsa"),
        ("Kalimantan Selatan", "Mencerdaskan Anak Bangsa"),  # the province's name
    ],
)
def test_indonesian_stemming_finds_related_words(client, make_innovation, query, title):
    make_innovation("Pelayanan Terpadu Satu Pintu", province=None)
    make_innovation("Mencerdaskan Anak Bangsa")
    assert title in titles(client.get("/innovations/", {"q": query}))


def test_the_innovators_name_is_searched(client, make_innovation, make_institution):
    unit = make_institution("Balai Kesatuan Pengelolaan Hutan Yogyakarta", "34")
    make_innovation("Sahabat Rimba", innovator=unit)
    assert titles(client.get("/innovations/", {"q": "Yogyakarta"})) == ["Sahabat Rimba"]


def test_web_search_syntax_phrases_and_exclusions(client, make_innovation):
    make_innovation("Hutan Wisata Desa", summary="Wisata hutan bersama warga desa.")
    make_innovation("Hutan Lestari", summary="Menjaga hutan tanpa kunjungan.")
    assert titles(client.get("/innovations/", {"q": "hutan -wisata"})) == ["Hutan Lestari"]
    assert titles(client.get("/innovations/", {"q": '"wisata desa"'})) == ["Hutan Wisata Desa"]


def test_title_matches_rank_before_matches_in_the_body(client, make_innovation):
    make_innovation("Aplikasi Antrean", results="Puskesmas melayani lebih cepat.")
    make_innovation("Puskesmas Keliling")
    make_innovation("Sistem Rujukan", summary="Rujukan antar puskesmas.")
    found = titles(client.get("/innovations/", {"q": "puskesmas"}))
    assert found[0] == "Puskesmas Keliling"
    assert set(found) == {"Puskesmas Keliling", "Aplikasi Antrean", "Sistem Rujukan"}


@pytest.mark.parametrize("count_cap", [1000, 5])
@pytest.mark.parametrize("query", ["puskesmas", "puskesmas -rujukan"])
def test_the_candidates_are_the_newest_matches_and_the_newest_title_matches(
    make_innovation, monkeypatch, query, count_cap
):
    """Whether or not the title query runs, the ranking is that of the union of the
    newest RANK_CANDIDATES matches and the newest TITLE_CANDIDATES title matches: with a
    count cap of 5, the newest matches counted hold one title match of the two wanted."""
    from innovations import search
    from innovations.models import Innovation

    monkeypatch.setattr(search, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(search, "TITLE_CANDIDATES", 2)
    monkeypatch.setattr(search, "COUNT_CAP", count_cap)
    now = timezone.now()
    for n in range(9):  # older title matches, then newer matches in the text only
        title = f"Puskesmas {n}" if n < 3 or n == 7 else f"Rujukan {n}"
        make_innovation(title, summary="Puskesmas buka.", approved_at=now + timedelta(hours=n))
    public = Innovation.objects.public()
    text = search.web_search(query)
    newest = list(public.filter(search_vector=text).order_by("-approved_at", "-id")[:4])
    titled = list(public.filter(title_vector=text).order_by("-approved_at", "-id")[:2])
    expected = {row.pk for row in newest + titled}
    ranked = search.ranked_ids(public, query)
    assert set(ranked) == expected
    matches = public.filter(search_vector=text).count()
    assert search.ranking(public, query).count == (min(matches, count_cap), matches > count_cap)
    first = Innovation.objects.filter(pk__in=ranked[:2]).values_list("title", flat=True)
    assert all(title.startswith("Puskesmas") for title in first)  # title matches first


def test_a_ranked_page_reads_as_the_querysets_would(make_innovation):
    """search.page_rows, written out, is shown(with_headlines(...)) row for row: the same
    columns in the same order, the same snippet (a change to LIST_COLUMNS must reach it)."""
    from innovations import search
    from innovations.models import Innovation

    ids = [
        make_innovation("Puskesmas Ramah", summary="Pelayanan puskesmas buka malam.").pk,
        make_innovation("Lapor Cepat", summary="Warga lapor jalan rusak.").pk,
    ]
    queryset = search.with_headlines(Innovation.objects.filter(id__in=ids), "puskesmas")
    expected = sorted(tuple(row) for row in search.shown(queryset, "puskesmas"))
    assert sorted(tuple(row) for row in search.page_rows(ids, "puskesmas")) == expected
    assert search.PageRow._fields == search.shown(queryset, "puskesmas")[0]._fields
    assert "\x02puskesmas\x03" in dict((r[0], r[-1]) for r in expected)[ids[0]].lower()


def test_matched_words_are_highlighted_and_the_text_escaped(client, make_innovation):
    make_innovation("Layanan <Aman>", summary="Pelayanan <script>alert(1)</script> untuk warga.")
    page = client.get("/innovations/", {"q": "layanan"}).content.decode()
    assert "<mark>Pelayanan</mark>" in page
    assert "<script>alert(1)" not in page and "<Aman>" not in page
    detail = client.get("/innovations/").content.decode()
    assert "Layanan &lt;Aman&gt;" in detail


def test_filters_narrow_the_list(client, make_innovation, make_institution):
    city = make_institution("Pemerintah Kota Banjarmasin", "63", kind="city_gov")
    ministry_body = make_institution("Kementerian Keuangan", kind="ministry")
    make_innovation("A Kota", innovator=city, sdgs=(4,), category="pendidikan", launched_year=2018)
    make_innovation(
        "B Pusat", innovator=ministry_body, phase="institutionalization", kipp_recognition="top45"
    )
    make_innovation("C Provinsi", sdgs=(3, 4))
    cases = {
        "province=63": {"A Kota", "C Provinsi"},
        "innovator_kind=city": {"A Kota"},
        "innovator_kind=central": {"B Pusat"},
        "innovator_kind=province": {"C Provinsi"},
        "category=pendidikan": {"A Kota"},
        "sdg=4": {"A Kota", "C Provinsi"},
        "phase=institutionalization": {"B Pusat"},
        "kipp=top45": {"B Pusat"},
        "year=2018": {"A Kota"},
        "province=63&sdg=4&category=pendidikan": {"A Kota"},
    }
    for query, expected in cases.items():
        assert set(titles(client.get(f"/innovations/?{query}"))) == expected, query


def test_sorting_by_newest_and_by_title(client, make_innovation):
    now = timezone.now()
    make_innovation("Bravo", approved_at=now - timedelta(days=3))
    make_innovation("Alfa", approved_at=now - timedelta(days=1))
    make_innovation("Charlie", approved_at=now - timedelta(days=2))
    assert titles(client.get("/innovations/")) == ["Alfa", "Charlie", "Bravo"]
    assert titles(client.get("/innovations/?sort=title")) == ["Alfa", "Bravo", "Charlie"]


def test_keyset_pages_walk_the_whole_list_once(client, make_innovation, settings):
    for n in range(45):
        make_innovation(f"Inovasi {n:02d}")
    seen, url = [], "/innovations/?sort=title"
    while url:
        response = client.get(url)
        seen += titles(response)
        cursor = response.context["results"].next_cursor
        url = f"/innovations/?sort=title&cursor={cursor}" if cursor else ""
    assert seen == [f"Inovasi {n:02d}" for n in range(45)]


def test_a_deep_cursor_starts_after_the_row_it_names(client, make_innovation):
    rows = [make_innovation(f"Inovasi {n}") for n in range(3)]
    newest_first = sorted(rows, key=lambda r: (r.approved_at, r.id), reverse=True)
    cursor = cursor_for(newest_first[0].approved_at, newest_first[0].id)
    assert titles(client.get(f"/innovations/?cursor={cursor}")) == [
        r.title for r in newest_first[1:]
    ]


def test_the_count_is_capped_when_counting_would_be_slow(client, make_innovation, monkeypatch):
    monkeypatch.setattr("innovations.search.COUNT_CAP", 3)
    for n in range(5):
        make_innovation(f"Inovasi {n}")
    results = client.get("/innovations/").context["results"]
    assert (results.count, results.count_capped) == (3, True)
    assert "3" in client.get("/innovations/").content.decode()


def test_htmx_gets_only_the_results_and_a_history_restore_the_whole_page(client, make_innovation):
    make_innovation("Layanan")
    partial = client.get("/innovations/?q=layanan", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Layanan" in partial.content
    assert "HX-Request" in partial.headers["Vary"]
    restored = client.get(
        "/innovations/?q=layanan",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in restored.content


def test_an_empty_result_explains_what_to_try(client):
    page = client.get("/innovations/?q=zzzzzz").content.decode()
    assert 'href="/innovations/"' in page and "<mark>" not in page


@pytest.mark.parametrize(
    "query",
    [
        "page=999999999999",
        "cursor=%00",
        "cursor=W10",
        "cursor=WyJ4IiwxXQ",
        "year=abc",
        "year=99999999999999999999",
        "sdg=0",
        "province=zz",
        "sort=drop",
        "q=%00",
        "q=" + "a" * 5000,
        "q=%F0%9F%8C%8F%20%22%20-",
        "q=!!!%26%7C",
        "innovator_kind=x",
        "category=..%2F..",
        "q=%E0%B8%81%E0%B8%B2%E0%B8%A3",
    ],
)
def test_odd_query_strings_never_break_the_list(client, make_innovation, query):
    make_innovation("Layanan")
    assert client.get(f"/innovations/?{query}").status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_a_constant_number_of_queries(
    client, make_innovation, count, django_assert_max_num_queries
):
    for n in range(count):
        make_innovation(f"Layanan {n}", sdgs=(3, 4))
    for query in ["", "?q=layanan", "?q=layanan&sort=newest", "?province=63&sdg=3", "?sort=title"]:
        with django_assert_max_num_queries(4):
            assert client.get(f"/innovations/{query}").status_code == 200


def test_the_detail_page_shows_every_section(client, make_innovation):
    innovation = make_innovation(
        "Sahabat Rimba",
        sdgs=(15, 13),
        contact_email="kph@jogjaprov.go.id",
        kipp_recognition="top99",
        kipp_year=2019,
    )
    page = client.get(innovation.get_absolute_url()).content.decode()
    for text in [
        innovation.summary,
        innovation.problem,
        innovation.solution,
        innovation.results,
        innovation.replication_requirements,
        innovation.innovator.name,
        "Kalimantan Selatan",
        "kph@jogjaprov.go.id",
        "15.",
        "13.",
        "Top 99 2019",
    ]:
        assert text in page, text


def test_innovators_directory_counts_only_approved_innovations(
    client, make_innovation, make_institution
):
    city = make_institution("Pemerintah Kota Banjarmasin", "63", kind="city_gov")
    make_innovation("A", innovator=city)
    make_innovation("B", innovator=city)
    make_innovation("C", innovator=city, status="draft")
    hidden = make_institution("Dinas Tanpa Inovasi Publik", "33")
    make_innovation("D", innovator=hidden, status="submitted")

    page = client.get("/innovations/innovators/")
    rows = {i.name: i.innovation_count for i in page.context["page"].object_list}
    assert rows == {"Pemerintah Kota Banjarmasin": 2}
    assert (
        client.get("/innovations/innovators/?kind=city&province=63").context["page"].paginator.count
        == 1
    )
    assert client.get("/innovations/innovators/?kind=central").context["page"].paginator.count == 0

    profile = client.get(city.get_absolute_url()).content.decode()
    assert "A" in profile and ">C<" not in profile
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_bappeda_officer_sees_no_dead_replicate_button_before_plans_exist(
    make_innovation, bappeda_kalsel
):
    from django.urls import NoReverseMatch, reverse

    innovation = make_innovation("Sahabat Rimba")
    page = client_for(bappeda_kalsel).get(innovation.get_absolute_url()).content.decode()
    try:
        plan_url = reverse("replication:plan_new")
    except NoReverseMatch:
        assert "/replication/" not in page
    else:
        assert plan_url in page


def stored_kind(innovation) -> str:
    from innovations.models import Innovation

    return Innovation.objects.values_list("innovator_kind", flat=True).get(pk=innovation.pk)


def test_the_innovators_level_of_government_is_kept_on_the_innovation(
    client, make_innovation, make_institution
):
    """Triggers (migration 0014): on insert, on another innovator, on an innovator's new
    kind, and against a full save of a stale instance; check_data agrees throughout."""
    from innovations.invariants import innovator_kind_is_stored_right
    from innovations.models import Innovation
    from jipp.models import Institution

    city = make_institution("Pemerintah Kota Banjarmasin", "63", kind="city_gov")
    regency = make_institution("Pemerintah Kabupaten Banjar", "63", kind="regency_gov")
    other = make_institution("Yayasan Warga", "63", kind="other")
    innovation = make_innovation("Layanan Kota", innovator=city)
    assert stored_kind(innovation) == "city"
    assert stored_kind(make_innovation("Layanan Warga", innovator=other)) == ""

    stale = Innovation.objects.get(pk=innovation.pk)
    Innovation.objects.filter(pk=innovation.pk).update(innovator=regency)
    assert stored_kind(innovation) == "regency"
    stale.title = "Layanan Kota Baru"
    stale.save()  # writes its stale innovator (city) and kind back: both stay consistent
    assert stored_kind(innovation) == "city"

    Institution.objects.filter(pk=city.pk).update(kind="ministry")
    assert stored_kind(innovation) == "central"
    assert titles(client.get("/innovations/?innovator_kind=central")) == ["Layanan Kota Baru"]
    assert titles(client.get("/innovations/?innovator_kind=city")) == []
    assert innovator_kind_is_stored_right() == []


def test_check_data_names_an_innovation_whose_stored_kind_is_wrong(make_innovation):
    from django.db import connection

    from innovations.invariants import innovator_kind_is_stored_right

    innovation = make_innovation("Layanan Provinsi")
    with connection.cursor() as cursor:
        # A fix by hand with the triggers off, as a restore or a replica could do.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE innovations_innovation SET innovator_kind = 'city' WHERE id = %s",
            [innovation.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert innovator_kind_is_stored_right() == [
        f"innovation {innovation.slug}: stored 'city', innovator's 'province'"
    ]
