"""Promises of the innovations app checked over the whole database (jipp.invariants)."""

from __future__ import annotations

from django.db.models import F, Q

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


@invariant(
    "An innovation's stored level of government is its innovator's (the kind of institution "
    "as innovations.models.INNOVATOR_KINDS maps it)"
)
def innovator_kind_is_stored_right() -> list[str]:
    from django.db.models import Case, CharField, Value, When

    from innovations.models import INNOVATOR_KINDS, Innovation

    level = Case(
        *[
            When(innovator__kind__in=kinds, then=Value(str(kind)))
            for kind, kinds in INNOVATOR_KINDS.items()
        ],
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        Innovation.objects.annotate(level=level)
        .exclude(innovator_kind=F("level"))
        .values_list("slug", "innovator_kind", "level")
    )
    return [
        f"innovation {slug}: stored {stored!r}, innovator's {level!r}"
        for slug, stored, level in rows
    ]
