"""The demo story's forum materials: slides and the recording of the Kalimantan Selatan FRIPP.

The 6th FRIPP of 2020 (27 October, held) was streamed on the ministry's channel; each of
its four presentations gets a link to its place in the recording and a one-page PDF of
slides, made here. The video id is invented (demo data). Runs after forums.demo.seed;
idempotent: a presentation that has materials already is left alone.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from forums import materials
from forums.models import ForumSession, ForumStatus, Presentation
from jipp.models import User

KALSEL = "63"
# One stream for the whole forum; each presentation starts this many minutes in.
RECORDING = "https://www.youtube.com/watch?v=Fr1pp6KalSel&t={seconds}s"
FIRST_MINUTE, MINUTES_EACH = 20, 25


def _pdf_text(text: str) -> str:
    """Plain ASCII inside a PDF string: non-ASCII letters dropped, delimiters escaped."""
    ascii_only = text.encode("ascii", "ignore").decode()
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def slides_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (A4 landscape) showing the lines, with a correct xref table."""
    text = " T* ".join(f"({_pdf_text(line)}) Tj" for line in lines)
    stream = f"BT /F1 28 Tf 36 TL 60 480 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _kalsel_forum() -> ForumSession | None:
    return ForumSession.objects.filter(
        number=6, host_province__code=KALSEL, starts_at__year=2020, status=ForumStatus.HELD
    ).first()


@transaction.atomic
def seed() -> list[str]:
    admin = User.objects.filter(username="forum.admin", is_active=True).first()
    session = _kalsel_forum()
    if admin is None or session is None:
        return []
    added = []
    presentations = Presentation.objects.filter(session=session).select_related(
        "innovation", "innovation__innovator"
    )
    for index, presentation in enumerate(presentations):
        if presentation.slides or presentation.recording_url:
            continue
        presentation.session = session
        innovation = presentation.innovation
        content = slides_pdf(
            [
                innovation.title[:60],
                innovation.innovator.name[:60],
                "FRIPP ke-6 Provinsi Kalimantan Selatan, 27 Oktober 2020",
            ]
        )
        minute = FIRST_MINUTE + index * MINUTES_EACH
        materials.save_materials(
            presentation=presentation,
            by=admin,
            slides=SimpleUploadedFile(
                f"Paparan {innovation.title[:80]}.pdf", content, content_type="application/pdf"
            ),
            recording_url=RECORDING.format(seconds=minute * 60),
            consent=True,
        )
        added.append(f"materials of {innovation.title[:40]}")
    return added
