"""The small POST forms of a plan's page: each one access check and one service call.

A plan the user may not see is a 404; an action their role may not take is a 403 (the
services raise PermissionDenied). A refused action with typed text shows the page again
with that text and the reason; one without text redirects with the reason as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jipp.access import AuthedRequest
from replication import due_dates, results_forms, services, stage_services
from replication.models import DueDateRequest, Evidence, ReplicationPlan, Stage
from replication.views import _get_plan_for_user, _get_stage, render_plan

TYPED = (
    "note",
    "reason",
    "body",
    "proposed_date",
    "description",
    "legal_basis_number",
    "legal_basis_date",
    "lessons",
)
# The evaluation's fields, one pair per indicator: achieved_<id>, measured_on_<id>.
TYPED_PREFIXES = ("achieved_", "measured_on_")


def _typed(request: AuthedRequest) -> bool:
    """Whether the refused form holds text worth showing again."""
    return any(request.POST.get(name) for name in TYPED) or any(
        value for name, value in request.POST.items() if name.startswith(TYPED_PREFIXES)
    )


def _act(
    request: AuthedRequest,
    plan: ReplicationPlan,
    action: str,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    try:
        result = call()
    except ValidationError as error:
        if _typed(request):
            # Said at the top too: on a phone the form's own message is far down the page.
            messages.error(
                request,
                _("Not saved: %(reasons)s What you typed is kept in the form below.")
                % {"reasons": " ".join(error.messages)},
            )
            posted = {"action": action, "data": request.POST, "errors": error.messages}
            return render_plan(request, plan, posted=posted)
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(plan)


MAX_TEXT = 5000


def _text(request: AuthedRequest, name: str) -> str:
    """A typed note, reason or description; a text too long is refused, never cut short."""
    text = request.POST.get(name, "")
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(limit)s fit: shorten it.")
            % {"length": len(text), "limit": MAX_TEXT}
        )
    return text


@require_POST
@login_required
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    return _act(
        request,
        plan,
        "plan_submit",
        lambda: services.submit_plan(plan=plan, by=request.user),
        _("Submitted. The ministry's reviewers have been told."),
    )


@require_POST
@login_required
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    return _act(
        request,
        plan,
        "plan_approve",
        lambda: services.approve_plan(plan=plan, by=request.user, note=_text(request, "note")),
        _("Plan approved. The province and the innovator have been told."),
    )


@require_POST
@login_required
def plan_return(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    return _act(
        request,
        plan,
        "plan_return",
        lambda: services.return_plan(plan=plan, by=request.user, note=_text(request, "note")),
        _("Plan returned to the province with your note."),
    )


@require_POST
@login_required
def plan_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    return _act(
        request,
        plan,
        "plan_cancel",
        lambda: services.cancel_plan(plan=plan, by=request.user, reason=_text(request, "reason")),
        _("Plan cancelled."),
    )


@require_POST
@login_required
def stage_start(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    stage = _get_stage(plan, kind)
    return _act(
        request,
        plan,
        f"stage_start:{kind}",
        lambda: stage_services.start_stage(stage=stage, by=request.user),
        _("Stage started."),
    )


@require_POST
@login_required
def stage_complete(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    stage = _get_stage(plan, kind)

    def call() -> Stage:
        services.require_editor(plan, request.user)  # a role error before a typing error
        note, files = _text(request, "note"), request.FILES.getlist("files")
        # The evaluation's values or the legal basis: every refusal at once, nothing stored.
        results = results_forms.posted_results(
            stage,
            request.POST,
            note=note,
            files=len(files),
        )
        return stage_services.complete_stage(
            stage=stage,
            by=request.user,
            note=note,
            evidence_files=files,
            description=_text(request, "description"),
            results=results,
        )

    return _act(
        request,
        plan,
        f"stage_complete:{kind}",
        call,
        _("Stage done. The ministry's reviewers have been told."),
    )


@require_POST
@login_required
def stage_verify(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    stage = _get_stage(plan, kind)
    return _act(
        request,
        plan,
        f"stage_verify:{kind}",
        lambda: stage_services.verify_stage(stage=stage, by=request.user),
        _("Stage verified."),
    )


@require_POST
@login_required
def stage_return(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    stage = _get_stage(plan, kind)
    return _act(
        request,
        plan,
        f"stage_return:{kind}",
        lambda: stage_services.return_stage(
            stage=stage, by=request.user, note=_text(request, "note")
        ),
        _("Stage returned to the province with your note."),
    )


@require_POST
@login_required
def evidence_add(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    stage = _get_stage(plan, kind)
    return _act(
        request,
        plan,
        f"evidence_add:{kind}",
        lambda: stage_services.add_evidence(
            stage=stage,
            by=request.user,
            files=request.FILES.getlist("files"),
            description=_text(request, "description"),
        ),
        _("Evidence added."),
    )


@require_POST
@login_required
def evidence_remove(request: AuthedRequest, pk: int, evidence_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("stage"), pk=evidence_id, stage__plan=plan
    )
    evidence.stage.plan = plan
    return _act(
        request,
        plan,
        "evidence_remove",
        lambda: stage_services.remove_evidence(evidence=evidence, by=request.user),
        _("Evidence removed."),
    )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError(_("Give the proposed date as a calendar date.")) from error


@require_POST
@login_required
def due_date_request(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    stage = _get_stage(plan, kind)

    def call() -> None:
        services.require_editor(plan, request.user)  # a role error before a typing error
        due_dates.request_due_date(
            stage=stage,
            by=request.user,
            proposed_date=_date(request.POST.get("proposed_date", "")),
            reason=_text(request, "reason"),
        )

    return _act(
        request,
        plan,
        f"due_date_request:{kind}",
        call,
        _("Request sent. The ministry's reviewers have been told."),
    )


@require_POST
@login_required
def due_date_decide(request: AuthedRequest, pk: int, request_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    change = get_object_or_404(
        DueDateRequest.objects.select_related("stage"), pk=request_id, stage__plan=plan
    )
    change.stage.plan = plan
    return _act(
        request,
        plan,
        f"due_date_decide:{request_id}",
        lambda: due_dates.decide_due_date(
            request=change,
            by=request.user,
            accept=request.POST.get("decision") == "accept",
            note=_text(request, "note"),
        ),
        _("Decision recorded. The province has been told."),
    )


def _message_posted(result: tuple[Any, int]) -> str:
    _message, told = result
    if not told:
        return _("Message posted. Nobody else on this plan has an account to tell yet.")
    return ngettext(
        "Message posted. %(count)d person on this plan has been told.",
        "Message posted. %(count)d people on this plan have been told.",
        told,
    ) % {"count": told}


@require_POST
@login_required
def message_post(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request.user, pk)
    return _act(
        request,
        plan,
        "message_post",
        lambda: services.post_message(plan=plan, by=request.user, body=_text(request, "body")),
        _message_posted,
    )
