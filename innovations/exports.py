"""Exports of the public catalogue: exactly the innovations the list shows, as CSV or XLSX.

The rows are the list's (innovations.search: the same filters and the same search), but
every match, not one page: sorted newest first, by title when the list is sorted by title,
and by relevance only when the query string asks for it (`sort=relevance`). Only approved
innovations, only public columns: no person's name, e-mail or phone.

The rows and columns are this module's; streaming, the size limit, the worker, the
inbox message and the rate limit are the export pipeline's (jipp.exports), with which
this module registers the kind "innovations".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from innovations import search
from innovations.filters import SORTS, InnovationFilter
from innovations.models import (
    INNOVATOR_KINDS,
    Innovation,
    KippRecognition,
    Phase,
)
from jipp.exports import ExportKind, csv_stream, export_params, register
from jipp.exports import xlsx_cell as _cell
from jipp.models import InstitutionKind

KIND = "innovations"
CHUNK_SIZE = 2000
ORDERINGS = {"newest": ("-approved_at", "-id"), "title": ("title", "id")}

# (header, column width in the XLSX). Source strings English; the catalogue has Indonesian.
COLUMNS = (
    (gettext_lazy("Title"), 50),
    (gettext_lazy("Link"), 45),
    (gettext_lazy("Innovator"), 40),
    (gettext_lazy("Level of government"), 24),
    (gettext_lazy("Province of origin"), 28),
    (gettext_lazy("Sector"), 28),
    (gettext_lazy("Phase"), 18),
    (gettext_lazy("Year launched"), 12),
    (gettext_lazy("KIPP recognition"), 24),
    (gettext_lazy("KIPP year"), 10),
    (gettext_lazy("SDGs"), 14),
    (gettext_lazy("Summary"), 80),
    (gettext_lazy("Published on"), 14),
)
DATE_COLUMN = len(COLUMNS) - 1
# What is read from the database: public columns only (never created_by, contact or vectors).
FIELDS = (
    "slug",
    "title",
    "innovator__name",
    "innovator__kind",
    "province__name",
    "category__name_id",
    "category__name_en",
    "phase",
    "launched_year",
    "kipp_recognition",
    "kipp_year",
    "sdg_numbers",
    "summary",
    "approved_at",
)


@dataclass
class Selection:
    """Which innovations an export holds, and in which order, from a list's query string."""

    filters: InnovationFilter
    text: str
    sort: str
    queryset: QuerySet[Innovation]
    params: str  # the query string, without paging

    def count(self, limit: int) -> int:
        """How many rows, counting no further than limit + 1."""
        return self.queryset.order_by().values("id")[: limit + 1].count()

    def rows(self) -> QuerySet[Any]:
        """The export's rows as named tuples of FIELDS."""
        return self._ordered().values_list(*FIELDS, named=True)

    def _ordered(self) -> QuerySet[Innovation]:
        if self.sort != "relevance":
            return self.queryset.order_by(*ORDERINGS[self.sort])
        # Every match ranked (search.ranked() ranks a bounded candidate set for a page).
        query = search.web_search(self.text)
        return self.queryset.annotate(
            in_title=ExpressionWrapper(Q(title_vector=query), output_field=BooleanField()),
            rank=SearchRank(F("search_vector"), query, cover_density=True),
        ).order_by("-in_title", "-rank", "-approved_at", "-id")


def select(params: QueryDict) -> Selection:
    filters = search.filtered(params)
    text = filters.cleaned("q").strip()
    sort = filters.cleaned("sort")
    if sort not in ORDERINGS and not (sort == "relevance" and text):
        sort = "newest"  # a search without an explicit sort: every match, newest first
    return Selection(
        filters=filters,
        text=text,
        sort=sort,
        queryset=search.matching(filters.qs, text),
        params=export_params(params),
    )


def headers() -> list[str]:
    return [str(header) for header, _width in COLUMNS]


def download_name(extension: str) -> str:
    return f"jipp-inovasi-{timezone.localdate():%Y%m%d}.{extension}"


