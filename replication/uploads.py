"""Evidence files of replication plans: the shared upload check (jipp.uploads) under the
names the evidence code has always used, and where evidence files are stored."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from jipp import uploads
from jipp.uploads import (  # noqa: F401 - the names evidence code and tests import from here
    ALLOWED,
    HEAD_BYTES,
    MAX_BYTES,
    ODF,
    OOXML,
    RISKY_INNER,
    SCRIPT_MARKERS,
    SCRIPT_WINDOW,
    CheckedFile,
)


def check_evidence(upload: UploadedFile) -> CheckedFile:
    """Return what the upload is, or raise ValidationError saying why it is refused."""
    return uploads.check_upload(upload)


def evidence_path(instance: object, filename: str) -> str:
    """upload_to for evidence files: evidence/<year>/<month>/<random>.<ext>."""
    ext = uploads.extension_of(filename)
    if ext not in ALLOWED:
        ext = "bin"
    return timezone.localdate().strftime("evidence/%Y/%m/") + f"{uuid.uuid4().hex}.{ext}"


def download_name(original: str) -> str:
    """A filename safe for Content-Disposition, keeping the extension."""
    return uploads.download_name(original, fallback="bukti-dukung")
