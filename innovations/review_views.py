"""The ministry's side: the queue of submissions and updates, and the decision on each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovations import services, workflow
from innovations.forms import DecisionForm
from innovations.kit import KitDocument, KitStatus
from innovations.models import Innovation, InnovationRevision, InnovationStatus, RevisionStatus
from jipp.access import AuthedRequest, role_required
from jipp.models import Role


def _get_innovation_for_review(slug: str) -> Innovation:
    # The ministry sees everything; it decides only where allowed_decisions() says so.
    return get_object_or_404(
        Innovation.objects.select_related("category", "innovator", "province").defer(
            "search_vector", "title_vector"
        ),
        slug=slug,
    )


QUEUE_SHOWN = 100


def review_queue_items(limit: int = QUEUE_SHOWN) -> tuple[list[dict[str, object]], int]:
    """The oldest `limit` submitted innovations, updates and kit documents, and how many
    wait in all.

    KIPP brings thousands of submissions a year: each kind is read oldest first, `limit`
    rows at most (the oldest of all are among them), and counted.
    """
    innovations = Innovation.objects.filter(status=InnovationStatus.SUBMITTED)
    revisions = InnovationRevision.objects.filter(
        status=RevisionStatus.SUBMITTED, innovation__status=InnovationStatus.APPROVED
    )
    items: list[dict[str, object]] = [
        {"innovation": i, "revision": None, "since": i.submitted_at or i.created_at}
        for i in innovations.select_related("innovator", "category")
        .defer("search_vector", "title_vector")
        .order_by("submitted_at", "id")[:limit]
    ]
    items += [
        {"innovation": r.innovation, "revision": r, "since": r.submitted_at or r.created_at}
        for r in revisions.select_related(
            "innovation", "innovation__innovator", "innovation__category"
        )
        .defer("innovation__search_vector", "innovation__title_vector")
        .order_by("submitted_at", "id")[:limit]
    ]
    documents = KitDocument.objects.filter(status=KitStatus.PENDING)
    items += [
        {"innovation": d.innovation, "revision": None, "kit": d, "since": d.created_at}
        for d in documents.select_related("innovation", "innovation__innovator")
        .only(
            "kind",
            "title",
            "created_at",
            "innovation__slug",
            "innovation__title",
            "innovation__innovator__name",
        )
        .order_by("created_at", "id")[:limit]
    ]
    items.sort(key=lambda item: item["since"])  # type: ignore[arg-type,return-value]
    return items[:limit], innovations.count() + revisions.count() + documents.count()


@role_required(Role.MINISTRY)
def review_queue(request: AuthedRequest) -> HttpResponse:
    items, total = review_queue_items()
    return render(request, "innovations/review_queue.html", {"items": items, "total": total})


def _render_review(
    request: AuthedRequest, innovation: Innovation, form: DecisionForm | None = None
) -> HttpResponse:
    revision = workflow.open_revision(innovation)
    pending = revision if revision and revision.status == RevisionStatus.SUBMITTED else None
    allowed = workflow.allowed_decisions(innovation, revision)
    if form is not None:  # bound with every choice; offer only those open now
        form.fields["decision"].choices = [  # type: ignore[attr-defined]
            choice for choice in DecisionForm.DECISIONS if choice[0] in allowed
        ]
    # A resubmission after a change request: what changed since, and the innovator's reply.
    resubmitted = pending is not None or innovation.status == InnovationStatus.SUBMITTED
    context = {
        "innovation": innovation,
        "revision": pending,
        "changes": workflow.changes(innovation, pending) if pending else [],
        "changes_since_request": workflow.changes_since_request(innovation, pending)
        if resubmitted
        else None,
        "request_note": pending.note if pending else innovation.review_note,
        "reply_event": workflow.submission_reply(innovation, pending) if resubmitted else None,
        "history": workflow.timeline(innovation),
        "waiting_for": workflow.waiting_for(innovation, revision),
        "form": form or DecisionForm(allowed=allowed),
        "allowed": allowed,
    }
    return render(request, "innovations/review_detail.html", context)


@role_required(Role.MINISTRY)
def review_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    return _render_review(request, _get_innovation_for_review(slug))


@require_POST
@role_required(Role.MINISTRY)
def decide(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_review(slug)
    # All choices: a decision someone else made meanwhile gets the service's clear message.
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, innovation, form)
    try:
        services.decide(
            innovation=innovation,
            by=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("innovations:review_detail", slug=slug)
    label = dict(DecisionForm.DECISIONS)[form.cleaned_data["decision"]]
    messages.success(
        request,
        _("Decision recorded: %(decision)s. The innovator's users have been told.")
        % {"decision": label},
    )
    return redirect("innovations:review")
