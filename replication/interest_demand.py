"""The demand view's page of innovations: most open interest first, then the longest
waiting, then by id; read from the ranks rollup (RollupInterestRank) a page at a time,
whatever the interest.

The innovations with exactly k matching interests are, for each k from the highest down,
an index range in waiting order (the scope and sector chosen, declared by the age's
moment), so a page is at most one short index scan per k: a few dozen, one per province
at most. A cursor carries the last row's (k, oldest, innovation id) and the next page
starts after it like any keyset page, however deep. A province filter is the scope of
that province alone (k is 1 there: one open interest per province and innovation).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

COUNT_CAP = 1000
ALL, HUBS = 0, -1  # RollupInterestRank.scope; a province's own is its id

# The scope: all provinces, the hub provinces, or one province (none when the hub filter
# excludes it).
SCOPE = """(CASE WHEN %(province)s::text IS NULL THEN %(scope)s
            ELSE (SELECT id FROM jipp_province WHERE code = %(province)s
                     AND (hub_since IS NOT NULL OR NOT %(hub)s)) END)"""
SECTOR = "r.category_id = (SELECT id FROM innovations_category WHERE slug = %(sector)s) AND"

MATCH = """r.scope = {scope} AND {sector}
       r.oldest <= %(cutoff)s AND r.since <= %(cutoff)s
       AND (r.since_next IS NULL OR r.since_next > %(cutoff)s)"""

# The first page starts above the highest level there is.
TOP = """COALESCE(%(level)s,
    (SELECT MAX(k) + 1 FROM replication_rollup_interest_rank WHERE scope = {scope}))"""

# The level of the cursor after its row, then every level below it from its start. The
# levels are counted down by a recursive query, not generate_series(): the planner guesses
# a thousand rows for a series of unknown length and then compiles the plan (JIT, 10 ms).
PAGE = """
WITH RECURSIVE lvl(k) AS (
    SELECT {top} - 1
    UNION ALL
    SELECT k - 1 FROM lvl WHERE k > 1
)
SELECT * FROM (
    (SELECT r.k, r.innovation_id, r.oldest FROM replication_rollup_interest_rank r
      WHERE r.k = {top} AND (r.oldest, r.innovation_id) > (%(after)s, %(after_id)s)
        AND {match}
      ORDER BY r.oldest, r.innovation_id LIMIT %(size)s)
    UNION ALL
    (SELECT lvl.k, r.innovation_id, r.oldest
       FROM lvl
      CROSS JOIN LATERAL (
            SELECT r.innovation_id, r.oldest FROM replication_rollup_interest_rank r
             WHERE r.k = lvl.k AND {match}
             ORDER BY r.oldest, r.innovation_id LIMIT %(size)s) AS r)
) AS page ORDER BY k DESC, oldest, innovation_id LIMIT %(size)s
"""

# Innovations with at least one match: their rows k = 1, counted up to the cap (in index
# order, so that the scan stops at the cap rather than collecting every match first).
COUNT = """
SELECT COUNT(*) FROM (
    SELECT 1 FROM replication_rollup_interest_rank r
     WHERE r.k = 1 AND r.scope = {scope} AND {sector} r.oldest <= %(cutoff)s
     ORDER BY r.oldest LIMIT %(cap)s) AS capped
"""


# The open interest of a page's innovations that the filters keep, with what the page
# shows of each: the province's interest as checkbox rows, grouped by innovation. The
# innovations are read first, once each (not once per interested province).
INTERESTS = """
WITH shown AS MATERIALIZED (
    SELECT innovation.id, innovation.title, innovation.slug, innovator.name AS innovator,
           category.name_id, category.name_en
      FROM innovations_innovation innovation
      JOIN jipp_institution innovator ON innovator.id = innovation.innovator_id
      JOIN innovations_category category ON category.id = innovation.category_id
     WHERE innovation.id = ANY(%(ids)s) AND innovation.status = 'approved'
)
SELECT i.innovation_id, i.province_id, province.name, province.hub_since IS NOT NULL,
       i.created_at, institution.name,
       shown.title, shown.slug, shown.innovator, shown.name_id, shown.name_en
  FROM shown
  JOIN replication_interest i ON i.innovation_id = shown.id AND i.status = 'open'
  JOIN jipp_province province ON province.id = i.province_id
  LEFT JOIN jipp_institution institution ON institution.id = i.institution_id
 WHERE (%(province)s::text IS NULL OR province.code = %(province)s)
   AND (province.hub_since IS NOT NULL OR NOT %(hub)s)
   AND i.created_at <= %(cutoff)s
 ORDER BY province.name, i.id
