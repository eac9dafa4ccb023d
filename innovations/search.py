"""The catalogue query: filters, Indonesian full-text search, ranking, paging, counting.

One place decides how a result list is read, for the page, the exports and the API.
What keeps it fast at 100,000 innovations (docs/PERFORMANCE.md):
- only the columns a list shows are read (never the stored search vectors);
- counts stop at COUNT_CAP ("more than 1,000") instead of counting everything, and a
  count or a search's ranking is reused for a minute (jipp.cache.remembered);
- browsing pages by keyset (innovations.paging), never by OFFSET;
- a search ranks a bounded candidate set: the newest RANK_CANDIDATES matches plus the
  newest page of matches in the title, picked first and then ranked (ts_rank) by primary
  key, so a broad word costs little, a selective one ranks 320 rows and not its thousands
  of matches, and title matches still fill the first page; its count comes from the same
  pass over the newest matches (ranking()), not from a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import (
    BigIntegerField,
    F,
    Func,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.utils import create_namedtuple_class
from django.utils.http import urlencode

from innovations import listing
from innovations.filters import InnovationFilter
from innovations.models import SEARCH_CONFIG, Innovation
from innovations.paging import keyset_page
from jipp.cache import remembered

PAGE_SIZE = 20
COUNT_CAP = 1000
RANK_CANDIDATES = 300
TITLE_CANDIDATES = PAGE_SIZE
HEADLINE_WORDS = (40, 20)  # a snippet's most and fewest words
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
    "is_kit_complete",
    "innovator__name",
    "innovator__slug",
    "innovator__kind",
    "province__name",
    "province__code",
    "category__slug",
    "category__name_id",
    "category__name_en",
)


@dataclass
class Results:
    rows: list[Any]  # named tuples of LIST_COLUMNS (see shown())
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
    count = remembered(
        f"catalogue-count:{key}" if key else "",
        lambda: queryset.order_by().values("id")[: COUNT_CAP + 1].count(),
    )
    return min(count, COUNT_CAP), count > COUNT_CAP


def matching(queryset: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    return queryset.filter(search_vector=web_search(text)) if text else queryset


@dataclass(frozen=True)
class Ranking:
    """A search's best matches, best first, and how many match (up to COUNT_CAP + 1)."""

    ids: list[int]
    matches: int

    @property
    def count(self) -> tuple[int, bool]:
        return min(self.matches, COUNT_CAP), self.matches > COUNT_CAP


# One statement (see ranking()): the newest COUNT_CAP + 1 matches, which give the count;
# the newest RANK_CANDIDATES of them read once more with their rank and whether the title
# matches, by the row address (ctid) the first read found: the statement's one snapshot
# sees the same row versions throughout, and a TID scan skips 300 index lookups; then the
# newest title matches, from the title's index, only when those cannot be trusted to hold
# them.
RANKING_SQL = """
WITH newest (id, approved_at, tid) AS MATERIALIZED ({newest}),
query (q) AS (SELECT websearch_to_tsquery(%s::regconfig, %s)),
ranked AS MATERIALIZED (
    SELECT i.id, i.title_vector @@ query.q AS in_title,
        ts_rank(i.search_vector, query.q) AS rank, i.approved_at
    FROM innovations_innovation AS i, query
    WHERE i.ctid = ANY(ARRAY(
        SELECT tid FROM newest ORDER BY approved_at DESC, id DESC LIMIT %s))
)
SELECT id, in_title, rank, approved_at, (SELECT count(*) FROM newest) FROM ranked
UNION ALL
SELECT i.id, true, ts_rank(i.search_vector, query.q), i.approved_at,
    (SELECT count(*) FROM newest)
FROM innovations_innovation AS i, query
WHERE i.id IN (
    SELECT id FROM ({titled}) AS titled (id) WHERE NOT (
        strpos((SELECT q FROM query)::text, '!') = 0
        AND (
            (SELECT count(*) FROM newest) <= %s
            OR (SELECT count(*) FROM ranked WHERE in_title) >= %s
        )
    )
)
"""


