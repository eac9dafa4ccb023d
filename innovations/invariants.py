"""Promises of the innovations app checked over the whole database (jipp.invariants)."""

from __future__ import annotations

from django.db.models import Q

from jipp.invariants import invariant


@invariant(
    "An innovation is marked ready to replicate exactly when its approved kit has an SOP, "
    "a regulation and a budget document and it has a contact e-mail"
)
def kit_readiness_is_stored_right() -> list[str]:
    from innovations.kit_services import complete_innovations
    from innovations.models import Innovation

    complete = complete_innovations()
    rows = Innovation.objects.filter(
        (Q(is_kit_complete=True) & ~complete) | (Q(is_kit_complete=False) & complete)
    ).values_list("slug", "is_kit_complete")
    return [f"innovation {slug}: stored {stored}, rule says {not stored}" for slug, stored in rows]


@invariant("An approved kit document has a file or a link")
def approved_kit_documents_have_content() -> list[str]:
    from innovations.kit import KitDocument, KitStatus

    rows = KitDocument.objects.filter(status=KitStatus.APPROVED, file="", url="").values_list(
        "pk", "innovation__slug"
    )
    return [f"kit document {pk} of {slug}" for pk, slug in rows]
