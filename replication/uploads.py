"""Checks for the evidence files of replication plans.

An evidence file is a PDF, an image or an office document of at most 10 MB. Its content is
identified by puremagic (pure Python, from the file's first bytes), not by its name alone;
puremagic sees every ZIP-based document as "a ZIP" and every OLE2 document as "an OLE2 file",
so the OOXML and OpenDocument formats are then told apart with the standard library's
zipfile. Legacy .doc/.xls/.ppt are accepted as any OLE2 compound file.

Refused, with a message that names the file: an empty file, a file over the limit, an
extension not in ALLOWED (SVG is left out: it can carry script), content that is not what the
extension says, any file whose first 4 KB contain ``<script``, ``<html`` or ``<?php`` (case
ignored, whatever the type: a simple guard against polyglots), and names such as
``foto.html.png`` whose inner extension is executable or web content.

Accepted files are stored under random names (evidence_path); the original name is kept
by the caller and cleaned for downloads by download_name.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

import puremagic
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."

# extension: (content type, name in messages, what puremagic must report). puremagic sees
# every OLE2 compound file as ".doc" (among others) and every ZIP as ".zip".
_FORMATS: dict[str, tuple[str, str, str]] = {
    "pdf": ("application/pdf", "PDF", ".pdf"),
    "png": ("image/png", "PNG", ".png"),
    "jpg": ("image/jpeg", "JPEG", ".jpg"),
    "jpeg": ("image/jpeg", "JPEG", ".jpg"),
    "webp": ("image/webp", "WebP", ".webp"),
    "docx": (OOXML + "wordprocessingml.document", "Word (.docx)", ".zip"),
    "xlsx": (OOXML + "spreadsheetml.sheet", "Excel (.xlsx)", ".zip"),
    "pptx": (OOXML + "presentationml.presentation", "PowerPoint (.pptx)", ".zip"),
    "doc": ("application/msword", "Word (.doc)", ".doc"),
    "xls": ("application/vnd.ms-excel", "Excel (.xls)", ".doc"),
    "ppt": ("application/vnd.ms-powerpoint", "PowerPoint (.ppt)", ".doc"),
    "odt": (ODF + "text", "OpenDocument (.odt)", ".zip"),
    "ods": (ODF + "spreadsheet", "OpenDocument (.ods)", ".zip"),
    "odp": (ODF + "presentation", "OpenDocument (.odp)", ".zip"),
}
ALLOWED: dict[str, str] = {ext: spec[0] for ext, spec in _FORMATS.items()}
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}

MAX_BYTES = 10 * 1024 * 1024
HEAD_BYTES = 8 * 1024
SCRIPT_WINDOW = 4 * 1024
SCRIPT_MARKERS = (b"<script", b"<html", b"<?php")

# Inner extensions that make a name like "foto.html.png" suspect.
_EXECUTABLE = {"exe", "com", "bat", "cmd", "scr", "msi", "dll", "pif", "cpl", "jar"}
_SCRIPT = {"js", "mjs", "vbs", "vbe", "wsf", "ps1", "sh", "php", "phtml", "hta"}
_WEB = {"html", "htm", "xhtml", "shtml", "svg", "svgz"}
RISKY_INNER = frozenset(_EXECUTABLE | _SCRIPT | _WEB)


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str
    size: int
    original_name: str


def _extension(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rpartition(".")[2].lower() if "." in base else ""


def _size_of(upload: UploadedFile) -> int:
    if upload.size is not None:
        return upload.size
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def _sniffed(head: bytes) -> set[str]:
    """The extensions puremagic finds in these first bytes (header signatures only)."""
    try:
        return {m.extension for m in puremagic.magic_string(head) if m.offset >= 0}
    except (puremagic.PureError, ValueError):
        return set()


def _zip_matches(upload: UploadedFile, ext: str) -> bool:
    """An OOXML or OpenDocument archive of the kind ext names."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if ext in _OOXML_PARTS:
                part = _OOXML_PARTS[ext]
                return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)
            info = archive.getinfo("mimetype")
            return info.file_size < 100 and archive.read(info) == ALLOWED[ext].encode()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError):
        return False
    finally:
        upload.seek(0)


def check_evidence(upload: UploadedFile) -> CheckedFile:
    """Return what the upload is, or raise ValidationError saying why it is refused."""
    name = upload.name or ""
    shown = download_name(name)
    ext = _extension(name)
    size = _size_of(upload)
    if size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": shown})
    if size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s MB; evidence files may be at most %(limit)s MB."),
            code="too_large",
            params={
                "name": shown,
                "size": number_format(math.ceil(size * 10 / (1024 * 1024)) / 10, 1),
                "limit": MAX_BYTES // (1024 * 1024),
            },
        )
    if ext not in ALLOWED:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file. Accepted: %(kinds)s."),
            code="extension",
            params={"name": shown, "kinds": ", ".join(f".{e}" for e in ALLOWED)},
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    content_type, kind, sign = _FORMATS[ext]
    content_ok = sign in _sniffed(head)
    if content_ok and sign == ".zip":
        content_ok = _zip_matches(upload, ext)
    if not content_ok:
        raise ValidationError(
            _("The content of %(name)s is not a valid %(kind)s file."),
            code="content",
            params={"name": shown, "kind": kind},
        )
    if any(marker in head[:SCRIPT_WINDOW].lower() for marker in SCRIPT_MARKERS):
        raise ValidationError(
            _("%(name)s contains web page or script code and cannot be accepted."),
            code="script",
            params={"name": shown},
        )
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    inner = [part for part in base.split(".")[1:-1] if part.strip() in RISKY_INNER]
    if inner:
        raise ValidationError(
            _("The name %(name)s hides another kind of file (.%(inner)s): rename it."),
            code="double_extension",
            params={"name": shown, "inner": inner[0]},
        )
    return CheckedFile(extension=ext, content_type=content_type, size=size, original_name=name)


def evidence_path(instance: object, filename: str) -> str:
    """upload_to for evidence files: evidence/<year>/<month>/<random>.<ext>."""
    ext = _extension(filename)
    if ext not in ALLOWED:
        ext = "bin"
    return timezone.localdate().strftime("evidence/%Y/%m/") + f"{uuid.uuid4().hex}.{ext}"


def download_name(original: str) -> str:
    """A filename safe for Content-Disposition, keeping the extension."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        ch for ch in base if unicodedata.category(ch)[0] not in "CZ" or ch == " "
    )  # control, format and odd space characters
    base = "".join(ch for ch in base if ch not in "\"'`<>:|?*;")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = " ".join(stem.split()).strip(" .")[:120]
    ext = ext.strip() if ext.strip().isalnum() and len(ext.strip()) <= 10 else ""
    stem = stem or "bukti-dukung"
    return f"{stem}.{ext}" if ext else stem
