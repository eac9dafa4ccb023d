"""Generated files (jipp.Export): each served to the user who asked for it, and nobody else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from jipp.access import AuthedRequest
from jipp.models import Export, ExportStatus


@login_required
def export_download(request: AuthedRequest, pk: int) -> FileResponse:
    export = get_object_or_404(
        Export.objects.filter(user=request.user, status=ExportStatus.READY).exclude(file=""),
        pk=pk,
    )
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=export.download_name or (export.file.name or "").rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
