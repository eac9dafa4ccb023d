"""A presentation's materials: the form (staff and presenting innovators) and the slides.

Whoever may not see the session gets 404 (a draft, for everyone but the staff); a signed-in
user who sees it but does not present there gets 403 on the form. The slides answer 404 to
anyone who may not open them yet, so an unpublished file's existence is not told.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import access, materials
from forums.forms import MaterialsForm
from forums.models import ForumStatus, Presentation
from jipp.access import AuthedRequest


def _get_presentation(user: object, pk: int, presentation_id: int) -> Presentation:
    session = access.get_session_for_user(user, pk)
    presentation = get_object_or_404(
        Presentation.objects.select_related("innovation", "innovation__innovator"),
        session=session,
        pk=presentation_id,
    )
    presentation.session = session
    return presentation


def _get_editable(request: AuthedRequest, pk: int, presentation_id: int) -> Presentation:
    presentation = _get_presentation(request.user, pk, presentation_id)
    if not materials.may_add_materials(request.user, presentation):
        raise PermissionDenied(
            _("Only forum staff and the presenting institution add materials to a presentation.")
        )
    return presentation


def _back(presentation: Presentation) -> HttpResponse:
    return redirect(presentation.get_absolute_url())


@login_required
def materials_form(request: AuthedRequest, pk: int, presentation_id: int) -> HttpResponse:
    presentation = _get_editable(request, pk, presentation_id)
    session = presentation.session
    if session.status == ForumStatus.CANCELLED:
        messages.error(
            request,
            _("This session was cancelled: there was no presentation to add materials to."),
        )
        return _back(presentation)
    form = MaterialsForm(
        request.POST or None,
        request.FILES or None,
        initial={"recording_url": presentation.recording_url},
    )
    if request.method == "POST" and form.is_valid():
        try:
            materials.save_materials(
                presentation=presentation,
                by=request.user,
                slides=form.cleaned_data.get("slides"),
                # A form sent without the field leaves the link; an emptied field removes it.
                recording_url=form.cleaned_data.get("recording_url", "")
                if "recording_url" in request.POST
                else presentation.recording_url,
                consent=form.cleaned_data["consent"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _saved_message(presentation))
            return _back(presentation)
    return render(
        request,
        "forums/materials_form.html",
        {
            "session": session,
            "presentation": presentation,
            "form": form,
            "held": session.status == ForumStatus.HELD,
            "kind": materials.slides_kind(presentation),
        },
    )


def _saved_message(presentation: Presentation) -> str:
    if presentation.session.status == ForumStatus.HELD:
        return _("Materials saved: they are public on this page. Nobody was notified.")
    return _(
        "Materials saved. They become public on this page once the session is held; "
        "nobody was notified."
    )


@require_POST
@login_required
def materials_remove(request: AuthedRequest, pk: int, presentation_id: int) -> HttpResponse:
    """Take the slides or the recording link off (`what`); no consent needed to remove."""
    presentation = _get_editable(request, pk, presentation_id)
    what = request.POST.get("what", "")
    if what not in ("slides", "recording"):
        messages.error(request, _("Choose what to remove: the slides or the recording link."))
        return redirect("forums:materials", pk=pk, presentation_id=presentation_id)
    if not (presentation.slides if what == "slides" else presentation.recording_url):
        messages.info(request, _("There was nothing to remove."))
        return _back(presentation)
    try:
        materials.save_materials(
            presentation=presentation,
            by=request.user,
            remove_slides=what == "slides",
            recording_url=presentation.recording_url if what == "slides" else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("forums:materials", pk=pk, presentation_id=presentation_id)
    messages.success(
        request,
        _("The slides were removed.") if what == "slides" else _("The recording link was removed."),
    )
    return _back(presentation)


def slides_download(request: HttpRequest, pk: int, presentation_id: int) -> FileResponse:
    presentation = _get_presentation(request.user, pk, presentation_id)
    if not presentation.slides or not materials.may_open_slides(request.user, presentation):
        raise Http404
    try:
        handle = presentation.slides.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=presentation.slides_name or "slides",
        content_type=presentation.slides_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if presentation.session.status != ForumStatus.HELD:
        response["Cache-Control"] = "private, no-store"
    return response
