"""What one result of the catalogue shows, prepared in Python.

Twenty results of a dozen template lookups each were a third of the page's time; the
template now prints five ready values a result (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from innovations.models import Innovation, KippRecognition, Phase


@dataclass(frozen=True)
class Card:
    url: str
    title: str | SafeString  # SafeString when the matched words are marked
    source: str  # innovator · province · sector · phase · year
    kipp: str
    text: str | SafeString


def cards(rows: list[Innovation]) -> list[Card]:
    prefix = reverse("innovations:list")
    phases = {value: str(label) for value, label in Phase.choices}
    recognitions = {value: str(label) for value, label in KippRecognition.choices}
    result = []
    for row in rows:
        parts = [row.innovator.name]
        if row.province_id:
            parts.append(row.province.name)  # type: ignore[union-attr]
        parts += [row.category.name, phases[row.phase], str(row.launched_year)]
        kipp = ""
        if row.kipp_recognition != KippRecognition.NONE:
            kipp = f"KIPP {recognitions[row.kipp_recognition]} {row.kipp_year or ''}".strip()
        result.append(
            Card(
                url=f"{prefix}{row.slug}/",
                title=getattr(row, "marked_title", None) or row.title,
                source=" · ".join(parts),
                kipp=kipp,
                text=getattr(row, "snippet", None)
                or Truncator(row.summary).words(40, truncate=" …"),
            )
        )
    return result
