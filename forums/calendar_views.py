"""The calendar files: one session's .ics and the subscribable feed of the schedule.

Included by forums/urls.py inside the "forums" namespace, under /forums/.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from forums.access import is_staff, may_see_meeting_link
from forums.calendar import ICS_TYPE, event_ics, feed_ics
from forums.models import ForumSession, Presentation
from jipp.models import Province

# The feed covers what a calendar needs: the last two years and everything ahead.
FEED_PAST = timedelta(days=2 * 366)
FEED_MAX_AGE = 15 * 60


def calendar_sessions(*, drafts: bool = False) -> QuerySet[ForumSession]:
    """What a calendar file reads: the host and the presentations in two queries."""
    sessions = ForumSession.objects.all() if drafts else ForumSession.objects.public()
    return sessions.select_related("host_province").prefetch_related(
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related("innovation__innovator").only(
                "session_id", "order", "innovation__title", "innovation__innovator__name"
            ),
        )
    )


def _ics_response(
    request: HttpRequest, body: str, *, filename: str, public: bool, download: bool = True
) -> HttpResponse:
    etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=f"{ICS_TYPE}; charset=utf-8")
        disposition = "attachment" if download else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    else:
        # The meeting link depends on who asks: never kept by a shared cache.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def event_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = get_object_or_404(calendar_sessions(drafts=is_staff(user)), pk=pk)
    with_link = may_see_meeting_link(session, user)
    body = event_ics(session, meeting_link=with_link, method="PUBLISH")
    anonymous = not user.is_authenticated
    return _ics_response(request, body, filename=f"fripp-{session.pk}.ics", public=anonymous)


@require_safe
def calendar_feed(request: HttpRequest) -> HttpResponse:
    sessions = calendar_sessions().filter(ends_at__gte=timezone.now() - FEED_PAST)
    name = "FRIPP"
    filename = "fripp.ics"
    code = request.GET.get("province", "").strip()
    if code:
        # Kemendagri codes are two digits; anything else (a NUL byte too) matches nothing.
        province = Province.objects.filter(code=code).first() if code.isdigit() else None
        if province is None:
            shown = code[:10].replace("\x00", "")
            raise Http404(_("No province has the code %(code)s.") % {"code": shown})
        sessions = sessions.filter(host_province=province)
        name = f"FRIPP · {province.name}"
        filename = f"fripp-{province.code}.ics"
    body = feed_ics(sessions.order_by("starts_at", "pk"), name=name)
    # Inline: calendar programs subscribe to it; a browser still offers to save it.
    return _ics_response(request, body, filename=filename, public=True, download=False)


urlpatterns = [
    path("calendar.ics", calendar_feed, name="calendar_feed"),
    path("<int:pk>/event.ics", event_ics_view, name="event_ics"),
]
