"""The shared upload check (jipp.uploads): Office's old binary formats told apart by their
compound file's directory, a caller's narrower kinds and limit, and the old evidence names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation

from jipp.uploads import SLIDES, CheckedFile, check_upload, compound_streams, download_name
from replication import uploads as evidence_uploads
from tests.support.compound import (
    compound_file,
    excel_workbook,
    installer,
    powerpoint_presentation,
    word_document,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes, **options: object) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content), **options)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("sop-lama.doc", word_document(), "application/msword"),
        ("anggaran.xls", excel_workbook(), "application/vnd.ms-excel"),
        ("anggaran-95.xls", compound_file({"Book": b"\x09\x08"}), "application/vnd.ms-excel"),
        ("paparan.ppt", powerpoint_presentation(), "application/vnd.ms-powerpoint"),
    ],
)
def test_it_accepts_office_binary_files_that_have_their_format_stream(
    name: str, content: bytes, content_type: str
) -> None:
    file = upload(name, content)
    assert check_upload(file) == CheckedFile(
        extension=name.rsplit(".", 1)[1],
        content_type=content_type,
        size=len(content),
        original_name=name,
    )
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.doc", installer()),
        ("setup.xls", installer()),
        ("setup.ppt", installer()),
        ("dokumen.xls", word_document()),  # a real Word file named as a workbook
        ("dokumen.ppt", excel_workbook()),
        ("dokumen.doc", powerpoint_presentation()),
    ],
)
def test_it_refuses_a_compound_file_of_another_kind_renamed(name: str, content: bytes) -> None:
    error = refusal(name, content)
    assert error.code == "compound"
    assert name in error.messages[0]
    assert "installer" in error.messages[0]


def test_it_refuses_a_compound_header_with_a_broken_directory() -> None:
    broken = word_document()[:512] + b"\x00" * 1024
    error = refusal("rusak.doc", broken)
    assert error.code in {"content", "compound"}
    assert "Word (.doc)" in error.messages[0]


def test_the_directory_is_read_from_a_file_spooled_to_disk() -> None:
    content = installer()
    file = TemporaryUploadedFile("setup.doc", "application/msword", len(content), None)
    file.write(content)
    file.seek(0)
    try:
        assert compound_streams(file) == {"\x05SummaryInformation", "\u4840\u3f3f"}
        assert file.tell() == 0
        with pytest.raises(ValidationError):
            check_upload(file)
    finally:
        file.close()


def test_a_caller_narrows_the_kinds_and_the_message_lists_only_those() -> None:
    assert check_upload(upload("paparan.pdf", PDF), allowed=SLIDES).content_type == (
        "application/pdf"
    )
    error = refusal("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, allowed=SLIDES)
    assert error.code == "extension"
    assert ".pptx" in error.messages[0]
    assert ".png" not in error.messages[0].split("Accepted:")[1]


def test_a_caller_sets_a_smaller_limit() -> None:
    error = refusal("besar.pdf", PDF + b"%" * 2048, max_bytes=1024 * 1024 // 512)
    assert error.code == "too_large"


def test_an_html_polyglot_with_a_pdf_header_is_refused() -> None:
    content = PDF[:9] + b"<html><script>alert(1)</script></html>" + PDF[9:]
    assert refusal("laporan.pdf", content).code == "script"


def test_the_evidence_names_are_the_shared_check() -> None:
    assert evidence_uploads.check_evidence(upload("a.doc", word_document())).extension == "doc"
    with pytest.raises(ValidationError):
        evidence_uploads.check_evidence(upload("setup.doc", installer()))
    assert evidence_uploads.download_name("") == "bukti-dukung"
    assert download_name("") == "berkas"
    assert download_name("../SOP Layanan.pdf") == "SOP Layanan.pdf"
