from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from jipp import services
from jipp.access import AuthedRequest
from jipp.models import Notification, Province, User


def home(request: HttpRequest) -> HttpResponse:
    # The shared app does not import the other apps at load.
    from forums.models import ForumSession, ForumStatus
    from innovations.models import Innovation
    from jipp.cache import remembered
    from replication.dashboard import figures, pages
    from replication.dashboard.periods import Period, current_year

    hubs = Province.objects.filter(hub_since__isnull=False).order_by("hub_since", "name")
    recent = (
        Innovation.objects.public()
        .select_related("innovator", "province")
        .only("slug", "title", "innovator__name", "province__name")
        .order_by("-approved_at", "-id")[:4]
    )
    upcoming = (
        ForumSession.objects.public()
        .filter(status=ForumStatus.SCHEDULED, starts_at__gte=timezone.now())
        .select_related("host_province")
        .order_by("starts_at", "id")[:3]
    )
    activity = pages.public_activity()  # figures kept a minute (jipp.cache)
    national, year = figures.Scope(), current_year()
    key_figures = {
        "innovations": remembered(
            "home:innovations", lambda: figures.approved_innovations(national)
        ),
        "replications": sum(item.values["total"] for item in activity),
        "provinces": sum(1 for item in activity if item.values["total"]),
        "forums": remembered(
            f"home:forums:{year}", lambda: figures.forums_held(national, Period(year))
        ),
    }
    context = {"hubs": hubs, "recent": recent, "upcoming": upcoming, "figures": key_figures}
    return render(request, "home.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's e-mail follows the choice."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=language)
    return response


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    from forums.notices import superseded

    rows = Notification.objects.for_inbox(request.user).only(
        "id",
        "kind",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
        "channel",
        "status",
        "dedupe_key",
        "language",
    )
    # The user's province's zone, read with the rows rather than by a query of its own.
    rows = rows.annotate(zone=F("user__province__timezone"))
    if request.GET.get("show") == "unread":
        rows = rows.unread()
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    # Times on the user's province's clock, labelled WIB/WITA/WIT (WIB without a province):
    # the template's local_time (jipp.clock), as every page writes times.
    listed = list(page.object_list)
    zone = (getattr(listed[0], "zone", None) if listed else None) or settings.TIME_ZONE
    language = translation.get_language()
    context = {
        "page": page,
        "show": request.GET.get("show"),
        "zone": zone,
        # Rows keep the language they were written in; the page names it when it differs.
        "other_language": {
            row.pk
            for row in listed
            if row.language != language and row.language in dict(settings.LANGUAGES)
        },
        # Forum invitations a later change replaced are marked, so nobody acts on them.
        "superseded": superseded(listed),
    }
    return render(request, "jipp/inbox.html", context)


@login_required
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and follows its link."""
    notification = get_object_or_404(
        Notification.objects.for_inbox(request.user),
        pk=pk,
    )
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox")


# An id as the inbox's forms send it: ASCII digits within PostgreSQL's bigint. Arabic-Indic,
# full-width or superscript digits pass str.isdigit() but are no id.
NOTIFICATION_ID = re.compile(r"[0-9]{1,18}")


@require_POST
@login_required
def inbox_mark_read(request: AuthedRequest) -> HttpResponse:
    """Mark the posted notifications read, or all of them when none is posted."""
    posted = request.POST.getlist("id")
    if not all(NOTIFICATION_ID.fullmatch(pk) for pk in posted):
        # Never "all" because the ids were unreadable: nothing changes, the page says why.
        messages.error(
            request,
            _(
                "Nothing was marked as read: a notification was not recognised. "
                "Reload the inbox and try again."
            ),
        )
        response = inbox(request)
        response.status_code = 400
        return response
    ids = [int(pk) for pk in posted]
    count = services.mark_read(user=request.user, notification_ids=ids or None)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("inbox")
