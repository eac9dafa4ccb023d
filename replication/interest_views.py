"""Declared interest: an officer declares and withdraws it; the province and the innovator
see theirs; the ministry and forum admins see the demand and draft a forum from it."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovations.models import Innovation, detail_urls
from jipp.access import AuthedRequest, role_required
from jipp.models import Role
from replication import interest_forum, interest_services
from replication.interest import Interest, InterestStatus
from replication.interest_demand import DemandPage, demand_page, demand_totals, page_interests
from replication.interest_forms import DemandForm, InterestForm, SelectionForm

PER_PAGE = 25


def _attach(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The officer ----------------------------------------------------------------------------


@role_required(Role.BAPPEDA)
def interest_declare(request: AuthedRequest, slug: str) -> HttpResponse:
    """The form on its own page (the innovation page carries the same one)."""
    innovation = get_object_or_404(
        Innovation.objects.public()
        .select_related("innovator")
        .only("id", "slug", "title", "status", "innovator__name"),
        slug=slug,
    )
    form = InterestForm(request.POST if request.method == "POST" else None, user=request.user)
    existing: dict[str, int] = {}
    if request.method == "POST" and form.is_valid():
        try:
            interest_services.declare_interest(
                innovation=innovation,
                by=request.user,
                institution=form.cleaned_data["institution"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _attach(form, error)
            existing = {k: v for k, v in (getattr(error, "params", None) or {}).items() if v}
        else:
            messages.success(
                request,
                _(
                    "Your province's interest is declared, and the innovator has been told. "
                    "It is marked as planned by itself once your province files a plan for "
                    "this innovation; until then you can withdraw it."
                ),
            )
            return redirect(innovation.get_absolute_url() + "#interest")
    return render(
        request,
        "replication/interest_form.html",
        {"innovation": innovation, "form": form, "existing": existing},
    )


@require_POST
@role_required(Role.BAPPEDA)
def interest_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    # Another province's interest is not this officer's to see: 404.
    interest = get_object_or_404(
        Interest.objects.select_related("innovation"), pk=pk, province_id=request.user.province_id
    )
    try:
        interest_services.withdraw_interest(interest=interest, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Interest in %(innovation)s withdrawn. You can declare it again from the "
                "innovation's page at any time."
            )
            % {"innovation": interest.innovation.title},
        )
    if request.POST.get("back") == "innovation":
        return redirect(interest.innovation.get_absolute_url() + "#interest")
    return redirect("replication:interest_mine")


@role_required(Role.BAPPEDA, Role.INNOVATOR)
def interest_mine(request: AuthedRequest) -> HttpResponse:
    """The province's declared interest (officers); interest in our innovations (innovators)."""
    user = request.user
    context: dict[str, Any] = {"declared": None, "received": None}
    if user.is_bappeda and user.province_id:
        declared = (
            Interest.objects.filter(province_id=user.province_id)
            .select_related("innovation", "institution", "plan")
            .order_by("status", "-created_at", "-id")  # open first, then planned, withdrawn
        )
        context["declared"] = Paginator(declared, 50).get_page(request.GET.get("page"))
    if user.is_innovator and user.institution_id:
        received = (
            Interest.objects.filter(
                innovation__innovator_id=user.institution_id,
                status__in=[InterestStatus.OPEN, InterestStatus.PLANNED],
            )
            .select_related("innovation", "province", "institution")
            .order_by("status", "-created_at", "-id")
        )
        context["received"] = Paginator(received, 50).get_page(request.GET.get("page"))
    return render(request, "replication/interest_mine.html", context)


# The ministry and forum admins ------------------------------------------------------------


class DemandInnovation(NamedTuple):
    id: int
    title: str
    url: str
    innovator: str
    sector: str
    legend: str


# One interested province of an innovation: its checkbox and label, written here rather
# than by the template's loop (a page holds a few hundred; the template engine spent more
# on them than the rest of the page).
CHOICE = (
    '<div class="form-check">'
    '<input class="form-check-input" type="checkbox" name="pair" id="pair-{pair}" '
    'value="{pair}"{checked}>'
    ' <label class="form-check-label" for="pair-{pair}">{province}{hub}'
    ' <span class="small text-body-secondary">· {since}{institution}</span></label>'
    "</div>"
)


