from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from innovations import search
from innovations.filters import province_choices
from innovations.models import INNOVATOR_KINDS, Innovation, InnovatorKind
from jipp.models import Institution
from replication import cases


@vary_on_headers("HX-Request")
def innovation_list(request: HttpRequest) -> HttpResponse:
    results = search.catalogue(request.GET)
    context = {"results": results, "filters": results.filters}
    # htmx asks for the results only; a restored history entry needs the whole page.
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "innovations/_results.html", context)
    return render(request, "innovations/innovation_list.html", context)


def innovation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = get_object_or_404(
        Innovation.objects.public()
        .select_related("innovator", "province", "category")
        .prefetch_related("sdgs")
        .defer("search_vector", "title_vector"),
        slug=slug,
    )
    # Public: approved and completed plans only, by province (never a person's name).
    # Each with its stage or completion and headline result, linked to its case.
    replications = cases.replications_of(innovation)
    return render(
        request,
        "innovations/innovation_detail.html",
        {"innovation": innovation, "replications": replications},
    )


def innovator_list(request: HttpRequest) -> HttpResponse:
    innovators = Institution.objects.innovators().select_related("province")
    kind = request.GET.get("kind", "")
    if kind in INNOVATOR_KINDS:
        innovators = innovators.filter(kind__in=INNOVATOR_KINDS[InnovatorKind(kind)])
    province = request.GET.get("province", "")
    if province in dict(province_choices()):
        innovators = innovators.filter(province__code=province)
    innovators = innovators.order_by("-innovation_count", "name")  # type: ignore[misc]
    page = Paginator(innovators, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "innovations/innovator_list.html",
        {
            "page": page,
            "kinds": InnovatorKind.choices,
            "provinces": province_choices(),
            "kind": kind,
            "province": province,
        },
    )


def innovator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    innovator = get_object_or_404(
        Institution.objects.innovators().select_related("province", "parent"), slug=slug
    )
    innovations = (
        Innovation.objects.public()
        .filter(innovator=innovator)
        .select_related("category", "province")
        .prefetch_related(Prefetch("sdgs"))
        .only(*[c for c in search.LIST_COLUMNS if not c.startswith("innovator__")], "innovator")
        .order_by("-approved_at", "-id")
    )
    page = Paginator(innovations, 25).get_page(request.GET.get("page"))
    return render(
        request, "innovations/innovator_detail.html", {"innovator": innovator, "page": page}
    )
