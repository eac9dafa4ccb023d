"""Synthetic replication kits for scale tests (`manage.py generate_data --kits N`).

N kit documents for approved innovations that have none yet, picked at random: about two
in five innovations get a complete kit (an SOP, a regulation and a budget breakdown, all
approved, sometimes more), the rest a partial one, with a pending, rejected or replaced
document here and there, as the ministry's review leaves them. Documents are links (a
synthetic kit has no files to serve); each carries its history on the audit trail, and
`Innovation.is_kit_complete` is set by the same rule the services keep
(innovations.kit_services.complete_innovations). Seeded; every run adds kits.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from innovations.kit import REQUIRED_KINDS, KitDocument, KitKind, KitLanguage, KitStatus
from innovations.models import Innovation
from innovations.synthetic import allocate_ids, copy_rows
from jipp.models import AuditEvent

CopyRow = tuple[object, ...]
TITLES: dict[str, str] = {
    KitKind.SOP: "SOP pelaksanaan {}",
    KitKind.REGULATION: "Peraturan dasar {}",
    KitKind.BUDGET: "Rincian anggaran {}",
    KitKind.TRAINING: "Materi pelatihan petugas {}",
    KitKind.TECHNICAL: "Petunjuk teknis {}",
    KitKind.REPORT: "Laporan pelaksanaan {}",
    KitKind.MEDIA: "Video profil {}",
}
EXTRA_KINDS = [KitKind.TRAINING, KitKind.TECHNICAL, KitKind.REPORT, KitKind.MEDIA]
COMPLETE_SHARE = 0.4
KIT_COLUMNS = [
    "id", "innovation_id", "kind", "title", "file", "original_name", "content_type", "size",
    "url", "language", "status", "replaces_id", "uploaded_by_id", "created_at",
    "decided_by_id", "decided_at", "note",
]  # fmt: skip
EVENT_COLUMNS = [
    "action", "target_id", "from_status", "to_status", "note", "created_at", "actor_id",
    "target_type_id",
]  # fmt: skip


class Builder:
    """A batch of kit documents and their audit events as COPY rows."""

    def __init__(self, rng: random.Random, reviewers: list[int], now: datetime) -> None:
        self.rng, self.reviewers, self.now = rng, reviewers, now
        self.kit_type = ContentType.objects.get_for_model(KitDocument).pk
        self.documents: list[CopyRow] = []
        self.events: list[CopyRow] = []
        self.complete: list[int] = []

    def kit(self, innovation: tuple[int, str, str]) -> None:
        pk, slug, contact = innovation
        rng = self.rng
        if rng.random() < COMPLETE_SHARE:
            kinds = list(REQUIRED_KINDS) + rng.sample(EXTRA_KINDS, rng.randint(0, 2))
            if contact:
                self.complete.append(pk)
        else:
            kinds = rng.sample(list(REQUIRED_KINDS), rng.randint(1, 2))
            kinds += rng.sample(EXTRA_KINDS, rng.randint(0, 1))
        added = self.now - timedelta(days=rng.uniform(30, 700))
        for kind in kinds:
            added += timedelta(hours=rng.uniform(1, 48))
            if rng.random() < 0.08:  # an older version, replaced by the approved one
                older = self.document(pk, slug, kind, added, KitStatus.REPLACED, None)
                added += timedelta(days=rng.uniform(30, 200))
                self.document(pk, slug, kind, added, KitStatus.APPROVED, older)
            else:
                self.document(pk, slug, kind, added, KitStatus.APPROVED, None)
        if rng.random() < 0.1:  # something still waiting for the ministry, or turned down
            kind = rng.choice(EXTRA_KINDS)
            status = KitStatus.PENDING if rng.random() < 0.7 else KitStatus.REJECTED
            self.document(pk, slug, kind, self.now - timedelta(days=rng.uniform(0, 60)), status)

    def document(
        self,
        innovation_id: int,
        slug: str,
        kind: str,
        added: datetime,
        status: str,
        replaces: int | None = None,
    ) -> int:
        pk = len(self.documents)  # replaced by a real id in store()
        decided = None if status == KitStatus.PENDING else added + timedelta(days=2)
        reviewer = None if decided is None else self.rng.choice(self.reviewers)
        title = TITLES.get(kind, "{}").format(slug.replace("-", " ")[:150])
        url = f"https://dokumen.example.org/{slug}/{kind}-{pk}.pdf"
        language = KitLanguage.ENGLISH if self.rng.random() < 0.05 else KitLanguage.INDONESIAN
        note = "Lengkapi tanda tangan dan tanggal pengesahan." if status == "rejected" else ""
        self.documents.append(
            (pk, innovation_id, kind, title, "", "", "", None, url, language, status, replaces,
             None, added, reviewer, decided, note)
        )  # fmt: skip
        self.events.append(("kit_document_added", pk, "", "pending", title, added, None, 0))
        if decided is not None:
            shown = KitStatus.APPROVED if status == KitStatus.REPLACED else status
            action = f"kit_document_{'approved' if shown == 'approved' else 'rejected'}"
            self.events.append((action, pk, "pending", shown, note, decided, reviewer, 0))
        if replaces is not None and decided is not None:  # the older version steps aside
            replaced = ("approved", "replaced", title, decided, reviewer, 0)
            self.events.append(("kit_document_replaced", replaces, *replaced))
        return pk

    def store(self) -> int:
        """COPY the batch with real ids, then mark the complete kits; returns documents."""
        ids = allocate_ids(len(self.documents), KitDocument._meta.db_table)

        def real(local: object) -> int | None:
            return None if local is None else ids[int(str(local))]

        documents = [(real(r[0]), *r[1:11], real(r[11]), *r[12:]) for r in self.documents]
        events = [(r[0], real(r[1]), *r[2:7], self.kit_type) for r in self.events]
        events.sort(key=lambda row: cast(datetime, row[5]))  # ids follow time, as they would have
        with transaction.atomic():
            copy_rows(KitDocument._meta.db_table, KIT_COLUMNS, documents)
            copy_rows(AuditEvent._meta.db_table, EVENT_COLUMNS, events)
            Innovation.objects.filter(pk__in=self.complete).update(is_kit_complete=True)
        return len(documents)


def generate_kits(
    count: int, *, seed: int = 2020, batch_size: int = 5000, progress: Callable[[str], object]
) -> int:
    """Add about `count` kit documents (whole kits: the last may overshoot by a few)."""
    from replication.synthetic_plans import reviewer_ids

    rng = random.Random(seed + KitDocument.objects.count())  # noqa: S311 - test data
    without = (
        Innovation.objects.public()
        .filter(kit_documents__isnull=True)
        .values_list("pk", "slug", "contact_email")
    )
    innovations = list(without)
    rng.shuffle(innovations)
    reviewers, now, made = reviewer_ids(), timezone.now(), 0
    while made < count and innovations:
        builder = Builder(rng, reviewers, now)
        while len(builder.documents) < min(batch_size, count - made) and innovations:
            builder.kit(innovations.pop())
        made += builder.store()
        progress(f"kits: {made:,} of {count:,} documents")
    return made
