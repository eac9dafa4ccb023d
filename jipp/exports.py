"""One pipeline for the files a page can be downloaded as: catalogue, plan list, report.

A kind of export registers once what is its own (`register(ExportKind(...))`): which rows
a user may have for a query string, how they are written, the file's name and the words
that tell the user about it. The pipeline does the rest the same way for every kind:
- a CSV is streamed as it is written; an XLSX of up to EXPORT_SYNC_MAX_ROWS rows is built
  in the request;
- a larger XLSX becomes a jipp.Export row (a repeated click within ten minutes reuses
  it), queued after commit, built once by jipp.tasks.build_export with the rows its owner
  may see when it runs, and announced in the owner's inbox;
- a pending export whose task was lost (Redis down at the click, a worker killed) is
  queued again by requeue_exports(), which the outbox's sweep calls;
- every download counts against one rate limit, and every cell is kept from being run as a
  formula (OWASP's CSV injection).
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from redis.exceptions import RedisError

from jipp import services
from jipp.models import Export, ExportStatus

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_MAX = 32_767  # Excel's limit for one cell
# The query-string keys that choose a page of a list, not which rows are in it.
PAGING_KEYS = ("cursor", "page")
# A queued export not picked up within this is queued again (Redis was down at the click);
# one picked up and not finished within STALE (longer than the task's time limit) too.
QUEUE_GRACE = timedelta(seconds=60)
STALE = timedelta(minutes=20)


@dataclass(frozen=True)
class ExportKind:
    """What one kind of export is. `user` is the one who asks; rows are what they may see."""

    name: str  # Export.kind
    list_url: str  # URL name of the page it downloads, where a failure sends its owner
    count: Callable[[Any, QueryDict, int], int]  # (user, params, limit): rows, up to limit + 1
    write_xlsx: Callable[[Any, QueryDict, IO[bytes]], int]  # returns the rows written
    file_name: Callable[[Any, QueryDict, str], str]  # (user, params, extension)
    csv_chunks: Callable[[Any, QueryDict], Iterator[str]] | None = None
    # For a kind that can grow past EXPORT_SYNC_MAX_ROWS and go to a worker:
    queued_message: str | Promise = ""  # "More than %(limit)s ...: ... in your inbox."
    ready_subject: str | Promise = ""
    ready_body: str | Promise = ""  # with %(count)s


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> ExportKind:
    # Each app registers its kinds in its own exports module; a worker may not have
    # imported them yet.
    autodiscover_modules("exports")
    return KINDS[name]


# -- cells --------------------------------------------------------------------------------


def formula_safe(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_safe(value: Any) -> Any:
    value = formula_safe(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_stream(headers: list[str], rows: Iterable[list[Any]], *, batch: int = 500) -> Iterator[str]:
    """CSV text in pieces: a byte-order mark (Excel then reads UTF-8), headers, rows.

    Headers and anything language-dependent must be read by the caller, in the view: the
    rows are written while the response is sent, after the view has returned.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_safe(value) for value in row])
        if number % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_text(value: Any) -> Any:
    """A value fit for a cell: no control characters, no longer than Excel allows."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
    return value


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    value = xlsx_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def export_params(params: QueryDict) -> str:
    """The query string an export keeps: the list's, without its paging."""
    kept = params.copy()
    for key in PAGING_KEYS:
        kept.pop(key, None)
    return kept.urlencode()


# -- downloads ----------------------------------------------------------------------------


