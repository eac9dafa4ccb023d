"""Evidence-file checks: real small files of every accepted kind, and the files refused."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from openpyxl import Workbook

from replication.uploads import MAX_BYTES, CheckedFile, check_evidence, download_name, evidence_path
from tests.support.compound import excel_workbook, word_document

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 32
    + b"\xff\xd9"
)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
ODF_TEXT = "application/vnd.oasis.opendocument.text"
OOXML = "application/vnd.openxmlformats-officedocument."


def zipped(entries: dict[str, str], mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype is not None:  # OpenDocument: first entry, stored
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            "word/document.xml": '<?xml version="1.0"?><w:document/>',
        }
    )


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Kabupaten", "Anggaran"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return zipped({"content.xml": "<office:document-content/>"}, ODF_TEXT)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_evidence(upload(name, content))
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("laporan.pdf", PDF, "application/pdf"),
        ("foto.png", png(), "image/png"),
        ("foto.JPG", JPEG, "image/jpeg"),
        ("foto.jpeg", JPEG, "image/jpeg"),
        ("foto.webp", WEBP, "image/webp"),
        ("notulen.docx", docx(), OOXML + "wordprocessingml.document"),
        ("anggaran.xlsx", xlsx(), OOXML + "spreadsheetml.sheet"),
        ("notulen.odt", odt(), ODF_TEXT),
        ("lama.doc", word_document(), "application/msword"),
        ("lama.xls", excel_workbook(), "application/vnd.ms-excel"),
        ("laporan.v2.final.pdf", PDF, "application/pdf"),
    ],
)
def test_accepted(name: str, content: bytes, content_type: str) -> None:
    file = upload(name, content)
    checked = check_evidence(file)
    assert checked == CheckedFile(
        extension=name.rsplit(".", 1)[1].lower(),
        content_type=content_type,
        size=len(content),
        original_name=name,
    )
    assert file.tell() == 0  # left ready for storage
    assert file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("kosong.pdf", b"", "empty", "is empty"),
        ("besar.pdf", b"%PDF-1.4\n" + b"0" * (MAX_BYTES + 1 - 9), "too_large", "10.1 MB"),
        ("program.exe", EXE, "extension", ".pdf, .png"),
        ("laporan.pdf.exe", PDF, "extension", "not an accepted kind"),
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "extension", ".docx"),
        ("catatan.txt", b"hello\n", "extension", "not an accepted kind"),
        ("tanpa-ekstensi", PDF, "extension", "not an accepted kind"),
        ("laporan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "content", "is not a valid PDF file"),
        (
            "laporan.pdf",
            b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
            "content",
            "is not a valid PDF file",
        ),
        ("foto.png", HTML, "content", "is not a valid PNG file"),
        ("foto.html.png", HTML, "content", "is not a valid PNG file"),
        ("foto.jpg", png(), "content", "is not a valid JPEG file"),
        ("notulen.docx", b"Ini hanya teks biasa.\n" * 20, "content", "not a valid Word (.docx)"),
        ("anggaran.xlsx", zipped({"a.txt": "halo"}), "content", "not a valid Excel (.xlsx)"),
        ("anggaran.xlsx", docx(), "content", "not a valid Excel (.xlsx)"),
        ("notulen.odt", docx(), "content", "OpenDocument (.odt)"),
        ("notulen.docx", b"PK\x03\x04" + b"\x00" * 100, "content", "Word (.docx)"),
        ("lama.doc", PDF, "content", "Word (.doc)"),
        ("lama.doc", OLE2, "content", "Word (.doc)"),
        ("laporan.pdf", PDF[:9] + b"<SCRIPT>alert(1)</SCRIPT>" + PDF[9:], "script", "script"),
        ("laporan.pdf", PDF[:9] + b"<?php system($x); ?>" + PDF[9:], "script", "script"),
        ("foto.html.png", png(), "double_extension", ".html"),
        ("foto.exe.jpg", JPEG, "double_extension", ".exe"),
    ],
)
def test_refused(name: str, content: bytes, code: str, words: str) -> None:
    error = refusal(name, content)
    assert error.code == code
    message = error.messages[0]
    assert name in message
    assert words in message


def test_script_marker_beyond_four_kilobytes_is_not_looked_for() -> None:
    content = PDF[:9] + b"%" + b"x" * 5000 + b"\n<script>" + PDF[9:]
    assert check_evidence(upload("panjang.pdf", content)).extension == "pdf"


@pytest.mark.parametrize("language", ["id", "en"])
def test_messages_name_the_file_in_either_language(language: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        check_evidence(upload("foto.png", HTML))
    assert "foto.png" in caught.value.messages[0]


def test_a_docx_spooled_to_disk_is_read_whole_and_left_rewound() -> None:
    content = docx()
    file = TemporaryUploadedFile("notulen.docx", "application/octet-stream", len(content), None)
    file.write(content)
    file.seek(0)
    try:
        assert check_evidence(file).extension == "docx"
        assert file.tell() == 0
    finally:
        file.close()


def test_evidence_path_is_random_and_keeps_only_allowed_extensions() -> None:
    first = evidence_path(None, "Laporan Akhir.PDF")
    second = evidence_path(None, "Laporan Akhir.PDF")
    assert first != second
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
    assert "Laporan" not in first
    assert evidence_path(None, "skrip.php").endswith(".bin")
    assert evidence_path(None, "../../etc/passwd").endswith(".bin")
    assert evidence_path(None, "foto.jpeg").endswith(".jpeg")


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("../../etc/laporan.pdf", "laporan.pdf"),
        ("C:\\Users\\budi\\foto.png", "foto.png"),
        ("lap\"oran's.pdf", "laporans.pdf"),
        ("nota\r\nSet-Cookie: x.pdf", "notaSet-Cookie x.pdf"),
        ("../", "bukti-dukung"),
        ('".pdf', "bukti-dukung.pdf"),
        ("", "bukti-dukung"),
        ("Rencana Replikasi Kab. Banjar.docx", "Rencana Replikasi Kab. Banjar.docx"),
        ("peta_wilayah", "peta_wilayah"),
    ],
)
def test_download_name(original: str, expected: str) -> None:
    assert download_name(original) == expected
