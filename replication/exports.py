"""Exports of the plan list: exactly the plans the list shows the user, with their stages.

One row per plan; each of the seven stages adds its status, due date and completion date.
No person's name: institutions and provinces only. The rows are this module's, and only
the plans the user may see when the file is written; the rest is the export pipeline's
(jipp.exports), with which this module registers the kind "replication_plans".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from jipp.exports import ExportKind, csv_stream, register, xlsx_cell
from jipp.models import User
from replication.listing import filtered_plans
from replication.models import (
    BudgetSource,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)

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
    # Read outside the f-strings: gettext's extractor does not look inside them.
    status, due, completed = _("status"), _("due date"), _("completed on")
    for kind in StageKind:
        columns += [f"{kind.label}: {status}", f"{kind.label}: {due}", f"{kind.label}: {completed}"]
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
    labels = Labels()  # read now, in the view's language
    rows = plans.iterator(chunk_size=CHUNK_SIZE)
    return csv_stream(headers(), (labels.values(plan) for plan in rows))


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


register(
    ExportKind(
        name=KIND,
        list_url="replication:plan_list",
        count=lambda user, params, limit: (
            selection(user, params).order_by().values("id")[: limit + 1].count()
        ),
        write_xlsx=lambda user, params, target: write_xlsx(selection(user, params), target),
        file_name=lambda user, params, extension: download_name(extension),
        csv_chunks=lambda user, params: csv_chunks(selection(user, params)),
        queued_message=gettext_lazy(
            "More than %(limit)s plans: your Excel file is being prepared. "
            "The download link will arrive in your inbox."
        ),
        ready_subject=gettext_lazy("Your Excel file of replication plans is ready"),
        ready_body=gettext_lazy(
            "The Excel file of %(count)s replication plans you asked for is ready. "
            "Open the link to download it; only you can."
        ),
    )
)
