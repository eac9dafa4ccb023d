"""The innovation page's "similar innovations" and "also replicated" lists (one query for both)."""

from __future__ import annotations

from django import template

from innovations import similarity
from innovations.models import Innovation

register = template.Library()


@register.simple_tag
def neighbours(innovation: Innovation) -> dict[str, list[Innovation]]:
    similar, also = similarity.neighbours(innovation)
    return {"similar": similar, "also": also}