class Labels:
    """Display names of the coded columns, read once in the active language."""

    def __init__(self) -> None:
        self.levels = {kind: str(label) for kind, label in InstitutionKind.choices}
        for innovator_kind, institution_kinds in INNOVATOR_KINDS.items():
            for kind in institution_kinds:
                self.levels[kind] = str(innovator_kind.label)
        self.phases = {value: str(label) for value, label in Phase.choices}
        self.kipp: dict[str, str | None] = {
            value: str(label) for value, label in KippRecognition.choices
        }
        self.kipp[KippRecognition.NONE] = None  # no recognition: an empty cell
        self.english = translation.get_language() == "en"
        # One reverse() for the whole file: every detail URL is this with another slug.
        marker = "slug-placeholder"
        self.link = settings.SITE_URL + reverse("innovations:detail", args=[marker])
        self.marker = marker

    def values(self, row: Any) -> list[Any]:
        published: date | None = (
            timezone.localtime(row.approved_at).date() if row.approved_at else None
        )
        return [
            row.title,
            self.link.replace(self.marker, row.slug),
            row.innovator__name,
            self.levels.get(row.innovator__kind, ""),
            row.province__name,
            row.category__name_en if self.english else row.category__name_id,
            self.phases.get(row.phase, row.phase),
            row.launched_year,
            self.kipp.get(row.kipp_recognition),
            row.kipp_year,
            ", ".join(str(number) for number in row.sdg_numbers),
            row.summary,
            published,
        ]


# CSV --------------------------------------------------------------------------------


def csv_chunks(selection: Selection) -> Iterator[str]:
    labels = Labels()  # read now, in the view's language
    rows = selection.rows().iterator(chunk_size=CHUNK_SIZE)
    return csv_stream(headers(), (labels.values(row) for row in rows))


# XLSX -------------------------------------------------------------------------------


def write_xlsx(selection: Selection, target: IO[bytes], *, generated_at: datetime) -> int:
    """Write the workbook (the rows, then a sheet saying what they are); return the row count."""
    labels = Labels()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Innovations")[:31])
    for index, (_header, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header, bold=True) for header in headers()])
    count = 0
    for row in selection.rows().iterator(chunk_size=CHUNK_SIZE):
        sheet.append([_cell(sheet, value) for value in labels.values(row)])
        count += 1

    about = workbook.create_sheet(_("About this file")[:31])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90
    for label, value in describe(selection, count=count, generated_at=generated_at):
        cells = [_cell(about, label, bold=True), _cell(about, value)]
        cells[1].alignment = Alignment(wrap_text=True, vertical="top")
        about.append(cells)
    workbook.save(target)
    return count


def describe(selection: Selection, *, count: int, generated_at: datetime) -> list[tuple[str, Any]]:
    """What the file holds, for its second sheet: the list, the filters, the moment."""
    local = timezone.localtime(generated_at)
    lines: list[tuple[str, Any]] = [
        (_("JIPP innovation catalogue"), _("Public, approved innovations only.")),
        (_("Generated at"), formats.date_format(local, "j F Y, H:i") + " WIB"),
        (_("Rows"), count),
        (_("Search"), selection.text or "—"),
    ]
    lines += describe_filters(selection.filters)
    order = str(dict(SORTS).get(selection.sort, selection.sort))
    if selection.text and selection.sort != "relevance":
        order = _("%(order)s (every match, not only the best ones)") % {"order": order}
    lines.append((_("Sorted by"), order))
    query = f"?{selection.params}" if selection.params else ""
    lines.append(
        (_("The same list on the portal"), settings.SITE_URL + reverse("innovations:list") + query)
    )
    lines.append(
        (
            _("Personal data"),
            _("None: only the public description of each innovation and its institution."),
        )
    )
    return lines


def describe_filters(filters: InnovationFilter) -> list[tuple[str, str]]:
    """Each active filter as (its label, the chosen value's name)."""
    described = []
    for name, field in filters.form.fields.items():
        if name in ("q", "sort"):
            continue
        value = filters.cleaned(name)
        if not value:
            continue
        choices = {str(key): label for key, label in getattr(field, "choices", ())}
        described.append((str(field.label), str(choices.get(value, value))))
    return described


# The kind the export pipeline builds -------------------------------------------------


def _count(user: Any, params: QueryDict, limit: int) -> int:
    return select(params).count(limit)


def _write(user: Any, params: QueryDict, target: IO[bytes]) -> int:
    return write_xlsx(select(params), target, generated_at=timezone.now())


register(
    ExportKind(
        name=KIND,
        list_url="innovations:list",
        count=_count,
        write_xlsx=_write,
        file_name=lambda user, params, extension: download_name(extension),
        csv_chunks=lambda user, params: csv_chunks(select(params)),
        queued_message=gettext_lazy(
            "More than %(limit)s innovations: your Excel file is being prepared. "
            "The download link will arrive in your inbox."
        ),
        ready_subject=gettext_lazy("Your Excel file of innovations is ready"),
        ready_body=gettext_lazy(
            "The Excel file of %(count)s innovations you asked for is ready. "
            "Open the link to download it; only you can."
        ),
    )
)
