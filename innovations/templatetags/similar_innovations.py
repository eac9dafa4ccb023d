"""The innovation page's "similar innovations" and "also replicated" lists (one query each)."""

from __future__ import annotations

from django import template

from innovations import similarity
from innovations.models import Innovation

register = template.Library()


@register.simple_tag
def similar_innovations(innovation: Innovation) -> list[Innovation]:
    return innovation.similar()


@register.simple_tag
def also_replicated(innovation: Innovation) -> list[Innovation]:
    return similarity.also_replicated(innovation)
