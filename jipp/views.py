from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
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
    rows = Notification.objects.for_inbox(request.user).only(
        "id", "kind", "subject", "body", "url", "created_at", "read_at", "channel", "status"
    )
    if request.GET.get("show") == "unread":
        rows = rows.unread()
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "jipp/inbox.html", {"page": page, "show": request.GET.get("show")})


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


@require_POST
@login_required
def inbox_mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("id") if pk.isdigit()]
    count = services.mark_read(user=request.user, notification_ids=ids or None)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("inbox")
