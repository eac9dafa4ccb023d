"""The catalogue query: filters, Indonesian full-text search, ranking, paging, counting.

One place decides how a result list is read, for the page, the exports and the API.
What keeps it fast at 100,000 innovations (docs/PERFORMANCE.md):
- only the columns a list shows are read (never the stored search vectors);
- counts stop at COUNT_CAP ("more than 1,000") instead of counting everything;
- browsing pages by keyset (innovations.paging), never by OFFSET;
- a search ranks a bounded candidate set: the newest RANK_CANDIDATES matches plus the
  newest page of matches in the title, so a broad word costs little and its title
  matches still fill the first page.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

from innovations import listing
from innovations.filters import InnovationFilter
from innovations.models import SEARCH_CONFIG, Innovation
from innovations.paging import keyset_page

PAGE_SIZE = 20
COUNT_CAP = 1000
COUNT_TTL = 60
RANK_CANDIDATES = 300
TITLE_CANDIDATES = PAGE_SIZE
LIST_COLUMNS = (
    "id",
    "slug",
    "title",
    "summary",
    "phase",
    "launched_year",
    "kipp_recognition",
    "kipp_year",
    "approved_at",
    "innovator__name",
    "innovator__slug",
    "innovator__kind",
    "province__name",
    "province__code",
    "category__slug",
    "category__name_id",
    "category__name_en",
)
# ts_headline marks matches with these; the text is escaped before they become <mark>.
_START, _STOP = "\x02", "\x03"


@dataclass
class Results:
    rows: list[Innovation]
    count: int
    count_capped: bool
    sort: str
    query: str
    next_cursor: str | None = None
    page_number: int = 1
    has_previous: bool = False
    filters: InnovationFilter | None = field(default=None, repr=False)
    cards: list[listing.Card] = field(default_factory=list, repr=False)


def web_search(text: str) -> SearchQuery:
    """Quotes for phrases, -word to exclude, as people type into a search engine."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def filtered(params: Any, base: QuerySet[Innovation] | None = None) -> InnovationFilter:
    queryset = base if base is not None else Innovation.objects.public()
    return InnovationFilter(params, queryset=queryset)


def capped_count(queryset: QuerySet[Innovation], key: str = "") -> tuple[int, bool]:
    """How many match, up to COUNT_CAP; remembered for a minute per filter combination.

    Counting visits up to a thousand rows, as much work as the page itself; the public
    registry changes a few times a day, so a count a minute old is as good as new.
    """
    cache_key = f"catalogue-count:{hashlib.sha256(key.encode()).hexdigest()}" if key else ""
    count = _cache_get(cache_key)
    if count is None:
        count = queryset.order_by().values("id")[: COUNT_CAP + 1].count()
        _cache_set(cache_key, count)
    return min(count, COUNT_CAP), count > COUNT_CAP


def _cache_get(key: str) -> int | None:
    if not key:
        return None
    try:
        return cache.get(key)
    except RedisError:  # without Redis the page still answers, counting every time
        return None


def _cache_set(key: str, count: int) -> None:
    if key:
        with contextlib.suppress(RedisError):
            cache.set(key, count, COUNT_TTL)


def matching(queryset: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    return queryset.filter(search_vector=web_search(text)) if text else queryset


def ranked(queryset: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    """The best matches of a search, title matches first, from a bounded candidate set."""
    query = web_search(text)
    matches = queryset.filter(search_vector=query).order_by("-approved_at", "-id")
    newest = matches.values("id")[:RANK_CANDIDATES]
    # A page's worth of title matches, in case the newest matches hold too few of them.
    titled = queryset.filter(title_vector=query).order_by("-approved_at", "-id")
    in_title = titled.values("id")[:TITLE_CANDIDATES]
    return (
        Innovation.objects.filter(id__in=newest.union(in_title))
        .annotate(
            in_title=ExpressionWrapper(Q(title_vector=query), output_field=BooleanField()),
            rank=SearchRank(F("search_vector"), query, cover_density=True),
        )
        .order_by("-in_title", "-rank", "-approved_at", "-id")
    )


def highlighted(rows: list[Innovation], text: str) -> None:
    """Give each row `marked_title` and `snippet`, with the matched words marked."""
    if not text or not rows:
        return
    query = web_search(text)
    options: dict[str, Any] = {"config": SEARCH_CONFIG, "start_sel": _START, "stop_sel": _STOP}
    headlines = {
        pk: (title, summary)
        for pk, title, summary in Innovation.objects.filter(id__in=[row.id for row in rows])
        .annotate(
            marked_title=SearchHeadline("title", query, highlight_all=True, **options),
            snippet=SearchHeadline("summary", query, max_words=40, min_words=20, **options),
        )
        .values_list("id", "marked_title", "snippet")
    }
    for row in rows:
        title, summary = headlines.get(row.id, (row.title, row.summary))
        row.marked_title = mark(title)  # type: ignore[attr-defined]
        row.snippet = mark(summary)  # type: ignore[attr-defined]


def mark(headline: str) -> SafeString:
    html = str(escape(headline)).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own markers become tags)


def catalogue(params: Any, *, page_size: int = PAGE_SIZE) -> Results:
    """The public list as the query string asks for it."""
    filters = filtered(params)
    text = filters.cleaned("q").strip()
    sort = filters.cleaned("sort") or ("relevance" if text else "newest")
    if sort == "relevance" and not text:
        sort = "newest"
    base = filters.qs.select_related("innovator", "province", "category").only(*LIST_COLUMNS)
    count, capped = capped_count(matching(filters.qs, text), count_key(filters, text))
    results = Results(
        rows=[], count=count, count_capped=capped, sort=sort, query=text, filters=filters
    )
    if sort == "relevance":
        page = _page_number(params.get("page"))
        candidates = ranked(base, text)
        results.rows = list(
            candidates.select_related("innovator", "province", "category").only(*LIST_COLUMNS)[
                (page - 1) * page_size : page * page_size + 1
            ]
        )
        if len(results.rows) > page_size:
            results.rows = results.rows[:page_size]
            results.next_cursor = str(page + 1)
        results.page_number, results.has_previous = page, page > 1
    else:
        keyset = keyset_page(matching(base, text), sort, params.get("cursor", ""), page_size)
        results.rows, results.next_cursor = keyset.rows, keyset.next_cursor
        results.has_previous = not keyset.is_first
    highlighted(results.rows, text)
    results.cards = listing.cards(results.rows)
    return results


def count_key(filters: InnovationFilter, text: str) -> str:
    """The valid filters as a stable string: invalid values were ignored, so they don't count."""
    values = {name: filters.cleaned(name) for name in filters.filters if name not in {"q", "sort"}}
    return urlencode(sorted([(k, v) for k, v in values.items() if v] + [("q", text)]))


def _page_number(value: str | None) -> int:
    """Pages of ranked results: a small number, since the candidate set is bounded."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= (2 * RANK_CANDIDATES) // PAGE_SIZE else 1