"""

# All open interest and how many provinces hold some, from its rollup per province.
TOTALS = """
SELECT COALESCE(SUM(n), 0), COUNT(*) FILTER (WHERE n > 0)
  FROM replication_rollup_interest_province
"""


@dataclass(frozen=True)
class Filters:
    """The demand filter's valid values (None or False: not filtered)."""

    sector: str | None = None
    province: str | None = None  # its code
    hub: bool = False
    cutoff: datetime | None = None  # declared at or before


@dataclass
class DemandPage:
    groups: list[tuple[int, int]]  # (innovation id, its matching interests), in order
    count: int
    count_capped: bool
    next_cursor: str | None
    is_first: bool


def statements(filters: Filters) -> tuple[str, str]:
    """The page's and the count's SQL: fixed fragments chosen by which filters are set;
    every value goes in as a parameter."""
    sector = SECTOR if filters.sector else ""
    match = MATCH.format(scope=SCOPE, sector=sector)
    page = PAGE.format(top=TOP.format(scope=SCOPE), match=match)
    return page, COUNT.format(scope=SCOPE, sector=sector)


def cursor_for(level: int, oldest: datetime, innovation_id: int) -> str:
    raw = json.dumps([level, oldest.isoformat(), innovation_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, datetime, int] | None:
    """The key a cursor carries, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        level, oldest, innovation_id = json.loads(raw)
        if not (isinstance(level, int) and isinstance(innovation_id, int)):
            return None
        if not (0 < level < 1000 and 0 < innovation_id < 2**63 and isinstance(oldest, str)):
            return None
        when = datetime.fromisoformat(oldest)
        return (level, when, innovation_id) if when.tzinfo is not None else None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def demand_page(filters: Filters, cursor: str, size: int) -> DemandPage:
    """A page of innovations with matching open interest, and how many there are (up to
    COUNT_CAP): two statements, each a bounded index read."""
    key = decode_cursor(cursor) if cursor else None
    page_sql, count_sql = statements(filters)
    params: dict[str, Any] = {
        "scope": HUBS if filters.hub else ALL,
        "hub": filters.hub,
        "sector": filters.sector,
        "province": filters.province,
        "cutoff": filters.cutoff or "infinity",
        "size": size + 1,
        "cap": COUNT_CAP + 1,
        "level": key[0] if key else None,
        "after": key[1] if key else "-infinity",
        "after_id": key[2] if key else 0,
    }
    with connection.cursor() as db:
        db.execute(page_sql, params)
        rows = db.fetchall()
        db.execute(count_sql, params)
        count = db.fetchone()[0]
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        level, innovation_id, oldest = rows[-1]
        next_cursor = cursor_for(level, oldest, innovation_id)
    return DemandPage(
        groups=[(innovation_id, level) for level, innovation_id, _ in rows],
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        next_cursor=next_cursor,
        is_first=key is None,
    )


def page_interests(filters: Filters, ids: list[int]) -> list[tuple[Any, ...]]:
    """INTERESTS of these innovations, the filters' provinces and age only."""
    params = {
        "ids": ids,
        "province": filters.province,
        "hub": filters.hub,
        "cutoff": filters.cutoff or "infinity",
    }
    with connection.cursor() as db:
        db.execute(INTERESTS, params)
        return db.fetchall()


def demand_totals() -> tuple[int, int]:
    """(open interests, provinces with any): the page's opening sentence."""
    with connection.cursor() as db:
        db.execute(TOTALS)
        interests, provinces = db.fetchone()
    return int(interests), int(provinces)
