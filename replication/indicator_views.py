"""An approved plan's indicators: corrections, additions, and the ministry's decisions.

Draft and returned plans edit their indicators in the plan form (views.plan_edit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jipp.access import AuthedRequest, role_required
from jipp.models import Role
from replication import indicator_services
from replication.action_views import _act, _text
from replication.indicator_forms import DECIDED_FIELDS, FIELDS, CorrectionForm, IndicatorForm
from replication.models import IndicatorChangeRequest, PlanStatus, ReplicationPlan
from replication.results import MAX_INDICATORS, Indicator
from replication.views import (
    _get_editable_plan,
    _get_plan_for_user,
    indicator_state,
    plan_indicators,
)


def _correction_form(
    indicator: Indicator, state: dict[str, bool], data: Any = None
) -> CorrectionForm:
    form = CorrectionForm(
        data,
        initial={name: getattr(indicator, name) for name in FIELDS}
        | {"version": indicator.updated_at.isoformat()},
        today=indicator.plan.local_today(),
        prefix=f"indicator-{indicator.pk}",
    )
    # One pending request per indicator; numbers are fixed once the evaluation is done.
    if getattr(indicator, "pending_change", None) or not state["numbers_open"]:
        for name in (*DECIDED_FIELDS, "reason"):
            form.fields[name].disabled = True
    if not state["details_open"]:
        for field in form.fields.values():
            field.disabled = True
    return form


def _page(
    request: AuthedRequest,
    plan: ReplicationPlan,
    *,
    bound: CorrectionForm | None = None,
    add_form: IndicatorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    stages = list(plan.stages.all())
    state = indicator_state(plan, stages)
    indicators = plan_indicators(plan)
    for indicator in indicators:
        form = bound if bound and bound.prefix == f"indicator-{indicator.pk}" else None
        indicator.form = form or _correction_form(indicator, state)  # type: ignore[attr-defined]
    can_add = state["numbers_open"] and len(indicators) < MAX_INDICATORS
    if add_form is None and can_add:
        add_form = IndicatorForm(today=plan.local_today(), prefix="new")
        del add_form.fields["id"]
    context = {
        "plan": plan,
        "indicators": indicators,
        "state": state,
        "add_form": add_form if can_add else None,
        "max_indicators": MAX_INDICATORS,
    }
    return render(request, "replication/plan_indicators.html", context, status=status)


def _approved_plan(request: AuthedRequest, pk: int) -> ReplicationPlan | HttpResponse:
    """The officer's approved plan, or a redirect that says where its indicators are edited."""
    plan = _get_editable_plan(request.user, pk)
    if plan.is_editable:
        return redirect(f"{plan.get_absolute_url()}edit/#indicators")
    if plan.status == PlanStatus.SUBMITTED:
        messages.error(
            request,
            _(
                "The plan is waiting for the ministry's decision: its indicators can change "
                "again once it is returned or approved."
            ),
        )
        return redirect(plan)
    if plan.status != PlanStatus.APPROVED:
        messages.error(request, _("This plan is closed: its indicators can no longer change."))
        return redirect(plan)
    return plan


@require_GET
@role_required(Role.BAPPEDA)
def indicators_page(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _approved_plan(request, pk)
    if isinstance(plan, HttpResponse):
        return plan
    return _page(request, plan)


@require_POST
@role_required(Role.BAPPEDA)
def indicator_correct(request: AuthedRequest, pk: int, indicator_id: int) -> HttpResponse:
    plan = _approved_plan(request, pk)
    if isinstance(plan, HttpResponse):
        return plan
    indicator = get_object_or_404(Indicator, pk=indicator_id, plan=plan)
    indicator.plan = plan
    state = indicator_state(plan, list(plan.stages.all()))
    form = _correction_form(indicator, state, request.POST)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in FIELDS}
        try:
            change = indicator_services.correct_indicator(
                indicator=indicator,
                by=request.user,
                data=data,
                reason=form.cleaned_data.get("reason") or "",
                seen=form.cleaned_data.get("version") or "",
            )
        except ValidationError as error:
            if "unchanged" in {item.code for item in getattr(error, "error_list", [])}:
                messages.info(request, _("Nothing was changed."))
                return redirect("replication:plan_indicators", pk=plan.pk)
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Saved. The change of the baseline, target or direction waits for the "
                    "ministry's decision; its reviewers have been told."
                )
                if change
                else _("Indicator corrected."),
            )
            return redirect(f"{plan.get_absolute_url()}#indicators")
    return _page(request, plan, bound=form)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
@role_required(Role.BAPPEDA)
def indicator_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _approved_plan(request, pk)
    if isinstance(plan, HttpResponse):
        return plan
    form = IndicatorForm(request.POST, today=plan.local_today(), prefix="new")
    del form.fields["id"]
    if form.is_valid():
        try:
            indicator_services.add_indicator(plan=plan, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Indicator added. The ministry's reviewers have been told.")
            )
            return redirect(f"{plan.get_absolute_url()}#indicators")
    return _page(request, plan, add_form=form)


@require_POST
@login_required
def indicator_change_decide(request: AuthedRequest, pk: int, request_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    change = get_object_or_404(
        IndicatorChangeRequest.objects.select_related("indicator"),
        pk=request_id,
        indicator__plan=plan,
    )
    change.indicator.plan = plan
    return _act(
        request,
        plan,
        f"indicator_change_decide:{request_id}",
        lambda: indicator_services.decide_indicator_change(
            request=change,
            by=request.user,
            accept=request.POST.get("decision") == "accept",
            note=_text(request, "note"),
        ),
        _("Decision recorded. The province has been told."),
    )


plan = "plans/<int:pk>/"
urlpatterns = [
    path(plan + "indicators/", indicators_page, name="plan_indicators"),
    path(plan + "indicators/add/", indicator_add, name="indicator_add"),
    path(plan + "indicators/<int:indicator_id>/", indicator_correct, name="indicator_correct"),
    path(
        plan + "indicator-changes/<int:request_id>/decide/",
        indicator_change_decide,
        name="indicator_change_decide",
    ),
]
