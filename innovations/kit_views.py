"""The replication kit: the innovator's kit page, the public download, the ministry's review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovations import kit_services
from innovations.kit import KitDocument, KitStatus
from innovations.kit_forms import KitDecisionForm, KitDocumentForm
from innovations.models import Innovation, InnovationStatus
from jipp.access import AuthedRequest, role_required
from jipp.models import Role, User
from jipp.uploads import download_name


def _get_innovation_for_innovator(user: User, slug: str) -> Innovation:
    """Work belongs to the institution: another institution's innovation is a 404."""
    if user.institution_id is None:
        raise Http404
    return get_object_or_404(
        Innovation.objects.filter(innovator_id=user.institution_id)
        .select_related("innovator")
        .defer("search_vector", "title_vector"),
        slug=slug,
    )


def may_see_unpublished(user: User, document: KitDocument) -> bool:
    """The ministry and the owner institution's innovators see documents not yet public."""
    if not user.is_authenticated:
        return False
    return user.is_ministry or (
        user.is_innovator and user.institution_id == document.innovation.innovator_id
    )


def kit_documents(innovation: Innovation) -> QuerySet[KitDocument]:
    return (
        KitDocument.objects.filter(innovation=innovation)
        .select_related("replaces")
        .order_by("kind", "-created_at", "-id")
    )


@role_required(Role.INNOVATOR)
def kit_manage(request: AuthedRequest, slug: str) -> HttpResponse:
    innovation = _get_innovation_for_innovator(request.user, slug)
    closed = innovation.status in kit_services.CLOSED_STATUSES
    form = KitDocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        innovation=innovation,
    )
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        try:
            kit_services.add_kit_document(
                innovation=innovation,
                by=request.user,
                kind=data["kind"],
                title=data["title"],
                language=data["language"],
                file=data["file"] or None,
                url=data["url"],
                replaces=data["replaces"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Document added. It waits for the ministry's review and becomes public "
                    "once approved; you will be told of the decision."
                ),
            )
            return redirect("innovations:kit_manage", slug=innovation.slug)
    return render(
        request,
        "innovations/kit_manage.html",
        {
            "innovation": innovation,
            "documents": kit_documents(innovation),
            "form": form,
            "closed": closed,
            "public": innovation.status == InnovationStatus.APPROVED,
        },
    )


def kit_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(
        KitDocument.objects.exclude(file="").select_related("innovation"), pk=pk
    )
    public = (
        document.status == KitStatus.APPROVED
        and document.innovation.status == InnovationStatus.APPROVED
    )
    if not public and not may_see_unpublished(request.user, document):  # type: ignore[arg-type]
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(document.original_name or str(document.file.name)),
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


# The ministry's review -------------------------------------------------------------


def _get_document_for_review(pk: int) -> KitDocument:
    return get_object_or_404(
        KitDocument.objects.select_related(
            "innovation", "innovation__innovator", "replaces", "decided_by"
        ).defer("innovation__search_vector", "innovation__title_vector"),
        pk=pk,
    )


def _render_review(
    request: AuthedRequest, document: KitDocument, form: KitDecisionForm | None = None
) -> HttpResponse:
    return render(
        request,
        "innovations/kit_review.html",
        {
            "document": document,
            "innovation": document.innovation,
            "form": form or KitDecisionForm(),
            "pending": document.status == KitStatus.PENDING,
        },
    )


@role_required(Role.MINISTRY)
def kit_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_review(request, _get_document_for_review(pk))


@require_POST
@role_required(Role.MINISTRY)
def kit_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _get_document_for_review(pk)
    form = KitDecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, document, form)
    try:
        kit_services.decide_kit_document(
            document=document,
            by=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("innovations:kit_review", pk=pk)
    label = dict(KitDecisionForm.DECISIONS)[form.cleaned_data["decision"]]
    messages.success(
        request,
        _("Decision recorded: %(decision)s. The innovator's users have been told.")
        % {"decision": label},
    )
    return redirect("innovations:review")