def ranking(queryset: QuerySet[Innovation], text: str, *, counted: bool = True) -> Ranking:
    """A search's candidates ranked, and its count, in one statement.

    The candidates are the newest RANK_CANDIDATES matches and the newest TITLE_CANDIDATES
    title matches; they are picked first and then read by primary key with their rank
    (ts_rank of a few hundred rows, not of every match: a selective word has 3,000 matches
    at 1,000,000 innovations). The count comes from the same pass: the newest
    COUNT_CAP + 1 matches, where counting apart read them a second time.

    The newest RANK_CANDIDATES matches hold the newest title matches when they hold
    enough of them, or every match, and every title match is a match (the title is in the
    search vector), which a query excluding a word ("-word") does not promise: only
    otherwise are the title matches looked up. Whether a match's title matches is asked
    of the candidates only: a title is often stored out of line (TOAST), two more pages a
    row. Ordering is then Python's job (title matches first, then rank, then newest).
    Not `counted` (the API counts its ranked ids), only the newest RANK_CANDIDATES
    matches are read, and `matches` counts no further.
    """
    newest_limit = (COUNT_CAP if counted else RANK_CANDIDATES) + 1
    query = web_search(text)
    newest = (
        queryset.filter(search_vector=query)
        # The row's address, for RANKING_SQL's second read (a system column: no field).
        .annotate(tid=RawSQL(f"{Innovation._meta.db_table}.ctid", ()))  # noqa: S611
        .order_by("-approved_at", "-id")
        .values_list("id", "approved_at", "tid")[:newest_limit]
    )
    titled = (
        queryset.filter(title_vector=query)
        .order_by("-approved_at", "-id")
        .values_list("id")[:TITLE_CANDIDATES]
    )
    newest_sql, newest_params = newest.query.sql_with_params()
    titled_sql, titled_params = titled.query.sql_with_params()
    sql = RANKING_SQL.format(newest=newest_sql, titled=titled_sql)
    params = [
        *newest_params,
        SEARCH_CONFIG,
        text,
        RANK_CANDIDATES,
        *titled_params,
        RANK_CANDIDATES,  # no more matches than candidates: every match is one
        TITLE_CANDIDATES,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    unique = {row[0]: row for row in reversed(rows)}.values()  # a title match twice
    best = sorted(unique, key=lambda row: (row[1], row[2], row[3], row[0]), reverse=True)
    return Ranking(ids=[row[0] for row in best], matches=rows[0][4] if rows else 0)


def ranked_ids(queryset: QuerySet[Innovation], text: str) -> list[int]:
    """The ids of a search's best matches, best first (see ranking()), uncounted."""
    return ranking(queryset, text, counted=False).ids


def in_order(ids: list[int]) -> QuerySet[Innovation]:
    """These innovations, in this order (for the API's numbered pages of a search)."""
    position = Func(Value(ids, ArrayField(BigIntegerField())), F("id"), function="array_position")
    return Innovation.objects.filter(id__in=ids).order_by(position)


def with_headlines(queryset: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    """Add the summary with the matched words marked (see listing.mark()).

    PostgreSQL computes it after the sort and the limit: for one page of rows only. Each
    ts_headline costs about 0.1 ms, so the title, shown whole, is not marked.
    """
    return queryset.annotate(
        snippet=SearchHeadline(
            "summary",
            web_search(text),
            config=SEARCH_CONFIG,
            start_sel=listing.START,
            stop_sel=listing.STOP,
            max_words=HEADLINE_WORDS[0],
            min_words=HEADLINE_WORDS[1],
        )
    )


def catalogue(params: Any, *, page_size: int = PAGE_SIZE) -> Results:
    """The public list as the query string asks for it."""
    filters = filtered(params)
    text = filters.cleaned("q").strip()
    sort = filters.cleaned("sort") or ("relevance" if text else "newest")
    if sort == "relevance" and not text:
        sort = "newest"
    if sort == "relevance":
        # The ranking is kept a minute, with its count: the pages of one search come from
        # one ranking, and a search repeated (or paged through) is not ranked again.
        ranked = remembered(
            f"catalogue-ranked:{count_key(filters, text)}", lambda: ranking(filters.qs, text)
        )
        count, capped = ranked.count
    else:
        count, capped = capped_count(matching(filters.qs, text), count_key(filters, text))
    results = Results(
        rows=[], count=count, count_capped=capped, sort=sort, query=text, filters=filters
    )
    if sort == "relevance":
        page = _page_number(params.get("page"))
        ids = ranked.ids[(page - 1) * page_size : page * page_size + 1]
        # The ids passed the filters already: fetch them plainly, by primary key.
        found = {row.id: row for row in page_rows(ids, text)}
        results.rows = [found[pk] for pk in ids if pk in found]
        if len(results.rows) > page_size:
            results.rows = results.rows[:page_size]
            results.next_cursor = str(page + 1)
        results.page_number, results.has_previous = page, page > 1
    else:
        rows = with_headlines(matching(filters.qs, text), text) if text else filters.qs
        keyset = keyset_page(shown(rows, text), sort, params.get("cursor", ""), page_size)
        results.rows, results.next_cursor = keyset.rows, keyset.next_cursor
        results.has_previous = not keyset.is_first
    results.cards = listing.cards(results.rows)
    return results


# A page of a search's ranked results, their ids known (ranking()): shown()'s columns and
# with_headlines()'s snippet in one statement of fixed shape, written out because the
# ORM compiled it anew for every page (its IN list has as many values as the page).
PAGE_ROWS_SQL = """
SELECT i.id, i.slug, i.title, i.summary, i.phase, i.launched_year, i.kipp_recognition,
       i.kipp_year, i.approved_at, i.is_kit_complete,
       innovator.name, innovator.slug, innovator.kind, province.name, province.code,
       category.slug, category.name_id, category.name_en,
       ts_headline(%(config)s::regconfig, i.summary,
                   websearch_to_tsquery(%(config)s::regconfig, %(text)s), %(options)s)
  FROM innovations_innovation i
  JOIN jipp_institution innovator ON innovator.id = i.innovator_id
  LEFT JOIN jipp_province province ON province.id = i.province_id
  JOIN innovations_category category ON category.id = i.category_id
 WHERE i.id = ANY(%(ids)s)
"""
# The class of the rows shown() reads, the snippet included (Django's own, cached).
PageRow = create_namedtuple_class(*LIST_COLUMNS, "snippet")
# What SearchHeadline writes of with_headlines()'s arguments.
HEADLINE_OPTIONS = (
    f"StartSel='{listing.START}', StopSel='{listing.STOP}', "
    f"MaxWords={HEADLINE_WORDS[0]}, MinWords={HEADLINE_WORDS[1]}"
)


def page_rows(ids: list[int], text: str) -> list[Any]:
    """These innovations as shown() reads them with the snippet, in no particular order."""
    params: dict[str, Any] = {
        "config": SEARCH_CONFIG,
        "text": text,
        "options": HEADLINE_OPTIONS,
        "ids": ids,
    }
    with connection.cursor() as cursor:
        cursor.execute(PAGE_ROWS_SQL, params)
        return [PageRow(*row) for row in cursor.fetchall()]


def shown(queryset: QuerySet[Innovation], text: str) -> QuerySet[Any]:
    """The columns a result shows, as named tuples: no model instances to build."""
    extra = ("snippet",) if text else ()
    return queryset.values_list(*LIST_COLUMNS, *extra, named=True)


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
