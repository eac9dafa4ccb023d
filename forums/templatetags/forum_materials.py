"""Template filters for a presentation's materials: who may change or open them, their kind."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template

from forums import materials
from forums.models import Presentation

register = template.Library()


@register.filter
def materials_editable_by(presentation: Presentation, user: Any) -> bool:
    return materials.may_add_materials(user, presentation)


@register.filter
def slides_open_to(presentation: Presentation, user: Any) -> bool:
    return materials.may_open_slides(user, presentation)


@register.filter
def slides_kind(presentation: Presentation) -> str:
    return materials.slides_kind(presentation)


@register.filter
def link_host(url: str) -> str:
    """The site a link leads to, without "www.": youtube.com."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
