"""Template helpers of the catalogue."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from jipp.templatetags.jipp import bs

register = template.Library()

# Rendering a <select> of 38 provinces through Django's widget templates costs about as
# much as the rest of the page; the same field with the same value renders the same HTML.
_rendered: dict[tuple[object, ...], SafeString] = {}
_MAX_ENTRIES = 5000


@register.filter
def filter_widget(field: forms.BoundField) -> SafeString:
    if not isinstance(field.field.widget, forms.Select) or field.errors:
        return bs(field)
    choices = tuple(field.field.choices)  # type: ignore[attr-defined]
    key = (field.html_name, field.auto_id, str(field.value()), get_language(), hash(choices))
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= _MAX_ENTRIES:
            _rendered.clear()
        html = _rendered[key] = bs(field)
    return html
