"""The dashboards' long tables, their rows written in Python.

A dashboard shows some 500 numbers in tables (the matrix alone is 38 provinces x 7
stages); written by template loops, each cell costs a dozen variable lookups, a filter
and a locale lookup, 20-30 ms a page. Here a row is one f-string, numbers grouped by
charts.formatter() and text escaped as the template would: the same HTML, a tenth of
the time. The templates keep everything around the rows (captions, headings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innovations.models import detail_urls
from replication.dashboard import charts
from replication.dashboard.charts import escape
from replication.dashboard.figures import DueStage, InnovationFigures, ProvinceFigures, ResultRow

Cell = tuple[str, int, str, str]  # (stage label, plans, link, heat class): matrix_view()


def _safe(rows: Iterable[str]) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped where written


def _empty(columns: int, text: str) -> SafeString:
    return _safe(
        [f'<tr><td colspan="{columns}" class="text-body-secondary">{escape(text)}</td></tr>\n']
    )


def matrix_rows(matrix: Sequence[tuple[Any, Sequence[Cell], int]]) -> SafeString:
    """The plans by province and stage (Dashboard.matrix_view())."""
    number = charts.formatter()
    escaped: dict[str, str] = {}  # the seven stage labels, the same in every row

    def once(label: str) -> str:
        if label not in escaped:
            escaped[label] = escape(label)
        return escaped[label]

    rows = []
    for province, cells, total in matrix:
        name = escape(province.name)
        tds = "".join(
            f'<td class="text-center {heat}"><a href="{escape(url)}" '
            f'aria-label="{name}, {once(label)}: {n}">{number(n)}</a></td>'
            for label, n, url, heat in cells
        )
        rows.append(
            f'\n<tr>\n<th scope="row" class="fw-normal text-nowrap">{name}</th>\n{tds}\n'
            f'<td class="text-end fw-semibold">{number(total)}</td>\n</tr>'
        )
    return _safe(rows)


def map_rows(
    activity: Sequence[ProvinceFigures], current: Any = None, dashboard_links: bool = False
) -> SafeString:
    """The table beside the tile map: each province's plans under way and completed."""
    number = charts.formatter()
    if dashboard_links:
        link = reverse("dashboard") + "?province={}"
    else:
        link = reverse("replication:figures") + "?province={}#innovations"
    hub = escape(_("JIPP hub"))
    star = (
        f' <span class="hub-mark" title="{hub}">★<span class="visually-hidden"> {hub}</span></span>'
    )
    rows = []
    for item in activity:
        province = item.province
        code = escape(province.code)
        chosen = ' class="table-primary"' if current and province.id == current.id else ""
        rows.append(
            f'\n<tr{chosen} id="province-{code}">\n'
            f'<th scope="row" class="fw-normal"><a href="{link.format(code)}">'
            f"{escape(province.name)}</a>{star if province.is_hub else ''}</th>\n"
            f'<td class="text-end">{number(item.values["approved"])}</td>\n'
            f'<td class="text-end">{number(item.values["completed"])}</td>\n</tr>'
        )
    return _safe(rows)


def bar_rows(rows: Sequence[tuple[str, int]]) -> SafeString:
    """The table beside a bar chart: a label and its number."""
    if not rows:
        return _empty(2, _("Nothing yet."))
    number = charts.formatter()
    return _safe(
        f'<tr><th scope="row" class="fw-normal">{escape(label)}</th>'
        f'<td class="text-end">{number(value)}</td></tr>\n'
        for label, value in rows
    )


def result_rows(rows: Sequence[ResultRow]) -> SafeString:
    """Indicators verified and reached, by sector or SDG goal."""
    if not rows:
        return _empty(4, _("No indicator was verified in the period."))
    number = charts.formatter()
    verified, reached, share = (
        escape(_("Verified")),
        escape(_("Reached")),
        escape(_("Share reached")),
    )
    return _safe(
        f'<tr><th scope="row" class="fw-normal">{escape(row.label)}</th>'
        f'<td class="text-end" data-label="{verified}">{number(row.verified)}</td>'
        f'<td class="text-end" data-label="{reached}">{number(row.reached)}</td>'
        f'<td class="text-end" data-label="{share}">{row.share}%</td></tr>\n'
        for row in rows
    )


def innovation_rows(items: Sequence[InnovationFigures]) -> SafeString:
    """The most replicated innovations: plans and provinces of each."""
    if not items:
        return _empty(3, _("Nothing yet."))
    number = charts.formatter()
    link = detail_urls()
    return _safe(
        f'<tr><th scope="row" class="fw-normal"><a href="'
        f'{escape(link(item.slug))}">{escape(item.title)}</a>'
        f'</th><td class="text-end">{number(item.total)}</td>'
        f'<td class="text-end">{number(item.provinces)}</td></tr>\n'
        for item in items
    )


def public_innovation_rows(items: Sequence[InnovationFigures], province: Any = None) -> SafeString:
    """The public page's innovations: innovator, plans under way and completed, and (of
    every province) in how many provinces."""
    if not items:
        # Outside the f-string: makemessages (xgettext) does not look inside one.
        none_yet = escape(_("No approved replication yet."))
        return _safe(
            [
                f'\n          <tr><td colspan="{4 if province else 5}" class="text-body-secondary">'
                f"{none_yet}</td></tr>\n        "
            ]
        )
    number = charts.formatter()
    link = detail_urls()
    innovator, under_way, completed, provinces = (
        escape(_("Innovator")),
        escape(_("Under way")),
        escape(_("Completed")),
        escape(_("Provinces")),
    )
    rows = []
    for item in items:
        spread = (
            ""
            if province
            else f'<td class="text-end" data-label="{provinces}">{number(item.provinces)}</td>'
        )
        rows.append(
            f'\n          <tr><th scope="row" class="fw-normal"><a href="'
            f'{escape(link(item.slug))}">{escape(item.title)}</a></th>'
            f'<td data-label="{innovator}">{escape(item.innovator)}</td>'
            f'<td class="text-end" data-label="{under_way}">{number(item.approved)}</td>'
            f'<td class="text-end" data-label="{completed}">{number(item.completed)}</td>'
            f"{spread}</tr>\n        "
        )
    return _safe(rows)


def due_rows(items: Sequence[DueStage]) -> SafeString:
    """A province's next due stages: plan, stage, due date, and how late or how soon."""
    stage, due, status = escape(_("Stage")), escape(_("Due date")), escape(_("Status"))
    due_today = escape(_("due today"))  # outside the f-string, where makemessages finds it
    # DueStage.url of each, the plan's address reversed once (a plan's id is digits).
    plan_url = reverse("replication:plan_detail", args=[123456789]).replace("123456789", "{}")
    rows = []
    for item in items:
        url = plan_url.format(item.plan_id) + f"#stage-{item.kind}"
        if item.overdue:
            days = ngettext("%(days)s day overdue", "%(days)s days overdue", item.days_late)
            when = f'<span class="badge text-bg-danger">{days % {"days": item.days_late}}</span>'
        elif item.days_left == 0:
            when = f'<span class="badge text-bg-warning">{due_today}</span>'
        else:
            days = ngettext("in %(days)s day", "in %(days)s days", item.days_left)
            when = days % {"days": item.days_left}
        rows.append(
            f'\n<tr>\n<td><a href="{escape(url)}">{escape(item.plan_title)}</a></td>\n'
            f'<td data-label="{stage}">{escape(item.label)}</td>\n'
            f'<td data-label="{due}">{escape(date_format(item.due_date, "j F Y"))}</td>\n'
            f'<td data-label="{status}">{when}</td>\n</tr>'
        )
    return _safe(rows)
