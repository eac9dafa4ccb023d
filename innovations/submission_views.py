"""The innovator's side: their institution's innovations, drafts, submissions and updates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovations import services, workflow
from innovations.forms import InnovationForm
from innovations.models import (
    OPEN_REVISION_STATUSES,
    SDG,
    Innovation,
    InnovationRevision,
    InnovationStatus,
    RevisionStatus,
)
from jipp.access import AuthedRequest, role_required
from jipp.models import Role, User


def _institution_innovations(user: User) -> QuerySet[Innovation]:
    """Work belongs to the institution: every innovator user of it sees all of it."""
    if user.institution_id is None:
        return Innovation.objects.none()
    return Innovation.objects.filter(innovator_id=user.institution_id).defer(
        "search_vector", "title_vector"
    )


def _get_innovation_for_user(user: User, slug: str) -> Innovation:
    return get_object_or_404(
        _institution_innovations(user).select_related("category", "innovator", "province"),
        slug=slug,
    )


def _form_initial(values: dict[str, Any]) -> dict[str, Any]:
    initial = {name: value for name, value in values.items() if name != "sdg_numbers"}
    initial["sdgs"] = list(SDG.objects.filter(number__in=values.get("sdg_numbers", [])))
    return initial


def _show_errors(request: AuthedRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _submitting(request: AuthedRequest) -> bool:
    """The form's second button: save, then submit at once."""
    return request.method == "POST" and request.POST.get("then") == "submit"


@role_required(Role.INNOVATOR)
def my_innovations(request: AuthedRequest) -> HttpResponse:
    innovations = (
        _institution_innovations(request.user)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=InnovationRevision.objects.filter(status__in=OPEN_REVISION_STATUSES),
                to_attr="open_revisions",
            )
        )
        .order_by("-created_at", "-id")
    )
    rows = []
    for innovation in innovations:
        open_revisions = getattr(innovation, "open_revisions", [])
        revision = open_revisions[0] if open_revisions else None
        rows.append(
            {
                "innovation": innovation,
                "revision": revision,
                "waiting_for": workflow.waiting_for(innovation, revision),
            }
        )
    return render(request, "innovations/mine.html", {"rows": rows})


@role_required(Role.INNOVATOR)
def my_innovation_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_user(request.user, slug)
    revision = workflow.open_revision(innovation)
    editable = innovation.status in services.EDITABLE_STATUSES
    approved = innovation.status == InnovationStatus.APPROVED
    revision_editable = approved and (revision is None or revision.status != "submitted")
    answering = innovation.status == InnovationStatus.CHANGES_REQUESTED
    revision_answering = (
        revision is not None and revision.status == RevisionStatus.CHANGES_REQUESTED
    )
    context = {
        "innovation": innovation,
        "revision": revision,
        "changes": workflow.changes(innovation, revision) if revision else [],
        # What was changed since the ministry's request, while it is being answered.
        "changes_since_request": workflow.changes_since_request(innovation)
        if answering
        else workflow.changes_since_request(innovation, revision)
        if revision_answering
        else None,
        "waiting_for": workflow.waiting_for(innovation, revision),
        "history": workflow.timeline(innovation),
        "can_edit": editable,
        "can_submit": editable,
        "can_revise": revision_editable,
        "can_submit_revision": revision_editable
        and revision is not None
        and revision.status in {RevisionStatus.DRAFT, RevisionStatus.CHANGES_REQUESTED},
    }
    return render(request, "innovations/mine_detail.html", context)


