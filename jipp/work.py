"""Beranda kerja (`/work/`): what waits for each role, as a small registry of work items.

A work item is one function of the user returning a queryset of what waits for them,
oldest first, registered with its role, label, link and how one row reads:

    @work_item(Role.MINISTRY, "account_requests", label=_("Account requests"),
               url=lambda user: reverse("account_requests"), row=account_request_row)
    def account_requests(user: User) -> QuerySet[AccountRequest]:
        return AccountRequest.objects.filter(status="pending").order_by("created_at", "id")

Each app keeps its items in its own `work.py` (found like admin.py, on first use). All
the counts of a request are one statement, computed once per request and shared by the
menu's badges and the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from jipp.models import AccountRequest, AccountRequestStatus, Role, User

# Sections in this order; a user with several roles sees each role's section.
ROLE_ORDER = [Role.MINISTRY, Role.BAPPEDA, Role.FORUM_ADMIN, Role.INNOVATOR]
ROWS_SHOWN = 5  # the oldest few of each item on the page; its link leads to the rest


@dataclass(frozen=True)
class WorkRow:
    """One thing that waits, as the page lists it."""

    title: str
    url: str
    detail: str = ""
    since: datetime | None = None  # waiting since: shown as a duration
    badge: str = ""  # a warning such as "Overdue"


@dataclass(frozen=True)
class Total:
    """An item's count as plain SQL of one value (no row: 0): a rollup's number where one
    holds it (check_data holds rollups to the rows), else a small count written out; the
    same number as counting the item's queryset (tests/test_work.py). Written as SQL, not
    as a queryset: the menu counts on every signed-in page, and building and compiling a
    queryset cost more than running it."""

    sql: str = ""  # empty: nothing to count (a user without a province, say)
    params: tuple[Any, ...] = ()

    @classmethod
    def sum(cls, model: type[Model], **equal: Any) -> Total:
        """The sum of the rollup's `n` over its rows whose columns equal the values."""
        where = " AND ".join(f"{column} = %s" for column in equal)
        sql = f"SELECT SUM(n) FROM {model._meta.db_table} WHERE {where}"  # noqa: S608
        return cls(sql, tuple(equal.values()))


@dataclass(frozen=True)
class WorkItem:
    role: str
    key: str
    label: str | Promise
    queryset: Callable[[User], QuerySet[Any]]  # oldest first
    url: Callable[[User], str]  # the page where all of them are
    row: Callable[[Any], WorkRow]
    menu: str = ""  # the menu entry whose badge counts it, if any
    order: int = 100  # place within the role's section
    # How many, as plain SQL (Total): from a rollup where counting the rows of `queryset`
    # would grow with the data, and the menu counts on every page.
    count: Callable[[User], Total] | None = None
    # The queryset is the same for every user of the role at every moment (a national
    # queue): its counting statement is compiled once per process (counting_sql).
    shared: bool = False


REGISTRY: dict[str, WorkItem] = {}


def work_item(
    role: str,
    key: str,
    *,
    label: str | Promise,
    url: Callable[[User], str],
    row: Callable[[Any], WorkRow],
    menu: str = "",
    order: int = 100,
    count: Callable[[User], Total] | None = None,
    shared: bool = False,
) -> Callable[[Callable[[User], QuerySet[Any]]], Callable[[User], QuerySet[Any]]]:
    """Register the decorated function as a work item of the role; `count`, when given,
    says how many in plain SQL instead of counting the queryset's rows; `shared` says the
    queryset depends on neither the user nor the time (see WorkItem)."""

    def register(function: Callable[[User], QuerySet[Any]]) -> Callable[[User], QuerySet[Any]]:
        if key in REGISTRY and REGISTRY[key].queryset.__qualname__ != function.__qualname__:
            raise ValueError(f"Two work items are called {key!r}: give one another key.")
        REGISTRY[key] = WorkItem(role, key, label, function, url, row, menu, order, count, shared)
        return function

    return register


@cache
def _discover() -> None:
    autodiscover_modules("work")  # each app's work.py registers its items


def items_for(user: User) -> list[WorkItem]:
    _discover()
    roles: list[str] = [role for role in ROLE_ORDER if user.has_role(role)]
    return sorted(
        (item for item in REGISTRY.values() if item.role in roles),
        key=lambda item: (roles.index(item.role), item.order),
    )


# The inbox's unread messages (Notification.objects.for_inbox(user).unread()), written out.
UNREAD = """
SELECT COUNT(*) FROM jipp_notification
 WHERE user_id = %s AND kind <> 'digest' AND read_at IS NULL
"""


def unread_count(user: User, *, kinds: list[str] | None = None) -> Total:
    """The user's unread messages in the inbox, of these kinds only when given."""
    if kinds is None:
        return Total(UNREAD, (user.pk,))
    return Total(UNREAD + " AND kind = ANY(%s)", (user.pk, kinds))


# A counting statement and its values, ready to be one column of count_all's SELECT.
Counting = tuple[str, tuple[Any, ...]]


