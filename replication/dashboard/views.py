"""The dashboards (ministry: national or any province; Bappeda: its own), the public figures
page, and the quarterly report as a printable page and as XLSX.

Innovators and forum admins get 403 on the dashboards: their work has its own pages, and
the figures they may see are the public ones at /replication/.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from jipp import exports
from jipp.access import AuthedRequest, role_required
from jipp.cache import remembered
from jipp.models import Role
from replication.dashboard import figures, pages, report
from replication.dashboard.figures import ProvinceRow, Scope
from replication.dashboard.interest import interest_figures
from replication.dashboard.periods import period_from

ROLES = (Role.MINISTRY, Role.BAPPEDA)


def _scope_for(request: AuthedRequest) -> Scope:
    return pages.scope_for_user(request.user, request.GET)


def _public_link(province: ProvinceRow) -> str:
    return f"{reverse('replication:figures')}?province={province.code}#innovations"


def _map_links(ministry: bool) -> Callable[[ProvinceRow], str]:
    """Where the map's provinces lead: their dashboard (the ministry) or their public
    figures (_public_link), the address reversed once for the 38."""
    if ministry:
        base = reverse("dashboard")
        return lambda province: f"{base}?province={province.code}"
    base = reverse("replication:figures")
    return lambda province: f"{base}?province={province.code}#innovations"


@require_GET
@role_required(*ROLES)
def dashboard(request: AuthedRequest) -> HttpResponse:
    scope = _scope_for(request)
    form, period = period_from(request.GET, scope.zone)
    user = request.user
    ministry = user.is_ministry
    # The interest section's link differs for the ministry and forum admins (interest.py).
    staff = ministry or user.is_forum_admin
    scope_query = f"province={scope.province.code}&" if scope.province else ""
    # What this request computed; on a cache hit the page around the body needs only the
    # scope and the period (the heading, the period form, the report links).
    computed: dict[str, pages.Dashboard] = {}

    def body() -> str:
        board = computed["board"] = pages.compute(scope, period)
        link = _map_links(ministry)
        months = board.month_rows()
        return render_to_string(
            "dashboard/_body.html",
            {
                "board": board,
                "scope_query": scope_query,
                "user": user,
                "charts": pages.charts_for(board, map_link=link, months=months),
                "month_pairs": months,
                "matrix": board.matrix_view(),
                "status_pairs": [(label, n) for _, label, n, _ in board.status_rows()],
                "overdue_pairs": [(row.name, n) for row, n in board.overdue_by_province],
                "approved_url": pages.plan_list_url(scope.province, status="approved"),
                "completed_url": pages.plan_list_url(scope.province, status="completed"),
                "interest": interest_figures(scope),
            },
        )

    # The figures and their rendering, kept together a minute (jipp.cache.CACHE_TTL): the
    # same for every viewer of a scope, period, language and role; the page says when they
    # were computed. Only the HTML is kept (not the figures as well): one write, not two.
    key = (
        f"dashboard-html:{pages.CACHE_VERSION}:{scope.key}:{period.cache_key()}:"
        f"{get_language()}:{ministry}:{staff}"
    )
    html = mark_safe(remembered(key, body))  # noqa: S308 - our own template
    context = {
        "board": computed.get("board") or pages.Frame(scope, period),
        "form": form,
        "scope_query": scope_query,
        "body": html,
    }
    return render(request, "dashboard/dashboard.html", context)


@require_GET
@role_required(*ROLES)
def report_page(request: AuthedRequest) -> HttpResponse:
    scope = _scope_for(request)
    form, period = period_from(request.GET, scope.zone)
    board = pages.collect(scope, period, report=True)
    context = {
        "board": board,
        "form": form,
        "report_title": report.title(board),
        "period_line": report.period_line(board),
        "generated_line": report.generated_line(board),
        "scope_query": f"province={scope.province.code}&" if scope.province else "",
    }
    return render(request, "dashboard/report.html", context)


@require_GET
@role_required(*ROLES)
def report_xlsx(request: AuthedRequest) -> HttpResponseBase:
    return exports.xlsx_download(request, report.KIND)


@require_GET
def public_figures(request: HttpRequest) -> HttpResponse:
    """Approved and completed replications only, by province and by innovation; no names."""
    code = request.GET.get("province", "")
    chosen = next((row for row in figures.provinces() if row.code == code), None)
    if code and chosen is None:
        raise Http404

    def body() -> str:
        # Not pages.public_activity(): this HTML is itself kept a minute (one write, not two).
        activity = figures.public_by_province(figures.provinces())
        results = figures.public_results()
        return render_to_string(
            "dashboard/_public_body.html",
            {
                "activity": activity,
                "province": chosen,
                "innovations": figures.by_innovation(Scope(chosen), limit=50),
                "totals": {
                    "approved": sum(item.values["approved"] for item in activity),
                    "completed": sum(item.values["completed"] for item in activity),
                    "provinces": sum(1 for item in activity if item.values["total"]),
                },
                "map": pages.activity_map(activity, link=_public_link, current=chosen),
                "results": results,
                "results_share": figures.share_of(
                    results["indicators_reached"], results["indicators_verified"]
                ),
            },
        )

    # Kept a minute, like every figure (pages.collect): the same for every visitor.
    html = remembered(f"public-html:{code or 'all'}:{get_language()}", body)
    context = {
        "body": mark_safe(html),  # noqa: S308 - our own template
        "api_provinces": reverse("replication-provinces-list"),
        "api_innovations": reverse("replication-innovations-list"),
        "api_docs": reverse("api-docs"),
    }
    return render(request, "dashboard/public.html", context)
