"""Downloads of the public catalogue as CSV (anyone) and XLSX (signed-in users)."""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from innovations import exports
from jipp.access import AuthedRequest

logger = logging.getLogger(__name__)


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
            group="innovations.export",
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


def export_csv(request: HttpRequest) -> HttpResponseBase:
    if too_many_downloads(request):
        return too_many_response()
    selection = exports.select(request.GET)
    response = StreamingHttpResponse(
        exports.csv_chunks(selection), content_type="text/csv; charset=utf-8"
    )
    name = exports.download_name("csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    if too_many_downloads(request):
        return too_many_response()
    selection = exports.select(request.GET)
    limit = settings.EXPORT_SYNC_MAX_ROWS
    if selection.count(limit) <= limit:
        buffer = io.BytesIO()
        exports.write_xlsx(selection, buffer, generated_at=timezone.now())
        buffer.seek(0)
        return FileResponse(
            buffer,
            as_attachment=True,
            filename=exports.download_name("xlsx"),
            content_type=exports.XLSX_TYPE,
        )
    exports.request_export(
        user=request.user, params=request.GET, language=translation.get_language() or "id"
    )
    messages.info(
        request,
        _(
            "More than %(limit)s innovations: your Excel file is being prepared. "
            "The download link will arrive in your inbox."
        )
        % {"limit": formats.number_format(limit, force_grouping=True)},
    )
    query = f"?{selection.params}" if selection.params else ""
    return redirect(reverse("innovations:list") + query)