@role_required(Role.INNOVATOR)
def innovation_new(request: AuthedRequest) -> HttpResponse:
    form = InnovationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            innovation = services.create_innovation(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("innovations:mine_detail", slug=innovation.slug)
    return render(request, "innovations/innovation_form.html", {"form": form, "mode": "new"})


@role_required(Role.INNOVATOR)
def innovation_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_user(request.user, slug)
    if innovation.status not in services.EDITABLE_STATUSES:
        messages.error(
            request, _("Only a draft or an innovation with changes requested can be edited.")
        )
        return redirect("innovations:mine_detail", slug=slug)
    answering = innovation.status == InnovationStatus.CHANGES_REQUESTED
    initial = _form_initial(workflow.innovation_data(innovation))
    initial |= {"reply": innovation.reply, "seen": workflow.last_event_id(innovation)}
    # A fresh instance: validation must not touch the row until the service saves.
    form = InnovationForm(
        request.POST or None,
        initial=initial,
        instance=Innovation(),
        answering=answering,
        existing=True,
    )
    if request.method == "POST" and form.is_valid():
        submitting = _submitting(request)
        try:
            # Saved and submitted together, or neither: a refused submission keeps no edit.
            with transaction.atomic():
                services.update_innovation(
                    innovation=innovation,
                    by=request.user,
                    data=form.cleaned_data,
                    reply=form.cleaned_data.get("reply") or "",
                    seen=form.cleaned_data["seen"],
                )
                if submitting:
                    services.submit_innovation(innovation=innovation, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submitting:
                messages.success(request, _("Submitted. The ministry's reviewers have been told."))
            else:
                messages.success(
                    request,
                    _(
                        "Draft saved. It is not submitted yet: press “Submit for review” "
                        "when it is ready."
                    ),
                )
            return redirect("innovations:mine_detail", slug=slug)
    return render(
        request,
        "innovations/innovation_form.html",
        {
            "form": form,
            "mode": "edit",
            "innovation": innovation,
            "request_note": innovation.review_note if answering else "",
            "changes_since_request": workflow.changes_since_request(innovation)
            if answering
            else None,
        },
    )


@require_POST
@role_required(Role.INNOVATOR)
def innovation_submit(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_user(request.user, slug)
    try:
        services.submit_innovation(innovation=innovation, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Submitted. The ministry's reviewers have been told."))
    return redirect("innovations:mine_detail", slug=slug)


@role_required(Role.INNOVATOR)
def innovation_revise(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_user(request.user, slug)
    if innovation.status != InnovationStatus.APPROVED:
        messages.error(request, _("Only an approved innovation takes updates."))
        return redirect("innovations:mine_detail", slug=slug)
    revision = workflow.open_revision(innovation)
    if revision is not None and revision.status == RevisionStatus.SUBMITTED:
        messages.error(request, _("The update is waiting for review: it cannot be changed now."))
        return redirect("innovations:mine_detail", slug=slug)
    values = revision.data if revision else workflow.innovation_data(innovation)
    answering = revision is not None and revision.status == RevisionStatus.CHANGES_REQUESTED
    initial = _form_initial(values)
    initial |= {
        "reply": revision.reply if revision else "",
        "seen": workflow.last_event_id(innovation),
    }
    form = InnovationForm(
        request.POST or None,
        initial=initial,
        instance=Innovation(),
        answering=answering,
        existing=True,
    )
    if request.method == "POST" and form.is_valid():
        submitting = _submitting(request)
        try:
            with transaction.atomic():
                saved = services.save_revision(
                    innovation=innovation,
                    by=request.user,
                    data=form.cleaned_data,
                    reply=form.cleaned_data.get("reply") or "",
                    seen=form.cleaned_data["seen"],
                )
                if submitting:
                    services.submit_revision(revision=saved, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submitting:
                messages.success(
                    request, _("Update submitted. The ministry's reviewers have been told.")
                )
            else:
                messages.success(
                    request,
                    _(
                        "Update saved, not submitted yet: press “Submit the update for review” "
                        "when it is ready. The published text stays until the ministry "
                        "approves it."
                    ),
                )
            return redirect("innovations:mine_detail", slug=slug)
    return render(
        request,
        "innovations/innovation_form.html",
        {
            "form": form,
            "mode": "revise",
            "innovation": innovation,
            "request_note": revision.note if answering and revision else "",
            "changes_since_request": workflow.changes_since_request(innovation, revision)
            if answering
            else None,
        },
    )


@require_POST
@role_required(Role.INNOVATOR)
def revision_submit(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_user(request.user, slug)
    revision = workflow.open_revision(innovation)
    if revision is None:
        raise Http404
    try:
        services.submit_revision(revision=revision, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Update submitted. The ministry's reviewers have been told."))
    return redirect("innovations:mine_detail", slug=slug)