def counting_sql(queryset: QuerySet[Any]) -> Counting | None:
    """SELECT COUNT(*) of the queryset's rows, or None when it is .none()."""
    try:
        sql, values = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(): nothing to ask the database
        return None
    # Django's own compiled SQL; the values stay parameters.
    return f"SELECT COUNT(*) FROM ({sql}) AS waiting", tuple(values)  # noqa: S608


# The shared items' counting statements, compiled by their first user: the same for all.
_SHARED: dict[str, Counting | None] = {}


def _shared_sql(item: WorkItem, user: User) -> Counting | None:
    if item.key not in _SHARED:
        _SHARED[item.key] = counting_sql(item.queryset(user))
    return _SHARED[item.key]


def count_all(counts: Iterable[QuerySet[Any] | Total | Counting | None]) -> list[int]:
    """Every count in one statement: SELECT (q1), COALESCE((t1), 0), ... from querysets,
    Totals, or counting statements already compiled (counting_sql; None counts 0).

    A page needs up to a dozen counts on every request (the menu's badges): one round
    trip instead of a dozen, and the number of queries never grows with the data.
    """
    parts: list[str] = []
    params: list[Any] = []
    for count in counts:
        if isinstance(count, QuerySet):
            count = counting_sql(count)
        elif isinstance(count, Total):
            count = (f"SELECT COALESCE(({count.sql}), 0)", count.params) if count.sql else None
        if count is None:
            parts.append("0")
            continue
        parts.append(f"({count[0]})")
        params.extend(count[1])
    if all(part == "0" for part in parts):
        return [0] * len(parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(value) for value in cursor.fetchone()]


def _count_of(item: WorkItem, user: User) -> QuerySet[Any] | Total | Counting | None:
    if item.count:
        return item.count(user)
    if item.shared:
        return _shared_sql(item, user)
    return item.queryset(user)


@dataclass
class Entry:
    item: WorkItem
    count: int
    url: str
    rows: list[WorkRow] = field(default_factory=list)

    @property
    def label(self) -> str | Promise:
        return self.item.label

    @property
    def key(self) -> str:
        return self.item.key


@dataclass
class Section:
    role: str
    entries: list[Entry]

    @property
    def label(self) -> str:
        return str(Role(self.role).label)

    @property
    def total(self) -> int:
        return sum(entry.count for entry in self.entries)


@dataclass
class Work:
    """What waits for one user: sections by role, and the badges of the menu."""

    user: User
    sections: list[Section]
    unread: int = 0  # the inbox's unread notifications, counted in the same statement

    @property
    def entries(self) -> list[Entry]:
        return [entry for section in self.sections for entry in section.entries]

    @property
    def total(self) -> int:
        return sum(entry.count for entry in self.entries)

    @property
    def counts(self) -> dict[str, int]:
        return {entry.key: entry.count for entry in self.entries}

    @property
    def menu(self) -> dict[str, int]:
        badges: dict[str, int] = {}
        for entry in self.entries:
            if entry.item.menu:
                badges[entry.item.menu] = badges.get(entry.item.menu, 0) + entry.count
        return badges

    def fill_rows(self, limit: int = ROWS_SHOWN) -> None:
        """The oldest few of each item that has any: one query per such item."""
        for entry in self.entries:
            if entry.count and not entry.rows:
                objects = entry.item.queryset(self.user)[:limit]
                entry.rows = [entry.item.row(obj) for obj in objects]


def work_for(user: User) -> Work:
    items = items_for(user)
    *counts, unread = count_all(
        [
            *(_count_of(item, user) for item in items),
            unread_count(user),
        ]
    )
    by_role: dict[str, list[Entry]] = {}
    for item, count in zip(items, counts, strict=True):
        by_role.setdefault(item.role, []).append(Entry(item, count, item.url(user)))
    return Work(user, [Section(role, entries) for role, entries in by_role.items()], unread)


def work_of_request(request: HttpRequest) -> Work:
    """The user's work, counted once per request (the menu and the page share it)."""
    cached = getattr(request, "_jipp_work", None)
    if cached is None:
        cached = work_for(request.user)  # type: ignore[arg-type]
        request._jipp_work = cached  # type: ignore[attr-defined]
    return cached


# The ministry's own item; the other apps' items are in their work.py. -------------------


def _account_request_row(request: AccountRequest) -> WorkRow:
    # The institution, not the person who asked: the page is about the work.
    return WorkRow(
        title=request.institution_name,
        url=request.get_absolute_url(),
        detail=request.province.name if request.province else str(_("Central government")),
        since=request.created_at,
    )


@work_item(
    Role.MINISTRY,
    "account_requests",
    label=_("Account requests"),
    url=lambda user: reverse("account_requests"),
    row=_account_request_row,
    menu="account_requests",
    order=60,
    shared=True,
)
def account_requests(user: User) -> QuerySet[AccountRequest]:
    return (
        AccountRequest.objects.filter(status=AccountRequestStatus.PENDING)
        .select_related("province")
        .order_by("created_at", "id")
    )