def forwarded_address(request: HttpRequest) -> str:
    """The client's address as our proxy saw it: the last X-Forwarded-For entry.

    Earlier entries are whatever the client sent, so they are never trusted.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META["REMOTE_ADDR"]


def download_rate(group: str, request: HttpRequest) -> str:
    """Anonymous visitors share a modest rate per address; signed-in users a generous one."""
    if request.user.is_authenticated:
        return str(settings.EXPORT_RATE_SIGNED_IN)
    return str(settings.EXPORT_RATE_ANONYMOUS)


def too_many_downloads(request: HttpRequest) -> bool:
    """Count this download (django-ratelimit, in Redis); True when over the rate.

    With Redis unreachable the download is allowed: the portal keeps working without
    Redis (DESIGN.md section 4), and a limiter must not be the one thing that breaks.
    """
    try:
        return is_ratelimited(
            request,
            group="innovations.export",  # one budget for every download, whatever its kind
            key="user_or_ip",
            rate=download_rate,
            increment=True,
        )
    except RedisError:
        logger.warning("download rate limit unavailable: Redis does not answer")
        return False


def too_many_response() -> HttpResponse:
    return HttpResponse(
        _("Too many downloads; try again in a minute."),
        status=429,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": "60"},
    )


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def csv_download(request: HttpRequest, name: str) -> HttpResponseBase:
    if too_many_downloads(request):
        return too_many_response()
    kind = kind_named(name)
    assert kind.csv_chunks is not None, f"{name} has no CSV"  # noqa: S101 - a wiring error
    user = _user(request)
    response = StreamingHttpResponse(
        kind.csv_chunks(user, request.GET), content_type="text/csv; charset=utf-8"
    )
    file_name = kind.file_name(user, request.GET, "csv")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_download(request: HttpRequest, name: str) -> HttpResponseBase:
    """The XLSX at once when small; else queued, the user told, and back to the list."""
    if too_many_downloads(request):
        return too_many_response()
    kind = kind_named(name)
    user = _user(request)
    limit = settings.EXPORT_SYNC_MAX_ROWS
    if kind.count(user, request.GET, limit) <= limit:
        buffer = io.BytesIO()
        kind.write_xlsx(user, request.GET, buffer)
        buffer.seek(0)
        response = FileResponse(
            buffer,
            as_attachment=True,
            filename=kind.file_name(user, request.GET, "xlsx"),
            content_type=XLSX_TYPE,
        )
        response["Cache-Control"] = "private, no-store"
        return response
    request_export(
        kind=name, user=user, params=request.GET, language=translation.get_language() or "id"
    )
    messages.info(
        request,
        str(kind.queued_message) % {"limit": formats.number_format(limit, force_grouping=True)},
    )
    query = export_params(request.GET)
    return redirect(reverse(kind.list_url) + (f"?{query}" if query else ""))


# -- exports built by a worker ------------------------------------------------------------


def request_export(
    *, kind: str, user: Any, params: QueryDict, language: str
) -> tuple[Export, bool]:
    """An Export row for a large XLSX, queued after commit; a repeated click reuses it."""
    kept = export_params(params)
    with transaction.atomic():
        pending = Export.objects.filter(
            user=user,
            kind=kind,
            params=kept,
            language=language,
            status=ExportStatus.PENDING,
            created_at__gte=timezone.now() - timedelta(minutes=10),
        ).first()
        if pending is not None:
            return pending, False
        with translation.override(language):
            file_name = kind_named(kind).file_name(user, QueryDict(kept), "xlsx")
        export = Export.objects.create(
            user=user, kind=kind, params=kept, language=language, download_name=file_name
        )
        transaction.on_commit(lambda: _queue(export.pk), robust=True)
    return export, True


def _queue(export_id: int) -> None:
    from jipp.tasks import build_export

    build_export.delay(export_id)
    # Only once Redis took the task: an export it never reached is found by requeue_exports.
    Export.objects.filter(pk=export_id).update(queued_at=timezone.now())


def requeue_exports() -> int:
    """Queue again the pending exports nobody is building: never queued, or long stalled.

    An export being built is locked by its worker (run_export) and skipped here.
    """
    now = timezone.now()
    with transaction.atomic():
        lost = list(
            Export.objects.select_for_update(skip_locked=True)
            .filter(status=ExportStatus.PENDING)
            .filter(
                Q(queued_at__isnull=True, created_at__lt=now - QUEUE_GRACE)
                | Q(queued_at__lt=now - STALE)
            )
            .values_list("pk", flat=True)[:100]
        )
    for pk in lost:
        try:
            _queue(pk)
        except RedisError:
            logger.warning("export %s not queued again: Redis does not answer", pk)
            break
    return len(lost)


def run_export(export_id: int) -> str:
    """Build a pending export, store it, and tell its owner; once, even if run twice.

    The row stays locked while the file is built: a second run of the same task skips
    it, and a worker that dies releases the lock for the redelivered task.
    """
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=export_id, status=ExportStatus.PENDING)
            .first()
        )
        if export is None:
            return "not pending"
        kind = kind_named(export.kind)
        with translation.override(export.language):
            try:
                with transaction.atomic():
                    _build(kind, export)
            except Exception as error:
                logger.exception("export %s failed", export.pk)
                if export.file:
                    export.file.delete(save=False)
                export.status = ExportStatus.FAILED
                export.error = f"{type(error).__name__}: {error}"[:2000]
                export.finished_at = timezone.now()
                export.save(update_fields=["status", "error", "finished_at", "file"])
                _notify_failed(kind, export)
                return "failed"
            _notify_ready(kind, export)
    return "ready"


def _build(kind: ExportKind, export: Export) -> None:
    params = QueryDict(export.params)
    with tempfile.TemporaryFile() as handle:
        count = kind.write_xlsx(export.user, params, handle)
        handle.seek(0)
        name = export.download_name or kind.file_name(export.user, params, "xlsx")
        export.file.save(name, File(handle, name=name), save=False)
    export.row_count = count
    export.status = ExportStatus.READY
    export.finished_at = timezone.now()
    export.error = ""
    export.save(update_fields=["file", "row_count", "status", "finished_at", "error"])


def _notify_ready(kind: ExportKind, export: Export) -> None:
    services.notify(
        user=export.user,
        kind="export_ready",
        subject=str(kind.ready_subject),
        body=str(kind.ready_body)
        % {"count": formats.number_format(export.row_count or 0, force_grouping=True)},
        url=export.get_absolute_url(),
        dedupe_key=f"export:{export.pk}",
    )


def _notify_failed(kind: ExportKind, export: Export) -> None:
    query = f"?{export.params}" if export.params else ""
    services.notify(
        user=export.user,
        kind="export_failed",
        subject=_("Your Excel file could not be made"),
        body=_(
            "Something went wrong while making the Excel file you asked for. "
            "Please ask for it again from the list; if it fails again, tell the JIPP team."
        ),
        url=reverse(kind.list_url) + query,
        dedupe_key=f"export-failed:{export.pk}",
    )
