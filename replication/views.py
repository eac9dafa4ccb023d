"""Plans: the scoped list, the form, the plan's page, evidence downloads, the ministry's queue."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innovations.models import Innovation
from jipp.access import AuthedRequest, role_required
from jipp.models import Role, User
from replication import listing, reminder_listing, results_forms, schedule, services
from replication.forms import PlanForm, ReviewFilterForm
from replication.indicator_forms import (
    BaseIndicatorFormSet,
    indicator_formset,
    one_more_row,
    skm_suggestion,
)
from replication.models import (
    DueDateRequest,
    DueDateRequestStatus,
    Evidence,
    Indicator,
    IndicatorChangeRequest,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)
from replication.results import MAX_INDICATORS
from replication.uploads import download_name

ACTION_LABELS = {
    "plan_created": gettext_lazy("Plan filed as a draft"),
    "plan_edited": gettext_lazy("Plan edited"),
    "plan_submitted": gettext_lazy("Submitted for review"),
    "plan_approved": gettext_lazy("Approved"),
    "plan_returned": gettext_lazy("Returned to the province"),
    "plan_cancelled": gettext_lazy("Cancelled"),
    "plan_completed": gettext_lazy("Completed: every stage verified"),
    "stage_started": gettext_lazy("Stage started"),
    "stage_completed": gettext_lazy("Stage done"),
    "stage_verified": gettext_lazy("Stage verified"),
    "stage_returned": gettext_lazy("Stage returned"),
    "evidence_added": gettext_lazy("Evidence added"),
    "evidence_removed": gettext_lazy("Evidence removed"),
    "due_date_requested": gettext_lazy("Due date change requested"),
    "due_date_accepted": gettext_lazy("Due date change accepted"),
    "due_date_declined": gettext_lazy("Due date change declined"),
    "indicator_added": gettext_lazy("Indicator added"),
    "indicator_changed": gettext_lazy("Indicator corrected"),
    "indicator_removed": gettext_lazy("Indicator removed"),
    "indicator_change_requested": gettext_lazy("Indicator change requested"),
    "indicator_change_accepted": gettext_lazy("Indicator change accepted"),
    "indicator_change_declined": gettext_lazy("Indicator change declined"),
    "indicator_achieved": gettext_lazy("Achieved value reported"),
    "legal_basis_recorded": gettext_lazy("Legal basis recorded"),
    "lessons_recorded": gettext_lazy("Lessons for other adopters recorded"),
}
PLAN_RELATED = ("innovation", "innovation__innovator", "province", "adopter")


# Access -----------------------------------------------------------------------------


def _get_plan_for_user(user: User, pk: int) -> ReplicationPlan:
    """Any plan the user may see; every other one is a 404."""
    return get_object_or_404(
        ReplicationPlan.objects.visible_to(user).select_related(
            *PLAN_RELATED, "filed_by", "approved_by"
        ),
        pk=pk,
    )


def _get_editable_plan(user: User, pk: int) -> ReplicationPlan:
    """A plan the officer may edit: 404 when unseen, 403 when seen but not theirs to edit."""
    plan = _get_plan_for_user(user, pk)
    # The province's own closed plan passes: the page says why it cannot be edited.
    with contextlib.suppress(ValidationError):
        services.require_editor(plan, user)
    return plan


def _get_stage(plan: ReplicationPlan, kind: str) -> Stage:
    stage = get_object_or_404(Stage, plan=plan, kind=kind)
    stage.plan = plan
    return stage


# List -------------------------------------------------------------------------------


@role_required(Role.BAPPEDA, Role.MINISTRY, Role.INNOVATOR)
def plan_list(request: AuthedRequest) -> HttpResponse:
    form, plans = listing.filtered_plans(request.user, request.GET)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "replication/plan_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# Filing and editing -----------------------------------------------------------------


def _province_today(user: User) -> date:
    province = user.province
    return province.local_now().date() if province is not None else timezone.localdate()


def _typed(post: Any, form: PlanForm) -> dict[str, Any]:
    """The plan form's fields as typed, to show again unchecked ("add an indicator")."""
    return {name: post.get(name) for name in form.fields if name in post}


def _form_page(
    request: AuthedRequest, form: PlanForm, rows: BaseIndicatorFormSet, context: dict[str, Any]
) -> HttpResponse:
    context |= {
        "form": form,
        "rows": rows,
        "max_indicators": MAX_INDICATORS,
        "suggested": any(
            row.initial.get("name") == skm_suggestion()["name"] and not row.initial.get("id")
            for row in rows
        ),
    }
    if getattr(request, "htmx", False) and "add_indicator" in request.POST:
        return render(request, "replication/_indicator_rows.html", context)
    return render(request, "replication/plan_form.html", context)


