"""Public replication cases: the list and one case (replication/cases.py decides what shows)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from replication import cases


@require_GET
@vary_on_headers("HX-Request")
def case_list(request: HttpRequest) -> HttpResponse:
    results = cases.case_list(request.GET)
    context = {"results": results, "filters": results.filters}
    # htmx asks for the results only; a restored history entry needs the whole page.
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "replication/_case_results.html", context)
    return render(request, "replication/case_list.html", context)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = cases.case_of(cases.get_case(pk))
    return render(request, "replication/case_detail.html", {"case": case, "plan": case.plan})
