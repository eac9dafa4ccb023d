"""One content check for every file people upload: evidence, kit documents, forum slides.

A file is a PDF, an image or an office document of at most 10 MB (a caller may narrow
the kinds it takes with `allowed`). Its content is identified by puremagic (pure Python,
from the file's first bytes), not by its name alone; puremagic sees every ZIP-based
document as "a ZIP" and every OLE2 document as "an OLE2 file", so:
- the OOXML and OpenDocument formats are told apart with the standard library's zipfile;
- Office's old binary formats (.doc, .xls, .ppt) are OLE2 compound files: olefile reads
  the file's directory, which must hold the stream the format has (WordDocument, Workbook
  or Book, PowerPoint Document). An installer (.msi), an Outlook message or any other
  compound file renamed .doc is refused.

Refused, with a message that names the file: an empty file, a file over the limit, an
extension not accepted (SVG never is: it can carry script), content that is not what the
extension says, any file whose first 4 KB contain ``<script``, ``<html`` or ``<?php`` (case
ignored, whatever the type: a simple guard against polyglots), and names such as
``foto.html.png`` whose inner extension is executable or web content.

Accepted files are stored under random names (each model's upload_to); the original name
is kept by the caller and cleaned for downloads by download_name.
"""

from __future__ import annotations

import math
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass

import olefile
import puremagic
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
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
# What a stored file is, for people: "PDF", "Word (.docx)".
TYPE_NAMES: dict[str, str] = {spec[0]: spec[1] for spec in reversed(_FORMATS.values())}
# Useful narrower sets for callers.
DOCUMENTS = frozenset(ALLOWED)
SLIDES = frozenset({"pdf", "pptx", "ppt", "odp"})

_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# The stream each old binary Office format has in its compound file (any one of them).
_OLE_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}

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


def type_name(content_type: str) -> str:
    """The kind of a checked file as people call it ("PDF"), from its stored content type."""
    return TYPE_NAMES.get(content_type, content_type)


def extension_of(filename: str) -> str:
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


def compound_streams(upload: UploadedFile) -> set[str] | None:
    """The names of the streams in an OLE2 compound file's directory (paths joined by
    "/"), or None when it is not a readable compound file."""
    try:
        upload.seek(0)
        with olefile.OleFileIO(upload) as ole:
            return {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # a hostile file can make the parser raise anything
        return None
    finally:
        upload.seek(0)


def _refuse_size(shown: str, size: int, max_bytes: int) -> None:
    if size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": shown})
    if size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size)s MB; files may be at most %(limit)s MB."),
            code="too_large",
            params={
                "name": shown,
                "size": number_format(math.ceil(size * 10 / (1024 * 1024)) / 10, 1),
                "limit": number_format(max_bytes / (1024 * 1024), 0),
            },
        )


def check_upload(
    upload: UploadedFile,
    *,
    allowed: Collection[str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> CheckedFile:
    """Return what the upload is, or raise ValidationError saying why it is refused.

    `allowed`: the extensions (without dot) this caller takes, a subset of ALLOWED.
    The file is left rewound, ready to be stored.
    """
    accepted = [ext for ext in ALLOWED if allowed is None or ext in allowed]
    name = upload.name or ""
    shown = download_name(name)
    ext = extension_of(name)
    size = _size_of(upload)
    _refuse_size(shown, size, max_bytes)
    if ext not in accepted:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file. Accepted: %(kinds)s."),
            code="extension",
            params={"name": shown, "kinds": ", ".join(f".{e}" for e in accepted)},
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
    if ext in _OLE_STREAMS:
        streams = compound_streams(upload)
        if streams is None:
            raise ValidationError(
                _("The content of %(name)s is not a valid %(kind)s file."),
                code="content",
                params={"name": shown, "kind": kind},
            )
        if not any(stream in streams for stream in _OLE_STREAMS[ext]):
            raise ValidationError(
                _(
                    "%(name)s is a compound file but not a %(kind)s document: it may be an "
                    "installer or another program's file. Save it again from the office "
                    "program, or as PDF, and upload that."
                ),
                code="compound",
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


def download_name(original: str, fallback: str = "berkas") -> str:
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
    stem = stem or fallback
    return f"{stem}.{ext}" if ext else stem
