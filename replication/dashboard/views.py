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
    board = pages.collect(scope, period)
    ministry = request.user.is_ministry
    context = {
        "board": board,
        "form": form,
        "scope_query": f"province={scope.province.code}&" if scope.province else "",
    }

    def body() -> str:
        link = _map_links(ministry)
        return render_to_string(
            "dashboard/_body.html",
            {
                **context,
                "user": request.user,
                "charts": pages.charts_for(board, map_link=link),
                "matrix": board.matrix_view(),
                "status_pairs": [(label, n) for _, label, n, _ in board.status_rows()],
                "overdue_pairs": [(row.name, n) for row, n in board.overdue_by_province],
                "approved_url": pages.plan_list_url(scope.province, status="approved"),
                "completed_url": pages.plan_list_url(scope.province, status="completed"),
            },
        )

    # The figures and their rendering, kept together for the same minute (pages.collect):
    # the same for every viewer of a scope, period, language and role.
    key = f"dashboard-html:{scope.key}:{period.cache_key()}:{get_language()}:{ministry}"
    context["body"] = mark_safe(remembered(key, body))  # noqa: S308 - our own template
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
        activity = pages.public_activity()
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
