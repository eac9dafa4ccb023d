"""Finding a row by the name a person types: prefix first, then trigram similarity.

Used by the pickers (jipp.pickers) over innovation titles and institution names. The
candidates are gathered by three small indexed queries (a prefix range of the
`COLLATE "C"` btree, a slug prefix, at most CANDIDATES trigram matches of the GIN
index) and only those are ranked: ranking every trigram match of a common word read
thousands of wide rows (180 ms at 100,000 innovations instead of a few).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Collate, Upper
from django.utils.text import slugify

LIMIT = 10  # what a picker lists
CANDIDATES = 200  # trigram matches ranked at most
LONGEST = 100  # characters of the typed text that are looked at
SHORTEST_FOR_TRIGRAMS = 3  # below, trigrams match almost everything

QS = TypeVar("QS", bound=models.QuerySet[Any])


def normalize(text: str) -> str:
    """What was typed, without extra spaces: "  Balai  KPH " is "Balai KPH"."""
    return " ".join(str(text).replace("\x00", "").split())


def name_key(field: str) -> Collate:
    """The expression of the prefix index: upper case, byte order (so LIKE 'X%' uses it)."""
    return Collate(Upper(field), "C")


def closest(queryset: QS, text: str, *, field: str, slug_field: str = "slug") -> QS:
    """Rows of `queryset` named like `text`: prefix matches first, then the most similar.

    Unsliced: take `[:LIMIT]`. Case does not matter, nor extra spaces. `is_prefix` and
    `nearness` (word similarity, 0 to 1) are annotated on each row.
    """
    text = normalize(text)[:LONGEST]
    if not text:
        return queryset.none()
    key = text.upper()
    slug = slugify(text)
    base = queryset.order_by()
    ids = list(
        base.annotate(name_key=name_key(field))
        .filter(name_key__startswith=key)
        .order_by("name_key")
        .values_list("pk", flat=True)[:LIMIT]
    )
    prefix = Q(name_key__startswith=key)
    if slug:
        slug_prefix = Q(**{f"{slug_field}__startswith": slug})
        ids += base.filter(slug_prefix).values_list("pk", flat=True)[:LIMIT]
        prefix |= slug_prefix
    # Prefix matches rank first: with a full list of them, no trigram match could show.
    if len(text) >= SHORTEST_FOR_TRIGRAMS and len(set(ids)) < LIMIT:
        uppered = base.annotate(name_upper=Upper(field))
        similar = list(
            uppered.filter(name_upper__trigram_word_similar=key).values_list("pk", flat=True)[
                :CANDIDATES
            ]
        )
        if not similar:  # no word like it: names alike as a whole (a looser measure)
            similar = list(
                uppered.filter(name_upper__trigram_similar=key).values_list("pk", flat=True)[
                    :CANDIDATES
                ]
            )
        ids += similar
    ranked = (
        queryset.filter(pk__in=set(ids))
        .annotate(
            name_key=name_key(field),
            is_prefix=ExpressionWrapper(prefix, output_field=BooleanField()),
            nearness=TrigramWordSimilarity(text, field),
        )
        .order_by("-is_prefix", "-nearness", field, "pk")
    )
    return cast(QS, ranked)
