"""Downloads of the public catalogue as CSV (anyone) and XLSX (signed-in users)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from innovations import exports
from jipp import exports as pipeline
from jipp.access import AuthedRequest


def export_csv(request: HttpRequest) -> HttpResponseBase:
    return pipeline.csv_download(request, exports.KIND)


@login_required
def export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    return pipeline.xlsx_download(request, exports.KIND)
