"""The quarterly replication report as XLSX: one sheet per view of the dashboard.

Every sheet opens with the report's title, its period and when it was generated (in the
scope's own zone, WIB for the national report), then one formatted header row and the
numbers. Texts are in the language of the request; no person's name appears.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jipp.exports import ExportKind, formula_safe, register, xlsx_text
from jipp.models import ZONE_LABELS
from replication.dashboard import pages
from replication.dashboard.pages import STAGE_LABELS, Dashboard
from replication.dashboard.periods import period_from

KIND = "replication_report"
HEADER_FILL = PatternFill("solid", fgColor="0B3A66")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ROW = 5  # rows 1-3: title, period, generated at; row 4 empty


def download_name(board: Dashboard) -> str:
    scope = board.scope.province.code if board.scope.province else "nasional"
    return f"jipp-laporan-replikasi-{scope}-{board.period.slug}.xlsx"


def title(board: Dashboard) -> str:
    where = board.scope.province.name if board.scope.province else _("Indonesia (national)")
    return _("Replication report: %(where)s, %(period)s") % {
        "where": where,
        "period": board.period.label,
    }


def period_line(board: Dashboard) -> str:
    return _("Period: %(start)s to %(end)s") % {
        "start": formats.date_format(board.period.start.date(), "j F Y"),
        "end": formats.date_format(board.period.last_day, "j F Y"),
    }


def generated_line(board: Dashboard) -> str:
    moment = timezone.localtime(board.generated_at, board.period.tzinfo)
    text = _("Generated %(when)s %(zone)s") % {
        "when": formats.date_format(moment, "j F Y, H:i"),
        "zone": ZONE_LABELS[board.period.zone],
    }
    if board.period.is_running:
        text += " · " + _("the period is not over: its state is today's")
    return text


def _clean(value: Any) -> Any:
    return formula_safe(xlsx_text(value))


def _sheet(
    book: Workbook,
    board: Dashboard,
    name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int] = (),
) -> Worksheet:
    sheet = book.create_sheet(name[:31])
    sheet.append([title(board)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([period_line(board)])
    sheet.append([generated_line(board)])
    sheet.append([])
    sheet.append(list(headers))
    for cell in sheet[HEADER_ROW]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([_clean(value) for value in row])
    for index in range(1, len(headers) + 1):
        width = widths[index - 1] if index - 1 < len(widths) else 14
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    return sheet


def write_xlsx(board: Dashboard, target: IO[bytes]) -> int:
    """Write the report; return how many rows of figures it holds."""
    book = Workbook()
    book.remove(book.active)
    summary = [
        (_("Approved innovations"), board.approved_innovations),
        *[(str(label), n) for _, label, n, _ in board.status_rows()],
        (_("Stages overdue now"), board.overdue_now),
        (_("In the period: plans approved"), board.in_period["plans_approved"]),
        (_("In the period: stages verified"), board.in_period["stages_verified"]),
        (_("In the period: due dates moved"), board.in_period["due_dates_moved"]),
        (_("In the period: forums held"), board.in_period["forums_held"]),
        (_("At the end: plans approved"), board.at_end["approved_by_end"]),
        (_("At the end: plans under way"), board.at_end["active_at_end"]),
        (_("At the end: plans completed"), board.at_end["completed_by_end"]),
        (_("At the end: stages verified"), board.at_end["stages_verified_by_end"]),
        (_("In the period: plans completed"), board.results["completed_in_period"]),
        (_("In the period: indicators verified"), board.results["indicators_verified"]),
        (
            _("In the period: indicators that reached their target"),
            board.results["indicators_reached"],
        ),
        (_("In the period: share that reached its target (%)"), board.results_share),
    ]
    _sheet(book, board, _("Summary"), [_("Figure"), _("Value")], summary, (46, 14))
    if board.by_province:
        _sheet(
            book,
            board,
            _("Provinces"),
            [
                _("Code"),
                _("Province"),
                _("Plans approved in the period"),
                _("Stages verified in the period"),
                _("Due dates moved in the period"),
                _("Forums held in the period"),
                _("Plans approved by the end"),
                _("Plans under way at the end"),
                _("Plans completed by the end"),
                _("Stages verified by the end"),
                _("Plans completed in the period"),
                _("Indicators verified in the period"),
                _("Indicators that reached their target"),
                _("Share that reached its target (%)"),
            ],
            [
                [
                    item.province.code,
                    item.province.name,
                    item.values["plans_approved"],
                    item.values["stages_verified"],
                    item.values["due_dates_moved"],
                    item.values["forums_held"],
                    item.values["approved_by_end"],
                    item.values["active_at_end"],
                    item.values["completed_by_end"],
                    item.values["stages_verified_by_end"],
                    item.values["completed_in_period"],
                    item.values["indicators_verified"],
                    item.values["indicators_reached"],
                    item.share,
                ]
                for item in board.by_province
            ],
            (8, 28),
        )
    stage_headers = [str(label) for label in STAGE_LABELS.values()]
    _sheet(
        book,
        board,
        _("Stages"),
        [_("Province"), *stage_headers, _("Total")],
        [[row.province.name, *[n for _, n in row.cells], row.total] for row in board.matrix],
        (28,),
    )
    _sheet(
        book,
        board,
        _("Innovations"),
        [_("Innovation"), _("Innovator"), _("Under way"), _("Completed"), _("Provinces")],
        [
            [item.title, item.innovator, item.approved, item.completed, item.provinces]
            for item in board.top_innovations
        ],
        (50, 36),
    )
    result_headers = [
        _("Indicators verified in the period"),
        _("Indicators that reached their target"),
        _("Share that reached its target (%)"),
    ]
    for name, heading, rows in (
        (_("Results by sector"), _("Sector"), board.results_by_sector),
        (_("Results by SDG goal"), _("SDG goal"), board.results_by_sdg),
    ):
        _sheet(
            book,
            board,
            name,
            [heading, *result_headers],
            [[row.label, row.verified, row.reached, row.share] for row in rows],
            (40, 16, 16, 16),
        )
    _sheet(book, board, _("Forums"), [_("Month"), _("Forums held")], board.month_rows(), (20,))
    _sheet(
        book,
        board,
        _("Overdue"),
        [_("Province"), _("Overdue stages now")],
        [[row.name, n] for row, n in board.overdue_by_province],
        (28, 18),
    )
    notifications = board.notifications
    _sheet(
        book,
        board,
        _("Notifications"),
        [_("Last 7 days"), _("E-mail notifications")],
        [
            [_("Sent"), notifications["sent"]],
            [_("Waiting to be sent"), notifications["pending"]],
            [_("Failed"), notifications["failed"]],
        ],
        (24, 20),
    )
    if board.scope.province:
        _sheet(
            book,
            board,
            _("Next due"),
            [_("Plan"), _("Stage"), _("Due date"), _("Days overdue")],
            [
                [item.plan_title, item.label, item.due_date, max(item.days_late, 0)]
                for item in board.next_due
            ],
            (40, 28, 14, 14),
        )
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            for cell in row:
                if cell.is_date:
                    cell.number_format = "yyyy-mm-dd"
    book.save(target)
    return sum(max(sheet.max_row - HEADER_ROW, 0) for sheet in book.worksheets)


def _board(user: Any, params: QueryDict) -> Dashboard:
    scope = pages.scope_for_user(user, params)
    _form, period = period_from(params, scope.zone)
    return pages.collect(scope, period, report=True)


# A report is a sheet per figure, tens of rows: always written in the request.
register(
    ExportKind(
        name=KIND,
        list_url="dashboard_report",
        count=lambda user, params, limit: 0,
        write_xlsx=lambda user, params, target: write_xlsx(_board(user, params), target),
        file_name=lambda user, params, extension: download_name(_board(user, params)),
    )
)
