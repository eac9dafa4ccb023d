"""Finding a row by the name a person types: prefix first, then trigram similarity.

Used by the pickers (jipp.pickers) over innovation titles and institution names. The
candidates are gathered by three small indexed queries (a prefix range of the
`COLLATE "C"` btree, a slug prefix, at most CANDIDATES trigram matches of the GIN
index) and only those are ranked: ranking every trigram match of a common word read
thousands of wide rows (180 ms at 100,000 innovations instead of a few).

A long list (a million innovation titles) names a Vocabulary: its distinct words in a
small table. Each typed word's near spellings are found there by trigrams, and the rows
holding one spelling of every typed word through the full-text index, held to `%>` as
the trigram query's were; when a typed word has no near spelling, the rows holding the
others, held to `%`. The names themselves are then never scanned by trigrams: over a
million titles that took 300 ms for a typo of three words, and seconds for a text like
no title (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import reduce
from typing import Any, TypeVar, cast

from django.contrib.postgres.search import (
    SearchQuery,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Collate, Upper
from django.utils.text import slugify

LIMIT = 10  # what a picker lists
CANDIDATES = 200  # trigram matches ranked at most
LONGEST = 100  # characters of the typed text that are looked at
SHORTEST_FOR_TRIGRAMS = 3  # below, trigrams match almost everything
# pg_trgm's default word_similarity_threshold: what `%>` means; candidates found through a
# Vocabulary are held to it as the trigram query's are.
WORD_SIMILARITY = 0.6
SIMILARITY = 0.3  # pg_trgm's default similarity_threshold: what `%` means
TYPED_WORDS = 6  # words of the typed text looked up in a Vocabulary
SPELLINGS = 20  # near spellings of one typed word, most similar first
_WORD = re.compile(r"[^\W_]+")

# Each typed word's near spellings, as `%>` would judge them (word similarity >= 0.6).
NEAR_WORDS_SQL = """
SELECT typed.n, near.word
FROM unnest(%s::text[]) WITH ORDINALITY AS typed(word, n)
CROSS JOIN LATERAL (
    SELECT v.word FROM {table} AS v
    WHERE v.word %%> typed.word
    ORDER BY word_similarity(typed.word, v.word) DESC, v.word
    LIMIT {spellings}
) AS near
"""


@dataclass(frozen=True)
class Vocabulary:
    """The distinct upper-case words of a long list's names, and where rows are found by
    word: `table` has a `word` column with a trigram index; `vector` is the rows'
    full-text vector of the name, in `config`."""

    table: str
    vector: str
    config: str


QS = TypeVar("QS", bound=models.QuerySet[Any])


def normalize(text: str) -> str:
    """What was typed, without extra spaces: "  Balai  KPH " is "Balai KPH"."""
    return " ".join(str(text).replace("\x00", "").split())


def name_key(field: str) -> Collate:
    """The expression of the prefix index: upper case, byte order (so LIKE 'X%' uses it)."""
    return Collate(Upper(field), "C")


def closest(
    queryset: QS,
    text: str,
    *,
    field: str,
    slug_field: str = "slug",
    vocabulary: Vocabulary | None = None,
) -> QS:
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
    prefixed = set(ids)
    held: bool | None = None  # words found them: held to `%>` (True) or to `%` (False)
    # Prefix matches rank first: with a full list of them, no trigram match could show.
    if len(text) >= SHORTEST_FOR_TRIGRAMS and len(set(ids)) < LIMIT:
        if vocabulary is not None:
            # Never the trigram scans of the names: over a million titles they took
            # seconds for a text that matches nothing.
            similar, held = spelled_alike(base, key, vocabulary)
        else:
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
    ranked = queryset.filter(pk__in=set(ids)).annotate(
        name_key=name_key(field),
        is_prefix=ExpressionWrapper(prefix, output_field=BooleanField()),
        nearness=TrigramWordSimilarity(text, field),
    )
    if held:  # what `%>` would have found
        ranked = ranked.filter(Q(pk__in=prefixed) | Q(nearness__gte=WORD_SIMILARITY))
    elif held is not None:  # failing that, what `%` would have (names alike as a whole)
        ranked = ranked.annotate(alike=TrigramSimilarity(field, text))
        ranked = ranked.filter(Q(pk__in=prefixed) | Q(alike__gte=SIMILARITY))
    return cast(QS, ranked.order_by("-is_prefix", "-nearness", field, "pk"))


def spelled_alike(
    base: models.QuerySet[Any], key: str, vocabulary: Vocabulary
) -> tuple[list[Any], bool]:
    """Up to CANDIDATES rows holding a near spelling of every typed word (of three letters
    or more), and True; failing that, rows holding one of each word that has a near
    spelling, and False (to be held to the looser measure, like the names' `%`). Two or
    three small queries, whatever the length of the list."""
    typed = list(dict.fromkeys(_WORD.findall(key)))
    typed = [word for word in typed if len(word) >= SHORTEST_FOR_TRIGRAMS][:TYPED_WORDS]
    if not typed:
        return [], False
    sql = NEAR_WORDS_SQL.format(
        table=connection.ops.quote_name(vocabulary.table), spellings=SPELLINGS
    )
    spellings: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [typed])
        for position, word in cursor.fetchall():
            spellings.setdefault(position, []).append(word)
    if not spellings:
        return [], False
    # One spelling of every word: (A1 | A2 | ...) & (B1 | ...), in the vector's language.
    alternatives = [
        reduce(
            operator.or_,
            [SearchQuery(w, search_type="plain", config=vocabulary.config) for w in words],
        )
        for words in spellings.values()
    ]
    wanted = reduce(operator.and_, alternatives)
    found = list(
        base.filter(**{vocabulary.vector: wanted}).values_list("pk", flat=True)[:CANDIDATES]
    )
    return found, bool(found) and len(spellings) == len(typed)
