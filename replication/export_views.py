"""The plan list as CSV and XLSX: the rows the list shows the user, and no others."""

from __future__ import annotations

from django.http.response import HttpResponseBase

from jipp import exports as pipeline
from jipp.access import AuthedRequest, role_required
from jipp.models import Role
from replication import exports

ROLES = (Role.BAPPEDA, Role.MINISTRY, Role.INNOVATOR)


@role_required(*ROLES)
def plan_export_csv(request: AuthedRequest) -> HttpResponseBase:
    return pipeline.csv_download(request, exports.KIND)


@role_required(*ROLES)
def plan_export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    return pipeline.xlsx_download(request, exports.KIND)
