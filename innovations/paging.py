"""Keyset paging: pages that stay fast however deep, with an opaque cursor in the URL.

A cursor carries the sort key of the last row shown; the next page starts after it with
a row comparison that PostgreSQL answers from a two-column index, not by skipping rows.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

TABLE = "innovations_innovation"

# sort name -> (ORDER BY, the row comparison that means "after the cursor")
KEYSETS = {
    "newest": (("-approved_at", "-id"), f"({TABLE}.approved_at, {TABLE}.id) < (%s, %s)"),
    "title": (("title", "id"), f"({TABLE}.title, {TABLE}.id) > (%s, %s)"),
}


def cursor_for(first: Any, last_id: int) -> str:
    """The cursor after a row whose sort key is (first, last_id)."""
    value = first.isoformat() if isinstance(first, datetime) else str(first)
    raw = json.dumps([value, last_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int] | None:
    """The sort key a cursor carries, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        first, last_id = json.loads(raw)
        if not isinstance(first, str) or not isinstance(last_id, int) or len(first) > 300:
            return None
        if not 0 < last_id < 2**63:
            return None
        return (datetime.fromisoformat(first) if sort == "newest" else first), last_id
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    is_first: bool


def keyset_page(queryset: QuerySet[Any], sort: str, cursor: str, size: int) -> KeysetPage:
    ordering, after = KEYSETS[sort]
    key = decode_cursor(cursor, sort) if cursor else None
    if key is not None:
        # The SQL is one of two constants above; the cursor's values go in as parameters.
        queryset = queryset.filter(RawSQL(after, key, output_field=BooleanField()))  # noqa: S611
    rows = list(queryset.order_by(*ordering)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = cursor_for(last.approved_at if sort == "newest" else last.title, last.id)
    return KeysetPage(rows=rows, next_cursor=next_cursor, is_first=key is None)
