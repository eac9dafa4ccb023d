"""Importing vetted innovations from a spreadsheet: dry run, all or nothing, repeatable."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from innovations import importer
from innovations.models import Innovation
from jipp.models import AuditEvent, Institution
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import" / "kipp-sample.csv"
HEADER = [
    "Judul", "Instansi", "Jenis_Instansi", "Provinsi", "Kategori", "TPB", "Fase", "Tahun",
    "Ringkasan", "Masalah", "Solusi", "Hasil", "Kebutuhan_Replikasi", "Penghargaan_KIPP",
    "Tahun_KIPP",
]  # fmt: skip
TEXT = ["Ringkasan.", "Masalah warga.", "Solusi layanan.", "Hasil terukur.", "Anggaran."]


def _row(title="Posyandu Digital", innovator="Pemerintah Kabupaten Banjar", **changes):
    row = dict(
        zip(
            HEADER,
            [
                title, innovator, "regency_gov", "Kalimantan Selatan", "kesehatan", "3, 17",
                "pengembangan", "2019", *TEXT, "Top 99", "2020",
            ],
            strict=True,
        )
    )  # fmt: skip
    return {**row, **changes}


def _csv(rows, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def _upload(client, data: bytes, *, dry_run: bool, name="kipp.csv", language="id"):
    post: dict[str, object] = {"file": SimpleUploadedFile(name, data)}
    if dry_run:
        post["dry_run"] = "on"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post("/innovations/import/", post)


GOOD = [
    _row(),
    _row(
        "Sekolah Terbuka",
        "Dinas Pendidikan Provinsi Jambi",
        Provinsi="15",
        Kategori="Education",
        Fase="institutionalization",
        Jenis_Instansi="province_gov",
        Penghargaan_KIPP="",
        Tahun_KIPP="",
    ),
    _row(
        "LAPOR!",
        "Kementerian PANRB",
        Provinsi="",
        Jenis_Instansi="ministry",
        Kategori="tata-kelola",
        TPB="16",
        Penghargaan_KIPP="Outstanding Achievement",
    ),
]


def test_a_good_csv_imports_approved_innovations_and_their_institutions(ministry):
    response = _upload(client_for(ministry), _csv(GOOD, bom=True), dry_run=False)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.saved and not result.problems and len(result.created) == 3

    posyandu = Innovation.objects.get(title="Posyandu Digital")
    assert posyandu.status == "approved" and posyandu.approved_at is not None
    assert posyandu.innovator.kind == "regency_gov" and posyandu.province.code == "63"
    assert posyandu.innovator.province.code == "63"
    assert posyandu.sdg_numbers == [3, 17] and posyandu.kipp_recognition == "top99"
    assert posyandu.phase == "development" and posyandu.kipp_year == 2020
    lapor = Innovation.objects.get(title="LAPOR!")
    assert lapor.province is None and lapor.innovator.province is None
    assert lapor.kipp_recognition == "outstanding"
    assert Innovation.objects.get(title="Sekolah Terbuka").category.slug == "pendidikan"
    assert AuditEvent.objects.filter(action="innovation_imported").count() == 3
    assert Innovation.objects.public().count() == 3


def test_importing_the_same_file_again_creates_nothing_new(ministry):
    client = client_for(ministry)
    _upload(client, _csv(GOOD), dry_run=False)
    first = Innovation.objects.get(title="Posyandu Digital")
    changed = [_row(title="posyandu digital ", Ringkasan="Ringkasan baru."), *GOOD[1:]]
    response = _upload(client, _csv(changed, delimiter=";"), dry_run=False)
    result = response.context["result"]
    assert result.saved and result.created == [] and len(result.updated) == 3
    assert not result.new_institutions
    assert (
        Innovation.objects.count() == 3
        and Institution.objects.filter(name="Pemerintah Kabupaten Banjar").count() == 1
    )
    again = Innovation.objects.get(pk=first.pk)
    assert again.summary == "Ringkasan baru." and again.approved_at == first.approved_at


def test_an_existing_institution_is_matched_by_name_within_its_province(ministry, make_institution):
    banjar = make_institution("PEMERINTAH KABUPATEN BANJAR", "63", kind="regency_gov")
    Institution.objects.create(  # the same name in another province is another institution
        name="Pemerintah Kabupaten Banjar", slug="banjar-jabar", kind="regency_gov", province=None
    )
    _upload(client_for(ministry), _csv([_row(Jenis_Instansi="")]), dry_run=False)
    assert Innovation.objects.get().innovator == banjar


def test_a_dry_run_lists_every_problem_and_saves_nothing(ministry):
    bad = [
        _row(),
        _row("Dua", Provinsi="Kalimantan Tengh"),
        _row("Tiga", Kategori="astronomi", TPB="3, 18", Fase="mimpi", Tahun="19xx"),
        _row("Empat", Penghargaan_KIPP="Top 100", Tahun_KIPP=""),
        _row("", innovator="Dinas Baru", Jenis_Instansi="", Masalah=""),
        _row(),  # the first row again
    ]
    response = _upload(client_for(ministry), _csv(bad), dry_run=True, language="en")
    problems = response.context["result"].problems
    text = "\n".join(problems)
    assert "Row 3: province 'Kalimantan Tengh' is not known." in problems
    for expected in ["Row 4: category 'astronomi'", "'18'", "phase 'mimpi'", "year '19xx'"]:
        assert expected in text
    assert "Row 5: KIPP recognition 'Top 100' is not known." in problems
    assert "Row 6: the column 'Judul' is empty." in problems
    assert "Row 6: the column 'Masalah' is empty." in problems
    assert "Row 7: the same innovation as row 2." in problems
    assert (
        not Innovation.objects.exists()
        and not Institution.objects.filter(name="Pemerintah Kabupaten Banjar").exists()
    )


def test_a_new_institution_needs_its_kind():
    with translation.override("en"):
        result = importer.run_import(file=io.BytesIO(_csv([_row(Jenis_Instansi="")])), by=None)  # type: ignore[arg-type]
    assert result.problems == [
        "Row 2: institution 'Pemerintah Kabupaten Banjar' is new: give its kind."
    ]


def test_problems_are_in_indonesian_by_default(ministry):
    response = _upload(
        client_for(ministry), _csv([_row(Provinsi="Kalimantan Tengh")]), dry_run=True
    )
    assert "Kalimantan Tengh" in response.content.decode()


def test_a_real_run_with_one_bad_row_saves_nothing(ministry):
    rows = [*GOOD, _row("Buruk", Tahun="1850")]
    response = _upload(client_for(ministry), _csv(rows), dry_run=False)
    result = response.context["result"]
    assert not result.saved and len(result.problems) == 1
    assert not Innovation.objects.exists()
    assert not AuditEvent.objects.filter(action="innovation_imported").exists()


def test_a_dry_run_of_a_good_file_saves_nothing_and_says_what_would_happen(ministry):
    response = _upload(client_for(ministry), _csv(GOOD), dry_run=True)
    result = response.context["result"]
    assert not result.saved and not result.problems
    assert result.created == ["Posyandu Digital", "Sekolah Terbuka", "LAPOR!"]
    assert len(result.new_institutions) == 3
    assert not Innovation.objects.exists()


def test_an_xlsx_file_imports(ministry):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in GOOD:
        values = [row[h] for h in HEADER]
        values[7] = int(values[7])  # a number cell, as Excel stores years
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(client_for(ministry), buffer.getvalue(), dry_run=False, name="kipp.xlsx")
    assert response.context["result"].saved
    assert Innovation.objects.get(title="Posyandu Digital").launched_year == 2019


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, "neither"),
        (b"PK\x03\x04 not really a zip file", "XLSX"),
        (b"", ""),  # Django's own check: the file is empty
        (b"nama,alamat\nBudi,Jl. Merdeka\n", "Columns missing"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(ministry, data, message):
    response = _upload(client_for(ministry), data, dry_run=True, language="en")
    assert response.context["result"] is None
    assert message in str(response.context["form"].errors["file"])


def test_an_oversized_file_is_refused(ministry):
    data = _csv(GOOD) + b"x" * importer.MAX_BYTES
    response = _upload(client_for(ministry), data, dry_run=True, language="en")
    assert "10 MB" in str(response.context["form"].errors["file"])
    with pytest.raises(importer.ImportFileError):
        importer.read_table(data)


def test_too_many_rows_are_refused(ministry):
    rows = [_row(f"Inovasi {n}") for n in range(importer.MAX_ROWS + 1)]
    with pytest.raises(importer.ImportFileError, match="5,000"), translation.override("en"):
        importer.run_import(file=io.BytesIO(_csv(rows)), by=ministry)


def test_the_shipped_sample_passes_a_dry_run(ministry):
    response = _upload(client_for(ministry), SAMPLE.read_bytes(), dry_run=True)
    result = response.context["result"]
    assert result.problems == [] and result.rows == 5 and len(result.created) == 5


def test_the_shipped_sample_imports_with_a_central_ministry(ministry):
    _upload(client_for(ministry), SAMPLE.read_bytes(), dry_run=False)
    assert Innovation.objects.public().count() == 5
    assert Innovation.objects.filter(province__isnull=True).count() == 1


def test_the_import_page_shows_the_form_with_dry_run_checked(ministry):
    response = client_for(ministry).get("/innovations/import/")
    assert response.status_code == 200
    assert response.context["form"]["dry_run"].value() is True


@pytest.mark.parametrize("who", ["innovator_diy", "bappeda_kalsel", "forum_admin"])
def test_other_roles_may_not_import(who, persona):
    response = _upload(client_for(persona(who)), _csv(GOOD), dry_run=False)
    assert response.status_code == 403
    assert not Innovation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(anon):
    response = client_for(anon).get("/innovations/import/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
