"""What one result of the catalogue shows, prepared in Python.

Twenty results of a dozen template lookups each were a third of the page's time; the
template now prints five ready values a result (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from innovations.models import KippRecognition, Phase

# ts_headline marks matches with these; the text is escaped before they become <mark>.
START, STOP = "\x02", "\x03"


def mark(headline: str) -> SafeString:
    html = str(escape(headline)).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own markers become tags)


@dataclass(frozen=True)
class Card:
    url: str
    title: str
    source: str  # innovator · province · sector · phase · year
    kipp: str
    text: str | SafeString
    kit_complete: bool = False  # "Siap direplikasi"


def cards(rows: list[Any]) -> list[Card]:
    """Cards of rows read by innovations.search.shown()."""
    prefix = reverse("innovations:list")
    english = get_language() == "en"
    phases = {value: str(label) for value, label in Phase.choices}
    recognitions = {value: str(label) for value, label in KippRecognition.choices}
    result = []
    for row in rows:
        parts = [row.innovator__name]
        if row.province__name:
            parts.append(row.province__name)
        parts += [
            row.category__name_en if english else row.category__name_id,
            phases[row.phase],
            str(row.launched_year),
        ]
        kipp = ""
        if row.kipp_recognition != KippRecognition.NONE:
            kipp = f"KIPP {recognitions[row.kipp_recognition]} {row.kipp_year or ''}".strip()
        snippet = getattr(row, "snippet", None)
        result.append(
            Card(
                url=f"{prefix}{row.slug}/",
                title=row.title,
                source=" · ".join(parts),
                kipp=kipp,
                text=mark(snippet) if snippet else Truncator(row.summary).words(40, truncate=" …"),
                kit_complete=bool(getattr(row, "is_kit_complete", False)),
            )
        )
    return result
