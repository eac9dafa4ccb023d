"""Exports of the catalogue: exactly the list's rows, public columns only, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import time
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import load_workbook

from innovations import exports
from innovations.models import SDG, Category, Innovation
from jipp.exports import XLSX_TYPE, run_export
from jipp.models import Export, ExportStatus, Notification
from jipp.tasks import delete_old_exports
from tests.conftest import client_for

ENGLISH_HEADER = [
    "Title",
    "Link",
    "Innovator",
    "Level of government",
    "Province of origin",
    "Sector",
    "Phase",
    "Year launched",
    "KIPP recognition",
    "KIPP year",
    "SDGs",
    "Summary",
    "Published on",
]


def make(title, institution, *, status="approved", category="kesehatan", sdgs=(3,), **fields):
    values = {
        "slug": slugify(title)[:60],
        "innovator": institution,
        "province": institution.province,
        "category": Category.objects.get(slug=category),
        "phase": "development",
        "launched_year": 2019,
        "summary": f"Ringkasan {title} untuk warga.",
        "problem": "Masalah yang dihadapi warga.",
        "solution": "Solusi yang diterapkan.",
        "results": "Hasil yang dicapai.",
        "replication_requirements": "Anggaran, regulasi, dan petugas.",
        "status": status,
        **fields,
    }
    innovation = Innovation.objects.create(title=title, **values)
    innovation.sdgs.set(SDG.objects.filter(number__in=sdgs))
    return innovation


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    # The counters live in the shared Redis: a prefix of this test's own keeps them apart
    # from other tests and runs (no cache.clear(), which would also empty the broker).
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"


@pytest.fixture
def registry(db, make_institution, ministry):
    """Three approved innovations (two of Kalimantan Selatan), one draft, one archived."""
    kalsel = make_institution("Dinas Kesehatan Provinsi Kalimantan Selatan", "63")
    semarang = make_institution("Pemerintah Kota Semarang", "33", kind="city_gov")
    return {
        "boat": make(
            "Puskesmas Keliling Terapung",
            kalsel,
            sdgs=(3, 6),
            kipp_recognition="top45",
            kipp_year=2021,
            created_by=ministry,  # a person: must appear nowhere in an export
            contact_email="dinkes@kalselprov.go.id",
        ),
        "referral": make("Sistem Rujukan Puskesmas Daring", kalsel, created_by=ministry),
        "licence": make("Perizinan Satu Pintu Kota", semarang, category="perizinan", sdgs=(16,)),
        "draft": make("Rahasia Puskesmas Draf", kalsel, status="draft"),
        "archived": make("Puskesmas Lama Diarsipkan", kalsel, status="archived"),
    }


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel then reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def listed_titles(client, query: str) -> list[str]:
    return [row.title for row in client.get(f"/innovations/{query}").context["results"].rows]


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?province=63", "?category=perizinan", "?sort=title"])
def test_the_csv_has_exactly_the_rows_the_list_shows_in_its_order(client, registry, query):
    response = client.get(f"/innovations/export.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="jipp-inovasi-')
    assert response["Content-Disposition"].endswith('.csv"')
    titles = [row[0] for row in csv_rows(response)[1:]]
    assert titles == listed_titles(client, query)
    assert titles  # each case shows something


@pytest.mark.django_db
def test_a_search_exports_every_match_the_list_finds(client, registry):
    titles = [row[0] for row in csv_rows(client.get("/innovations/export.csv?q=puskesmas"))[1:]]
    assert sorted(titles) == sorted(listed_titles(client, "?q=puskesmas"))
    # Without an explicit sort, every match, newest first.
    assert titles == ["Sistem Rujukan Puskesmas Daring", "Puskesmas Keliling Terapung"]
    relevance = client.get("/innovations/export.csv?q=puskesmas&sort=relevance")
    assert sorted(row[0] for row in csv_rows(relevance)[1:]) == sorted(titles)


@pytest.mark.django_db
def test_the_paging_of_the_list_does_not_cut_the_export(client, registry):
    response = client.get("/innovations/export.csv?province=63&cursor=garbage&page=3")
    assert len(csv_rows(response)) == 1 + 2


@pytest.mark.django_db
def test_the_header_is_in_the_active_language(client, registry):
    indonesian = csv_rows(client.get("/innovations/export.csv"))
    assert len(indonesian[0]) == len(ENGLISH_HEADER)
    client.post("/i18n/setlang/", {"language": "en"})
    english = csv_rows(client.get("/innovations/export.csv"))
    assert english[0] == ENGLISH_HEADER
    boat = next(row for row in english if row[0] == "Puskesmas Keliling Terapung")
    assert boat[4:7] == ["Kalimantan Selatan", "Health", "Development"]


@pytest.mark.django_db
def test_a_row_holds_the_public_description(client, registry, settings):
    client.post("/i18n/setlang/", {"language": "en"})
    rows = csv_rows(client.get("/innovations/export.csv?sdg=6"))
    assert len(rows) == 2
    row = dict(zip(ENGLISH_HEADER, rows[1], strict=True))
    boat = registry["boat"]
    assert row == {
        "Title": "Puskesmas Keliling Terapung",
        "Link": f"{settings.SITE_URL}/innovations/{boat.slug}/",
        "Innovator": "Dinas Kesehatan Provinsi Kalimantan Selatan",
        "Level of government": "Provincial government",
        "Province of origin": "Kalimantan Selatan",
        "Sector": "Health",
        "Phase": "Development",
        "Year launched": "2019",
        "KIPP recognition": "Top 45",
        "KIPP year": "2021",
        "SDGs": "3, 6",  # every goal, though the filter asked for one
        "Summary": "Ringkasan Puskesmas Keliling Terapung untuk warga.",
        "Published on": timezone.localtime(boat.approved_at).date().isoformat(),
    }


@pytest.mark.django_db
def test_no_draft_no_archived_and_no_personal_data(client, registry, ministry):
    body = b"".join(client.get("/innovations/export.csv").streaming_content).decode("utf-8-sig")
    assert "Rahasia" not in body and "Diarsipkan" not in body
    assert ministry.email not in body
    assert ministry.username not in body.lower()
    # XLSX too, its note sheet included.
    book = workbook(client_for(ministry).get("/innovations/export.xlsx"))
    text = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert "Rahasia" not in text and "Diarsipkan" not in text
    assert ministry.email not in text and ministry.username not in text.lower()


@pytest.mark.django_db
def test_a_formula_in_a_title_stays_text(client, make_institution, ministry):
    make("=HYPERLINK(1) Layanan", make_institution("Dinas Uji", "63"))
    assert csv_rows(client.get("/innovations/export.csv"))[1][0] == "'=HYPERLINK(1) Layanan"
    cell = workbook(client_for(ministry).get("/innovations/export.xlsx")).worksheets[0]["A2"]
    assert cell.value == "=HYPERLINK(1) Layanan" and cell.data_type == "s"


@pytest.mark.django_db
def test_anonymous_csv_downloads_are_rate_limited(client, registry, bappeda_kalsel):
    for _ in range(10):
        assert client.get("/innovations/export.csv").status_code == 200
    limited = client.get("/innovations/export.csv")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    # A signed-in user has a generous rate of their own.
    officer = client_for(bappeda_kalsel)
    assert all(officer.get("/innovations/export.csv").status_code == 200 for _ in range(11))


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_for_xlsx(client, registry):
    response = client.get("/innovations/export.xlsx?province=63")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_a_small_xlsx_is_answered_at_once(registry, bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.get("/innovations/export.xlsx?province=63&cursor=x")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="jipp-inovasi-')
    book = workbook(response)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == ENGLISH_HEADER
    assert book.worksheets[0]["A1"].font.b
    assert [row[0] for row in rows[1:]] == listed_titles(client, "?province=63")
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Province of origin"] == "Kalimantan Selatan"
    assert about["Rows"] == 2
    assert Export.objects.count() == 0


@pytest.mark.django_db
def test_a_large_xlsx_is_queued_once_per_request_burst(registry, ministry, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    client = client_for(ministry)
    for _ in range(2):
        response = client.get("/innovations/export.xlsx?sort=title&cursor=x")
        assert response.status_code == 302
        assert response["Location"] == "/innovations/?sort=title"
    export = Export.objects.get()
    assert (export.user, export.status, export.params) == (ministry, "pending", "sort=title")


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_large_xlsx_is_built_by_a_worker_and_its_link_arrives_in_the_inbox(
    registry, ministry, bappeda_kalsel, settings, tmp_path, celery_worker
):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    client = client_for(ministry)
    response = client.get("/innovations/export.xlsx", follow=True)
    assert response.status_code == 200
    assert "kotak masuk" in " ".join(str(m) for m in response.context["messages"])

    export = Export.objects.get(user=ministry)
    assert wait_for(lambda: Export.objects.get(pk=export.pk).status != "pending")
    export.refresh_from_db()
    assert (export.status, export.row_count, export.error) == ("ready", 3, "")
    name = export.file.name or ""
    assert name.startswith("exports/") and name.endswith(".xlsx")

    notification = Notification.objects.get(user=ministry, kind="export_ready")
    assert notification.url == f"/exports/{export.pk}/"
    assert notification.dedupe_key == f"export:{export.pk}"

    download = client.get(notification.url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    rows = list(workbook(download).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    assert client_for(bappeda_kalsel).get(notification.url).status_code == 404


@pytest.mark.django_db
def test_a_failed_build_is_recorded_and_the_owner_told(ministry, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    export = Export.objects.create(user=ministry, kind=exports.KIND, params="province=63")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    assert run_export(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "disk full" in export.error
    failed = Notification.objects.get(user=ministry, kind="export_failed")
    assert failed.url == "/innovations/?province=63"
    assert run_export(export.pk) == "not pending"  # a redelivered task does nothing


@pytest.mark.django_db
def test_a_file_is_served_to_its_owner_only(ministry, forum_admin, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = Export.objects.create(
        user=ministry, kind=exports.KIND, status="ready", download_name="jipp-inovasi.xlsx"
    )
    export.file.save("x.xlsx", ContentFile(b"PK-not-really"))
    url = f"/exports/{export.pk}/"
    response = client_for(ministry).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-not-really"
    assert 'filename="jipp-inovasi.xlsx"' in response["Content-Disposition"]
    assert client_for(forum_admin).get(url).status_code == 404
    assert client.get(url).status_code == 302
    Export.objects.filter(pk=export.pk).update(status="pending")
    assert client_for(ministry).get(url).status_code == 404


@pytest.mark.django_db
def test_generated_files_are_deleted_after_a_week(ministry, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    old = Export.objects.create(user=ministry, kind="innovations", status="ready")
    old.file.save("old.xlsx", ContentFile(b"old"))
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = Export.objects.create(user=ministry, kind="innovations", status="ready")
    fresh.file.save("new.xlsx", ContentFile(b"new"))
    path = tmp_path / old.file.name

    assert delete_old_exports() == 1
    assert list(Export.objects.all()) == [fresh]
    assert not path.exists()
