"""Forum admins and the ministry run sessions here; everyone else gets 403.

Views are thin: a role check, the session (404 when missing), a form, one service call.
A refused form comes back with its text and the reason; a refused button redirects to the
management page with the reason as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from forums import answers, outcomes, programme, services
from forums.forms import (
    ATTENDANCE_CHOICES,
    CancelForm,
    EmailInviteForm,
    InstitutionInviteForm,
    OutcomeForm,
    PresentationForm,
    SessionForm,
    attendance_marks,
)
from forums.models import ForumSession, ForumStatus, Participant, ParticipantAnswer, Presentation
from forums.recipients import recipients
from jipp.access import AuthedRequest, role_required
from jipp.models import Role

STAFF = (Role.FORUM_ADMIN, Role.MINISTRY)


def _get_session(pk: int) -> ForumSession:
    return get_object_or_404(ForumSession.objects.select_related("host_province"), pk=pk)


def manage_url(session: ForumSession) -> str:
    return reverse("forums:manage", args=[session.pk])


def _attach(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal onto the form: per field when it names one, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def render_manage(
    request: AuthedRequest, session: ForumSession, *, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    """The management page; `bound` brings back a refused form with its text and errors."""
    bound = bound or {}
    participants = list(session.participants.select_related("institution", "user", "answered_by"))
    presentations = list(session.presentations.select_related("innovation"))
    context: dict[str, Any] = {
        "session": session,
        "presentations": presentations,
        "participants": participants,
        "outcomes": outcomes.outcomes_seen_by(session, request.user),
        "open": not session.is_closed,
        "held": session.status == ForumStatus.HELD,
        # "Mark as held" is offered once the session has started (before, it is refused).
        "may_mark_held": session.status == ForumStatus.SCHEDULED
        and session.starts_at <= timezone.now(),
        "attendance_choices": ATTENDANCE_CHOICES,
        "presentation_form": bound.get("presentation_form") or PresentationForm(),
        "institution_form": bound.get("institution_form") or InstitutionInviteForm(),
        "email_form": bound.get("email_form") or EmailInviteForm(),
        "cancel_form": bound.get("cancel_form") or CancelForm(),
        "outcome_form": bound.get("outcome_form") or OutcomeForm(),
        "programme_titles": [p.innovation.title for p in presentations],
        "answer_counts": [
            (str(label), count)
            for (value, label), count in zip(
                [*ParticipantAnswer.choices, ("none", _("Not answered yet"))],
                answers.counts(participants).values(),
                strict=True,
            )
        ],
    }
    return render(request, "forums/manage.html", context)


def _act(
    request: AuthedRequest, session: ForumSession, call: Callable[[], Any], success: str
) -> HttpResponse:
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(manage_url(session))


def _with_form(
    request: AuthedRequest,
    session: ForumSession,
    name: str,
    form: forms.Form,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """Validate the form, call the service; a refusal shows the page again with the form.

    `success` is the message, or makes it from what the service returned.
    """
    if form.is_valid():
        try:
            result = call()
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(manage_url(session))
    return render_manage(request, session, bound={name: form})


# Sessions ---------------------------------------------------------------------------


@role_required(*STAFF)
def session_new(request: AuthedRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request,
                _("Draft saved. Add the programme and the guests, then schedule it."),
            )
            return redirect(manage_url(session))
    return render(request, "forums/session_form.html", {"form": form, "session": None})


@role_required(*STAFF)
def session_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    if session.is_closed:
        messages.error(
            request,
            _(
                "This session is %(status)s: only its attendance, outcomes and materials "
                "can change now."
            )
            % {"status": services.status_label(session)},
        )
        return redirect(manage_url(session))
    form = SessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_session(
                session=session,
                by=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data.get("version") or 0,
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _saved_message(saved, rescheduled=saved.sequence > session.sequence)
            )
            return redirect(manage_url(session))
    return render(request, "forums/session_form.html", {"form": form, "session": session})


def _saved_message(session: ForumSession, *, rescheduled: bool) -> str:
    """After an edit: on a reschedule, how many people the update went to."""
    if not rescheduled:
        return _("Changes saved.")
    count = len(recipients(session))
    return ngettext(
        "Changes saved. The update with the new details went to %(count)s participant.",
        "Changes saved. The update with the new details went to %(count)s participants.",
        count,
    ) % {"count": count}


@role_required(*STAFF)
def session_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """A draft is deleted after a confirmation; any other session goes back with the reason."""
    session = _get_session(pk)
    if session.status != ForumStatus.DRAFT:
        messages.error(
            request,
            _(
                "Only a draft can be deleted: this session is %(status)s. A scheduled "
                "session is cancelled instead, so its participants are told."
            )
            % {"status": services.status_label(session)},
        )
        return redirect(manage_url(session))
    if request.method == "POST":
        try:
            services.delete_draft(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(manage_url(session))
        messages.success(
            request, _("Draft deleted with its programme and guest list. Nobody was told.")
        )
        return redirect("forums:schedule")
    context = {
        "session": session,
        "presentations": session.presentations.count(),
        "participants": session.participants.count(),
    }
    return render(request, "forums/session_confirm_delete.html", context)


@role_required(*STAFF)
def manage(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_manage(request, _get_session(pk))


@require_POST
@role_required(*STAFF)
def session_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    return _act(
        request,
        session,
        lambda: services.schedule_session(session=session, by=request.user),
        _("Scheduled: the session is on the public schedule and the invitations went out."),
    )


@require_POST
@role_required(*STAFF)
def session_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    form = CancelForm(request.POST)
    return _with_form(
        request,
        session,
        "cancel_form",
        form,
        lambda: services.cancel_session(
            session=session, by=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Session cancelled. The participants have been told."),
    )


@require_POST
@role_required(*STAFF)
def session_held(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    return _act(
        request,
        session,
        lambda: services.mark_held(session=session, by=request.user),
        _("Marked as held. Record the attendance and the outcomes."),
    )


@require_POST
@role_required(*STAFF)
def attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    ids = list(session.participants.values_list("pk", flat=True))
    marks = attendance_marks(request.POST, ids)
    return _act(
        request,
        session,
        lambda: programme.record_attendance(session=session, by=request.user, marks=marks),
        _("Attendance saved."),
    )


# Programme and guests ---------------------------------------------------------------


@require_POST
@role_required(*STAFF)
def presentation_add(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    form = PresentationForm(request.POST)
    return _with_form(
        request,
        session,
        "presentation_form",
        form,
        lambda: programme.add_presentation(
            session=session,
            by=request.user,
            innovation=form.cleaned_data["innovation"],
            presenter=form.cleaned_data.get("presenter", ""),
        ),
        _("Presentation added to the programme."),
    )


def _get_presentation(session: ForumSession, presentation_id: int) -> Presentation:
    presentation = get_object_or_404(
        Presentation.objects.select_related("innovation"), session=session, pk=presentation_id
    )
    presentation.session = session
    return presentation


@require_POST
@role_required(*STAFF)
def presentation_move(request: AuthedRequest, pk: int, presentation_id: int) -> HttpResponse:
    session = _get_session(pk)
    presentation = _get_presentation(session, presentation_id)
    up = request.POST.get("direction") != "down"
    return _act(
        request,
        session,
        lambda: programme.move_presentation(presentation=presentation, by=request.user, up=up),
        _("Programme order changed."),
    )


@require_POST
@role_required(*STAFF)
def presentation_remove(request: AuthedRequest, pk: int, presentation_id: int) -> HttpResponse:
    session = _get_session(pk)
    presentation = _get_presentation(session, presentation_id)
    return _act(
        request,
        session,
        lambda: programme.remove_presentation(presentation=presentation, by=request.user),
        _("Presentation removed from the programme."),
    )


def _invited_message(session: ForumSession) -> str:
    if session.status == ForumStatus.SCHEDULED:
        return _("Invited: the invitation went out.")
    return _("Invited: the invitation goes out when the session is scheduled.")


def _institution_invited_message(session: ForumSession, participant: Participant) -> str:
    """Said plainly when nobody at the institution can receive the invitation."""
    institution = participant.institution
    if institution is not None and not institution.users.filter(is_active=True).exists():
        return _(
            "%(institution)s is on the guest list, but nobody there has an account on the "
            "portal yet, so nobody receives the invitation: invite a person of it by e-mail too."
        ) % {"institution": institution.name}
    return _invited_message(session)


@require_POST
@role_required(*STAFF)
def invite(request: AuthedRequest, pk: int) -> HttpResponse:
    """An institution (all its users) or one person by e-mail, whichever form was sent."""
    session = _get_session(pk)
    if "email" in request.POST:
        email_form = EmailInviteForm(request.POST)
        return _with_form(
            request,
            session,
            "email_form",
            email_form,
            lambda: programme.invite_email(
                session=session, by=request.user, email=email_form.cleaned_data["email"]
            ),
            _invited_message(session),
        )
    form = InstitutionInviteForm(request.POST)
    return _with_form(
        request,
        session,
        "institution_form",
        form,
        lambda: programme.invite_institution(
            session=session, by=request.user, institution=form.found_institution
        ),
        lambda participant: _institution_invited_message(session, participant),
    )


@require_POST
@role_required(*STAFF)
def participant_remove(request: AuthedRequest, pk: int, participant_id: int) -> HttpResponse:
    """Take a guest off the list; on a scheduled session they are told once."""
    session = _get_session(pk)
    participant = get_object_or_404(Participant, session=session, pk=participant_id)
    participant.session = session
    try:
        told = programme.remove_participant(participant=participant, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        who = str(participant)
        if session.status == ForumStatus.SCHEDULED:
            messages.success(
                request,
                ngettext(
                    "%(who)s was removed from the guest list; %(count)s person was told.",
                    "%(who)s was removed from the guest list; %(count)s people were told.",
                    told,
                )
                % {"who": who, "count": told},
            )
        else:
            messages.success(request, _("%(who)s was removed from the guest list.") % {"who": who})
    return redirect(f"{manage_url(session)}#guests-heading")


@require_POST
@role_required(*STAFF)
def outcome_add(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _get_session(pk)
    form = OutcomeForm(request.POST)
    return _with_form(
        request,
        session,
        "outcome_form",
        form,
        lambda: outcomes.record_outcome(
            session=session,
            by=request.user,
            innovation=form.cleaned_data["innovation"],
            province=form.cleaned_data.get("province"),
        ),
        _("Outcome recorded: a draft plan was filed and the province's officers were told."),
    )
