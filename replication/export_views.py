"""The plan list as CSV and XLSX: the rows the list shows the user, and no others."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from innovations.export_views import too_many_downloads, too_many_response
from innovations.exports import XLSX_TYPE, export_params
from jipp.access import AuthedRequest, role_required
from jipp.models import Role
from replication import exports

ROLES = (Role.BAPPEDA, Role.MINISTRY, Role.INNOVATOR)


@role_required(*ROLES)
def plan_export_csv(request: AuthedRequest) -> HttpResponseBase:
    if too_many_downloads(request):
        return too_many_response()
    plans = exports.selection(request.user, request.GET)
    response = StreamingHttpResponse(
        exports.csv_chunks(plans), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.download_name("csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*ROLES)
def plan_export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    if too_many_downloads(request):
        return too_many_response()
    plans = exports.selection(request.user, request.GET)
    limit = settings.EXPORT_SYNC_MAX_ROWS
    if plans.order_by().values("id")[: limit + 1].count() <= limit:
        buffer = io.BytesIO()
        exports.write_xlsx(plans, buffer)
        buffer.seek(0)
        response = FileResponse(
            buffer,
            as_attachment=True,
            filename=exports.download_name("xlsx"),
            content_type=XLSX_TYPE,
        )
        response["Cache-Control"] = "private, no-store"
        return response
    exports.request_export(
        user=request.user, params=request.GET, language=translation.get_language() or "id"
    )
    messages.info(
        request,
        _(
            "More than %(limit)s plans: your Excel file is being prepared. "
            "The download link will arrive in your inbox."
        )
        % {"limit": formats.number_format(limit, force_grouping=True)},
    )
    query = export_params(request.GET)
    return redirect(reverse("replication:plan_list") + (f"?{query}" if query else ""))
