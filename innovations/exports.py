"""Exports of the public catalogue: exactly the innovations the list shows, as CSV or XLSX.

The rows are the list's (innovations.search: the same filters and the same search), but
every match, not one page: sorted newest first, by title when the list is sorted by title,
and by relevance only when the query string asks for it (`sort=relevance`). Only approved
innovations, only public columns: no person's name, e-mail or phone.

CSV is streamed from a server-side cursor. An XLSX of up to EXPORT_SYNC_MAX_ROWS rows is
built in the request; a larger one by a worker (innovations.tasks), which stores it as a
jipp.Export and sends its download link to the user's inbox.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.core.files import File
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from innovations import search
from innovations.filters import SORTS, InnovationFilter
from innovations.models import (
    INNOVATOR_KINDS,
    Innovation,
    KippRecognition,
    Phase,
)
from jipp import services
from jipp.models import Export, ExportStatus, InstitutionKind

logger = logging.getLogger(__name__)

KIND = "innovations"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
# The query-string keys that choose a page of the list, not which innovations are in it.
PAGING_KEYS = ("cursor", "page")
ORDERINGS = {"newest": ("-approved_at", "-id"), "title": ("title", "id")}
# Excel's limit for one cell.
CELL_MAX = 32_767

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


def export_params(params: QueryDict) -> str:
    """The query string an export keeps: the list's, without its paging."""
    kept = params.copy()
    for key in PAGING_KEYS:
        kept.pop(key, None)
    return kept.urlencode()


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


def csv_safe(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_chunks(selection: Selection, *, batch: int = 500) -> Iterator[str]:
    """The CSV text in pieces: a byte-order mark (Excel then reads UTF-8), headers, rows.

    Everything language-dependent is read here, in the view: the rows are generated
    while the response is sent, after the view has returned.
    """
    labels = Labels()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers())

    def chunks() -> Iterator[str]:
        for number, row in enumerate(selection.rows().iterator(chunk_size=CHUNK_SIZE), 1):
            writer.writerow([csv_safe(value) for value in labels.values(row)])
            if number % batch == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return chunks()


# XLSX -------------------------------------------------------------------------------


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


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


# Exports built by a worker ----------------------------------------------------------


def request_export(*, user: Any, params: QueryDict, language: str) -> tuple[Export, bool]:
    """An Export row for a large XLSX, queued after commit; a repeated click reuses it."""
    kept = export_params(params)
    recent = timezone.now() - timedelta(minutes=10)
    with transaction.atomic():
        pending = Export.objects.filter(
            user=user,
            kind=KIND,
            params=kept,
            language=language,
            status=ExportStatus.PENDING,
            created_at__gte=recent,
        ).first()
        if pending is not None:
            return pending, False
        export = Export.objects.create(
            user=user,
            kind=KIND,
            params=kept,
            language=language,
            download_name=download_name("xlsx"),
        )
        transaction.on_commit(lambda: _queue(export.pk), robust=True)
    return export, True


def _queue(export_id: int) -> None:
    from innovations.tasks import build_catalogue_export

    build_catalogue_export.delay(export_id)


def run_export(export_id: int) -> str:
    """Build a pending export, store it, and tell its owner; once, even if run twice.

    The row stays locked while the file is built: a second run of the same task skips
    it, and a worker that dies releases the lock for the redelivered task.
    """
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=export_id, status=ExportStatus.PENDING, kind=KIND)
            .first()
        )
        if export is None:
            return "not pending"
        with translation.override(export.language):
            try:
                with transaction.atomic():
                    _build(export)
            except Exception as error:
                logger.exception("export %s failed", export.pk)
                if export.file:
                    export.file.delete(save=False)
                export.status = ExportStatus.FAILED
                export.error = f"{type(error).__name__}: {error}"[:2000]
                export.finished_at = timezone.now()
                export.save(update_fields=["status", "error", "finished_at", "file"])
                _notify_failed(export)
                return "failed"
            _notify_ready(export)
    return "ready"


def _build(export: Export) -> None:
    selection = select(QueryDict(export.params))
    with tempfile.TemporaryFile() as handle:
        count = write_xlsx(selection, handle, generated_at=timezone.now())
        handle.seek(0)
        name = export.download_name or download_name("xlsx")
        export.file.save(name, File(handle, name=name), save=False)
    export.row_count = count
    export.status = ExportStatus.READY
    export.finished_at = timezone.now()
    export.error = ""
    export.save(update_fields=["file", "row_count", "status", "finished_at", "error"])


def _notify_ready(export: Export) -> None:
    services.notify(
        user=export.user,
        kind="export_ready",
        subject=_("Your Excel file of innovations is ready"),
        body=_(
            "The Excel file of %(count)s innovations you asked for is ready. "
            "Open the link to download it; only you can."
        )
        % {"count": formats.number_format(export.row_count or 0, force_grouping=True)},
        url=export.get_absolute_url(),
        dedupe_key=f"export:{export.pk}",
    )


def _notify_failed(export: Export) -> None:
    query = f"?{export.params}" if export.params else ""
    services.notify(
        user=export.user,
        kind="export_failed",
        subject=_("Your Excel file of innovations could not be made"),
        body=_(
            "Something went wrong while making the Excel file you asked for. "
            "Please ask for it again from the list; if it fails again, tell the JIPP team."
        ),
        url=reverse("innovations:list") + query,
        dedupe_key=f"export-failed:{export.pk}",
    )
