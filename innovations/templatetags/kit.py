"""The replication kit section of an innovation's page (templates/innovations/_kit.html)."""

from __future__ import annotations

from typing import Any

from django import template

from innovations.kit import KitDocument, KitKind, KitStatus
from innovations.models import Innovation
from jipp.uploads import type_name

register = template.Library()


@register.inclusion_tag("innovations/_kit.html", takes_context=True)
def kit_section(context: dict[str, Any], innovation: Innovation) -> dict[str, Any]:
    """The approved documents by kind (one query); the owners get a link to their kit page."""
    documents = (
        list(
            KitDocument.objects.filter(innovation=innovation, status=KitStatus.APPROVED)
            .only("id", "kind", "title", "url", "file", "size", "content_type", "language")
            .order_by("kind", "-created_at", "-id")
        )
        if innovation.is_public
        else []
    )
    groups = []
    for kind, label in KitKind.choices:
        shown = [d for d in documents if d.kind == kind]
        for document in shown:
            document.type_name = type_name(document.content_type)  # type: ignore[attr-defined]
        if shown:
            groups.append({"kind": kind, "label": label, "documents": shown})
    user = context.get("user")
    owner = bool(
        user is not None
        and user.is_authenticated
        and user.is_innovator
        and user.institution_id == innovation.innovator_id
    )
    return {"innovation": innovation, "groups": groups, "owner": owner}
