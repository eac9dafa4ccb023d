"""Exports of the plan list: exactly the plans the list shows the user, with their stages.

One row per plan; each of the seven stages adds its status, due date and completion date.
No person's name: institutions and provinces only. CSV is streamed; an XLSX of up to
EXPORT_SYNC_MAX_ROWS plans is built in the request, a larger one by a worker
(replication.tasks) as a jipp.Export whose link goes to the user's inbox.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from innovations.exports import _cell as xlsx_cell
from innovations.exports import csv_safe, export_params
from jipp import services as jipp_services
from jipp.models import Export, ExportStatus, User
from replication.listing import filtered_plans
from replication.models import (
    BudgetSource,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)

logger = logging.getLogger(__name__)

KIND = "replication_plans"
CHUNK_SIZE = 500


def download_name(extension: str) -> str:
    return f"jipp-rencana-replikasi-{timezone.localdate():%Y%m%d}.{extension}"


def selection(user: User, params: QueryDict) -> QuerySet[ReplicationPlan]:
    _form, plans = filtered_plans(user, params)
    return plans.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order")))


def headers() -> list[str]:
    columns = [
        _("Plan"),
        _("Link"),
        _("Innovation"),
        _("Province"),
        _("Adopting institution"),
        _("Local name"),
        _("Status"),
        _("Current stage"),
        _("Start date"),
        _("Target end date"),
        _("Budget source"),
        _("Budget (IDR)"),
        _("Times a due date moved later"),
        _("Days moved later"),
    ]
    for kind in StageKind:
        columns += [
            f"{kind.label}: {_('status')}",
            f"{kind.label}: {_('due date')}",
            f"{kind.label}: {_('completed on')}",
        ]
    return columns


class Labels:
    """Display names read once, in the active language (the CSV is generated later)."""

    def __init__(self) -> None:
        self.statuses = {value: str(label) for value, label in PlanStatus.choices}
        self.stages = {value: str(label) for value, label in StageKind.choices}
        self.stage_statuses = {value: str(label) for value, label in StageStatus.choices}
        self.budgets = {value: str(label) for value, label in BudgetSource.choices}
        marker = "999999999"
        self.link = settings.SITE_URL + reverse("replication:plan_detail", args=[marker])
        self.marker = marker

    def values(self, plan: ReplicationPlan) -> list[Any]:
        stages = list(plan.stages.all())
        row: list[Any] = [
            plan.pk,
            self.link.replace(self.marker, str(plan.pk)),
            plan.innovation.title,
            plan.province.name,
            plan.adopter.name if plan.adopter else "",
            plan.local_name,
            self.statuses.get(plan.status, plan.status),
            self.stages.get(plan.current_stage, ""),
            plan.start_date,
            plan.target_end_date,
            self.budgets.get(plan.budget_source, ""),
            int(plan.budget_amount) if plan.budget_amount is not None else None,
            sum(stage.slip_count for stage in stages),
            sum(stage.slip_days for stage in stages),
        ]
        for stage in stages:
            completed: date | None = (
                timezone.localtime(stage.completed_at, plan.province.tzinfo).date()
                if stage.completed_at
                else None
            )
            row += [self.stage_statuses.get(stage.status, ""), stage.due_date, completed]
        return row


def csv_chunks(plans: QuerySet[ReplicationPlan]) -> Iterator[str]:
    labels = Labels()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers())

    def chunks() -> Iterator[str]:
        for plan in plans.iterator(chunk_size=CHUNK_SIZE):
            writer.writerow([csv_safe(value) for value in labels.values(plan)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return chunks()


def write_xlsx(plans: QuerySet[ReplicationPlan], target: IO[bytes]) -> int:
    labels = Labels()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Replication plans")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, header, bold=True) for header in headers()])
    count = 0
    for plan in plans.iterator(chunk_size=CHUNK_SIZE):
        sheet.append([xlsx_cell(sheet, value) for value in labels.values(plan)])
        count += 1
    workbook.save(target)
    return count


def request_export(*, user: User, params: QueryDict, language: str) -> tuple[Export, bool]:
    """An Export row for a large XLSX, queued after commit; a repeated click reuses it."""
    kept = export_params(params)
    with transaction.atomic():
        pending = Export.objects.filter(
            user=user,
            kind=KIND,
            params=kept,
            language=language,
            status=ExportStatus.PENDING,
            created_at__gte=timezone.now() - timedelta(minutes=10),
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
    from replication.tasks import build_plan_export

    build_plan_export.delay(export_id)


def run_export(export_id: int) -> str:
    """Build a pending export once, with the plans its owner may see when it runs."""
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
                with transaction.atomic(), tempfile.TemporaryFile() as handle:
                    count = write_xlsx(selection(export.user, QueryDict(export.params)), handle)
                    handle.seek(0)
                    name = export.download_name or download_name("xlsx")
                    export.file.save(name, File(handle, name=name), save=False)
                    export.row_count = count
                    export.status = ExportStatus.READY
                    export.finished_at = timezone.now()
                    export.save()
            except Exception as error:
                logger.exception("plan export %s failed", export.pk)
                export.status = ExportStatus.FAILED
                export.error = f"{type(error).__name__}: {error}"[:2000]
                export.finished_at = timezone.now()
                export.save(update_fields=["status", "error", "finished_at"])
                query = f"?{export.params}" if export.params else ""
                jipp_services.notify(
                    user=export.user,
                    kind="export_failed",
                    subject=_("Your Excel file of replication plans could not be made"),
                    body=_(
                        "Something went wrong while making the Excel file you asked for. "
                        "Please ask for it again from the list; if it fails again, tell the "
                        "JIPP team."
                    ),
                    url=reverse("replication:plan_list") + query,
                    dedupe_key=f"export-failed:{export.pk}",
                )
                return "failed"
            jipp_services.notify(
                user=export.user,
                kind="export_ready",
                subject=_("Your Excel file of replication plans is ready"),
                body=_(
                    "The Excel file of %(count)s replication plans you asked for is ready. "
                    "Open the link to download it; only you can."
                )
                % {"count": formats.number_format(export.row_count or 0, force_grouping=True)},
                url=export.get_absolute_url(),
                dedupe_key=f"export:{export.pk}",
            )
    return "ready"
