# ruff: noqa: E501 - the demo documents read best one to a line
"""The demo story's replication kits (issue 17): Generasi Emas and Sahabat Rimba ready to
replicate, Omspan partial, Si Terpa Daya Jiwa started, and one new SOP version of Sahabat
Rimba waiting for the ministry's review. Small generated PDFs; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from innovations.kit import KitDocument, KitKind, KitLanguage, KitStatus
from innovations.kit_services import refresh_kit_complete
from innovations.models import Innovation
from jipp.models import User
from jipp.services import record_event

GENERASI_EMAS = "mencerdaskan-si-miskin-menjadi-generasi-emas"
SAHABAT_RIMBA = "menggapai-mimpi-sahabat-rimba"
OMSPAN = "omspan"
TERPA_DAYA_JIWA = "si-terpa-daya-jiwa"
# Generasi Emas has no contact in the catalogue story; its kit needs one to be complete.
CONTACTS = {GENERASI_EMAS: "dinsos@baliprov.go.id"}


@dataclass(frozen=True)
class DemoDocument:
    innovation: str
    kind: str
    title: str
    file_name: str = ""
    url: str = ""
    status: str = KitStatus.APPROVED
    replaces: str = ""  # the title of the approved document it is a new version of
    days_ago: int = 30


DOCUMENTS = [
    DemoDocument(GENERASI_EMAS, KitKind.SOP, "SOP Pendampingan Siswa Keluarga Miskin", "sop-generasi-emas.pdf"),
    DemoDocument(GENERASI_EMAS, KitKind.REGULATION, "Peraturan Gubernur Bali tentang Bantuan Pendidikan Anak Keluarga Miskin", "pergub-generasi-emas.pdf"),
    DemoDocument(GENERASI_EMAS, KitKind.BUDGET, "Rincian Anggaran Program Generasi Emas", "anggaran-generasi-emas.pdf"),
    DemoDocument(GENERASI_EMAS, KitKind.TRAINING, "Modul Pelatihan Pendamping Siswa", "modul-pendamping.pdf"),
    DemoDocument(SAHABAT_RIMBA, KitKind.SOP, "SOP Sekolah Alam Sahabat Rimba", "sop-sahabat-rimba.pdf", days_ago=60),
    DemoDocument(SAHABAT_RIMBA, KitKind.REGULATION, "Keputusan Kepala Balai KPH Yogyakarta tentang Sahabat Rimba", "sk-sahabat-rimba.pdf"),
    DemoDocument(SAHABAT_RIMBA, KitKind.BUDGET, "Rincian Biaya Kegiatan Sahabat Rimba per Angkatan", "biaya-sahabat-rimba.pdf"),
    DemoDocument(SAHABAT_RIMBA, KitKind.MEDIA, "Video Kegiatan Sahabat Rimba", url="https://www.youtube.com/results?search_query=sahabat+rimba+kph+yogyakarta"),
    DemoDocument(SAHABAT_RIMBA, KitKind.SOP, "SOP Sekolah Alam Sahabat Rimba (revisi 2026)", "sop-sahabat-rimba-2026.pdf", status=KitStatus.PENDING, replaces="SOP Sekolah Alam Sahabat Rimba", days_ago=2),
    DemoDocument(OMSPAN, KitKind.SOP, "Panduan Pengguna Omspan untuk Satuan Kerja", "panduan-omspan.pdf"),
    DemoDocument(OMSPAN, KitKind.REGULATION, "Peraturan Menteri Keuangan tentang Pelaksanaan Anggaran", url="https://jdih.kemenkeu.go.id/"),
    DemoDocument(TERPA_DAYA_JIWA, KitKind.TRAINING, "Materi Pelatihan Kader Kesehatan Jiwa", "pelatihan-kader-jiwa.pdf"),
]  # fmt: skip


def pdf(title: str, lines: list[str]) -> bytes:
    """A small valid one-page PDF with the title and a few lines of text."""

    def text(value: str) -> str:
        safe = value.encode("latin-1", "replace").decode("latin-1")
        return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = [f"BT /F1 16 Tf 56 780 Td ({text(title)}) Tj ET"]
    rows += [
        f"BT /F1 11 Tf 56 {750 - 18 * i} Td ({text(line)}) Tj ET" for i, line in enumerate(lines)
    ]
    stream = "\n".join(rows).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


@transaction.atomic
def seed() -> list[str]:
    reviewer = User.objects.filter(username="kemenpan").first()
    innovator = User.objects.filter(username="inovator.diy").first()
    created: list[str] = []
    now = timezone.now()
    for slug, email in CONTACTS.items():
        Innovation.objects.filter(slug=slug, contact_email="").update(contact_email=email)
    for item in DOCUMENTS:
        innovation = Innovation.objects.filter(slug=item.innovation).first()
        if innovation is None:
            continue
        if KitDocument.objects.filter(innovation=innovation, title=item.title).exists():
            continue
        when = now - timedelta(days=item.days_ago)
        document = KitDocument(
            innovation=innovation,
            kind=item.kind,
            title=item.title,
            language=KitLanguage.INDONESIAN,
            url=item.url,
            status=item.status,
            replaces=KitDocument.objects.filter(
                innovation=innovation, title=item.replaces, status=KitStatus.APPROVED
            ).first()
            if item.replaces
            else None,
            uploaded_by=innovator
            if innovator and innovator.institution_id == innovation.innovator_id
            else None,
            created_at=when,
        )
        if item.status == KitStatus.APPROVED:
            document.decided_by = reviewer
            document.decided_at = when + timedelta(days=1)
        if item.file_name:
            content = pdf(
                item.title,
                [innovation.title, innovation.innovator.name, "Contoh dokumen demo JIPP."],
            )
            document.file.save(item.file_name, ContentFile(content), save=False)
            document.original_name = item.file_name
            document.content_type = "application/pdf"
            document.size = len(content)
        document.save()
        record_event(
            actor=document.uploaded_by,
            action="kit_document_added",
            target=document,
            to_status=KitStatus.PENDING,
            note=document.title,
        )
        if item.status == KitStatus.APPROVED:
            record_event(
                actor=reviewer,
                action="kit_document_approved",
                target=document,
                from_status=KitStatus.PENDING,
                to_status=KitStatus.APPROVED,
            )
        created.append(item.innovation)
    for innovation in Innovation.objects.filter(slug__in={d.innovation for d in DOCUMENTS}):
        refresh_kit_complete(innovation)
    return [f"kit of {slug} ({created.count(slug)})" for slug in dict.fromkeys(created)]