def _one_more(request: AuthedRequest, form: PlanForm, *, today: date, can_delete: bool) -> Any:
    """ "Add an indicator": the page again as typed, nothing checked or saved, one more row."""
    rows = one_more_row(request.POST, today=today, can_delete=can_delete)
    if rows.forms:
        rows.forms[-1].fields["name"].widget.attrs["autofocus"] = True
    return form.__class__(
        initial=_typed(request.POST, form), user=request.user, plan=form.plan
    ), rows


@role_required(Role.BAPPEDA)
def plan_new(request: AuthedRequest) -> HttpResponse:
    slug = request.POST.get("innovation") or request.GET.get("innovation", "")
    innovation = Innovation.objects.public().filter(slug=slug).first() if slug else None
    initial = {"innovation": innovation.slug} if innovation else {}
    today = _province_today(request.user)
    form = PlanForm(request.POST or None, initial=initial, user=request.user)
    context: dict[str, Any] = {
        "innovation": innovation,
        "slug": slug,
        "mode": "new",
        "existing_plan": None,
    }
    if request.method == "POST" and "add_indicator" in request.POST:
        form, rows = _one_more(request, form, today=today, can_delete=False)
        return _form_page(request, form, rows, context)
    rows = indicator_formset(
        request.POST if request.method == "POST" else None,
        indicators=[],
        today=today,
        suggest=True,
    )
    if request.method == "POST" and all([form.is_valid(), rows.is_valid()]):
        try:
            plan = services.file_plan(
                by=request.user,
                data=form.cleaned_data,
                stage_due_dates=form.stage_due_dates(),
                indicators=rows.rows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            context["existing_plan"] = _first_open_plan(error)
        else:
            if plan.indicators.exists():
                messages.success(
                    request, _("Draft plan saved. Submit it for review when it is ready.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Draft plan saved without indicators. Add at least one (edit the "
                        "plan) before submitting it for review."
                    ),
                )
            return redirect(plan)
    return _form_page(request, form, rows, context)


def _first_open_plan(error: ValidationError) -> int | None:
    """The plan a refused second plan should link to, if that was the refusal."""
    for item in getattr(error, "error_list", []):
        if item.code == "open_plan_exists" and item.params:
            return item.params.get("plan")
    return None


@role_required(Role.BAPPEDA)
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _get_editable_plan(request.user, pk)
    if not plan.is_editable:
        if plan.status == PlanStatus.APPROVED and services.is_officer_of(plan, request.user):
            messages.info(
                request,
                _("The plan is approved: its indicators are edited on their own page."),
            )
            return redirect("replication:plan_indicators", pk=plan.pk)
        messages.error(request, _("Only a draft or a returned plan can be edited."))
        return redirect(plan)
    stages = list(plan.stages.all())
    indicators = list(plan.indicators.all())
    today = plan.local_today()
    initial: dict[str, Any] = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    initial["version"] = plan.version
    initial |= {schedule.due_field(stage.kind): stage.due_date for stage in stages}
    form = PlanForm(request.POST or None, initial=initial, user=request.user, plan=plan)
    context: dict[str, Any] = {"plan": plan, "innovation": plan.innovation, "mode": "edit"}
    if request.method == "POST" and "add_indicator" in request.POST:
        form, rows = _one_more(request, form, today=today, can_delete=bool(indicators))
        return _form_page(request, form, rows, context)
    rows = indicator_formset(
        request.POST if request.method == "POST" else None,
        indicators=indicators,
        today=today,
        suggest=True,
    )
    if request.method == "POST" and all([form.is_valid(), rows.is_valid()]):
        try:
            services.update_plan(
                plan=plan,
                by=request.user,
                data=form.cleaned_data,
                stage_due_dates=form.stage_due_dates(),
                version=form.cleaned_data.get("version") or 0,
                indicators=rows.rows(),
                removed_indicators=rows.removed_ids(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(plan)
    return _form_page(request, form, rows, context)


# The plan's page --------------------------------------------------------------------


def timeline(plan: ReplicationPlan) -> list[Any]:
    events = list(listing.events_of(plan))
    for event in events:
        label = str(ACTION_LABELS.get(event.action, event.action))
        if event.action == "plan_edited" and event.note:
            fields = ", ".join(listing.field_label(name) for name in event.note.split(","))
            event.note = _("Changed: %(fields)s") % {"fields": fields}
        event.label = label
    return events


def _stages(plan: ReplicationPlan) -> list[Stage]:
    stages = list(
        plan.stages.select_related("completed_by", "verified_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
            Prefetch(
                "due_date_requests",
                queryset=DueDateRequest.objects.select_related("requested_by", "decided_by"),
            ),
            reminder_listing.prefetch(),
        )
    )
    for number, stage in enumerate(stages):
        stage.plan = plan
        requests = list(stage.due_date_requests.all())
        stage.pending_request = next(  # type: ignore[attr-defined]
            (r for r in requests if r.status == DueDateRequestStatus.PENDING), None
        )
        stage.decided_requests = [r for r in requests if r.status != "pending"]  # type: ignore[attr-defined]
        stage.previous_finished = number == 0 or stages[number - 1].is_finished  # type: ignore[attr-defined]
    return stages


def plan_indicators(plan: ReplicationPlan) -> list[Indicator]:
    """The plan's indicators, each with its pending change request and the decided ones
    (two queries, however many indicators)."""
    indicators = list(
        plan.indicators.prefetch_related(
            Prefetch(
                "change_requests",
                queryset=IndicatorChangeRequest.objects.select_related("requested_by"),
            )
        )
    )
    for indicator in indicators:
        indicator.plan = plan
        requests = list(indicator.change_requests.all())
        indicator.pending_change = next(  # type: ignore[attr-defined]
            (r for r in requests if r.status == DueDateRequestStatus.PENDING), None
        )
        indicator.decided_changes = [r for r in requests if r.status != "pending"]  # type: ignore[attr-defined]
    return indicators


def indicator_state(plan: ReplicationPlan, stages: list[Stage]) -> dict[str, bool]:
    """What may still change in an approved plan's indicators (evaluation stage's state)."""
    evaluation = next((s.status for s in stages if s.kind == StageKind.EVALUATION), "")
    approved = plan.status == PlanStatus.APPROVED
    return {
        "details_open": approved and evaluation != StageStatus.VERIFIED,
        "numbers_open": approved and evaluation not in (StageStatus.DONE, StageStatus.VERIFIED),
    }


def render_plan(
    request: AuthedRequest,
    plan: ReplicationPlan,
    *,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The plan's page; `posted` brings back an action's typed text and its errors."""
    user = request.user
    if posted:
        posted["name"], _colon, posted["key"] = posted["action"].partition(":")
    officer = services.is_officer_of(plan, user)
    approved = plan.status == PlanStatus.APPROVED
    stages = _stages(plan)
    # Who was told, and how it went: the province's officers and the ministry only.
    show_recipients = officer or user.is_ministry
    reminder_listing.attach(stages, notifications=show_recipients)
    indicators = plan_indicators(plan)
    results_forms.attach(plan, stages, posted=posted or {}, indicators=indicators)
    results = indicator_state(plan, stages)
    context = {
        "plan": plan,
        "stages": stages,
        "history": timeline(plan),
        "plan_messages": plan.messages.select_related("author", "author__institution"),
        "officer": officer,
        "reviewer": user.is_ministry,
        "approved": approved,
        "can_edit": officer and plan.is_editable,
        "can_decide": user.is_ministry and plan.status == PlanStatus.SUBMITTED,
        "can_cancel": plan.is_open and (officer or user.is_ministry),
        "slip_count": sum(stage.slip_count for stage in stages),
        "slip_days": sum(stage.slip_days for stage in stages),
        "today": plan.local_today(),
        "posted": posted or {},
        "show_reminder_recipients": show_recipients,
        "indicators": indicators,
        "max_indicators": MAX_INDICATORS,
        "needs_indicators": not indicators and plan.is_open,
        "can_approve": user.is_ministry and plan.status == PlanStatus.SUBMITTED and indicators,
        "can_edit_indicators": officer and results["details_open"],
        "can_add_indicator": officer
        and results["numbers_open"]
        and len(indicators) < MAX_INDICATORS,
    }
    return render(request, "replication/plan_detail.html", context, status=status)


@login_required
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_plan(request, _get_plan_for_user(request.user, pk))


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(
        Evidence.objects.filter(stage__plan__in=ReplicationPlan.objects.visible_to(request.user)),
        pk=pk,
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence.original_name),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# The ministry's queue ---------------------------------------------------------------


@role_required(Role.MINISTRY)
def review(request: AuthedRequest) -> HttpResponse:
    """Plans to decide, stages to verify and due-date requests, each oldest first."""
    form = ReviewFilterForm(request.GET or None)
    kind = province = ""
    if form.is_valid():  # an unknown kind or province: the errors, and the whole queue
        kind, province = form.cleaned_data["kind"], form.cleaned_data["province"]
    sections = listing.review_sections(kinds=[kind] if kind else None, province=province)
    return render(
        request,
        "replication/review.html",
        {"form": form, "sections": sections, "filtered": bool(kind or province)},
    )