def demand_groups(
    params: Any, ticked: set[str] | frozenset[str] = frozenset()
) -> tuple[DemandForm, DemandPage, list[dict[str, Any]]]:
    """The filtered open interest, one row per innovation (most interest first, then the
    longest waiting), a keyset page read from the rollups (replication.interest_demand).
    Rows are read as tuples and their markup prepared here (the ticked pairs checked): the
    template only places them."""
    form = DemandForm(params or None)
    filters = form.demand_filters()
    page = demand_page(filters, params.get("cursor", ""), PER_PAGE)
    ids = [innovation_id for innovation_id, _ in page.groups]
    link = detail_urls()
    english = get_language() == "en"
    innovations: dict[int, DemandInnovation] = {}
    by_innovation: dict[int, list[str]] = {pk: [] for pk in ids}
    # "sejak 7 Desember 2026": the sentence, the hub badge and the month names translated
    # once, each day written once (a page holds a few hundred interests).
    zone, since = timezone.get_current_timezone(), _("since %(date)s")
    hub = format_html(' <span class="badge text-bg-light border">{}</span>', _("hub"))
    months = {number: str(name) for number, name in MONTHS.items()}
    days: dict[date, str] = {}
    # The interest and its innovation in one query (the innovation's columns repeat on
    # each of its provinces: a few dozen short texts, cheaper than a second query).
    for row in page_interests(filters, ids) if ids else []:
        innovation_id, province_id, province, is_hub, created_at, institution = row[:6]
        if innovation_id not in innovations:
            title, slug, innovator, name_id, name_en = row[6:]
            innovations[innovation_id] = DemandInnovation(
                innovation_id,
                title,
                link(slug),
                innovator,
                name_en if english else name_id,
                _("Provinces interested in %(title)s") % {"title": title},
            )
        day = created_at.astimezone(zone).date()
        if day not in days:  # "j F Y", as date_format writes it in both languages
            written = f"{day.day} {months[day.month]} {day.year}"
            days[day] = escape(since % {"date": written})
        pair = f"{innovation_id}-{province_id}"
        by_innovation[innovation_id].append(
            CHOICE.format(
                pair=pair,
                checked=" checked" if pair in ticked else "",
                province=escape(province),
                hub=hub if is_hub else "",
                since=days[day],
                institution=f" · {escape(institution)}" if institution else "",
            )
        )
    rows = [
        {
            "innovation": innovations[pk],
            "choices": mark_safe("".join(by_innovation[pk])),  # noqa: S308 (escaped above)
            "count": count,
        }
        for pk, count in page.groups
        if pk in innovations
    ]
    return form, page, rows


def _drafted_message(drafted: interest_forum.DraftedForum) -> str:
    session = drafted.session
    when = session.starts_at.astimezone(session.tzinfo)
    parts = [
        ngettext(
            "Draft forum created with %(count)s presentation",
            "Draft forum created with %(count)s presentations",
            len(drafted.innovations),
        )
        % {"count": len(drafted.innovations)},
        ngettext(
            "and %(count)s invitation (%(names)s).",
            "and %(count)s invitations (%(names)s).",
            len(drafted.invited),
        )
        % {"count": len(drafted.invited), "names": ", ".join(drafted.invited)},
    ]
    if session.host_province:
        parts.append(
            _("A regional session hosted by %(province)s.")
            % {"province": session.host_province.name}
        )
    else:
        parts.append(_("A national session: several provinces are interested."))
    if drafted.without_officer:
        parts.append(
            _(
                "No Bappeda officer of %(provinces)s has an account: invite its office "
                "below by name or e-mail."
            )
            % {"provinces": ", ".join(drafted.without_officer)}
        )
    parts.append(
        _(
            "The time is a placeholder (%(when)s %(zone)s): set the real time on the edit "
            "page, then schedule the session. Nobody is invited until it is scheduled."
        )
        % {"when": formats.date_format(when, "j F Y, H.i"), "zone": session.zone_label}
    )
    return " ".join(parts)


@role_required(Role.FORUM_ADMIN, Role.MINISTRY)
def interest_demand(request: AuthedRequest) -> HttpResponse:
    """GET: open interest, innovation by province. POST: a draft forum from the ticked pairs."""
    selection = SelectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and selection.is_valid():
        interests = interest_forum.selected_interests(selection.pairs())
        if not interests:
            selection.add_error(
                "pair",
                _(
                    "None of the ticked interest is open any more (withdrawn, or a plan was "
                    "filed meanwhile). Reload the page and tick again."
                ),
            )
        else:
            try:
                drafted = interest_forum.draft_forum_from_interest(
                    by=request.user, interests=interests
                )
            except ValidationError as error:
                _attach(selection, error)
            else:
                messages.success(request, _drafted_message(drafted))
                return redirect(reverse("forums:manage", args=[drafted.session.pk]))
    ticked = set(request.POST.getlist("pair")) if request.method == "POST" else set()
    form, page, rows = demand_groups(request.GET, ticked)
    # From the rollup of open interest per province (38 rows, however much interest).
    open_interests, provinces = demand_totals()
    return render(
        request,
        "replication/interest_demand.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "selection": selection,
            "ticked": ticked,
            "totals": {"interests": open_interests, "provinces": provinces},
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "cursor")),
        },
    )


# Included by replication/urls.py: /replication/interest/...
urlpatterns = [
    path("interest/", interest_demand, name="interest"),
    path("interest/mine/", interest_mine, name="interest_mine"),
    path("interest/declare/<slug:slug>/", interest_declare, name="interest_declare"),
    path("interest/<int:pk>/withdraw/", interest_withdraw, name="interest_withdraw"),
]
