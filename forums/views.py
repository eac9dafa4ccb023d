"""The public side of forums: the schedule (list and month), a session's page, and the
invitees' answers (on the session page, or through an e-mailed link without signing in)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import access, answers, links, outcomes
from forums.display import local
from forums.filters import filtered
from forums.forms import AnswerForm
from forums.models import DEFAULT_ZONE, ForumSession, Participant, ParticipantAnswer
from jipp.access import AuthedRequest
from jipp.models import Province

# The months the schedule shows, as the year filter: beyond them the calendar's own
# arithmetic would leave the dates Python knows (9999-12 has no next month).
FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2100, 12, 1)


def _month(value: str, today: date) -> date:
    """?month=2020-10 (the current month when missing, wrong or out of range)."""
    try:
        year, month = (int(part) for part in value.split("-", 1))
        first = date(year, month, 1)
    except (ValueError, OverflowError):
        return today.replace(day=1)
    return first if FIRST_MONTH <= first <= LAST_MONTH else today.replace(day=1)


def _month_grid(sessions: Any, first: date) -> list[list[dict[str, Any]]]:
    """Weeks of days, Monday first; each session on its day on the host province's clock."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    # A day more each side: a session's local day can differ from its UTC day.
    window = sessions.filter(
        starts_at__gte=datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC),
        starts_at__lt=datetime.combine(end + timedelta(days=2), datetime.min.time(), UTC),
    )
    by_day: dict[date, list[ForumSession]] = {}
    for session in window:
        by_day.setdefault(local(session.starts_at, session).date(), []).append(session)
    return [
        [
            {"day": day, "in_month": day.month == first.month, "sessions": by_day.get(day, [])}
            for day in week
        ]
        for week in weeks
    ]


def schedule(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions first (soonest first), then past ones (latest first), or a month."""
    base = access.visible_sessions(request.user).select_related("host_province")
    filters = filtered(request.GET, base)
    sessions = filters.qs
    now = timezone.now()
    today = now.astimezone(Province(timezone=DEFAULT_ZONE).tzinfo).date()
    context: dict[str, Any] = {"filters": filters, "form": filters.form, "now": now}
    query = request.GET.copy()
    for name in ("page", "month", "view"):
        query.pop(name, None)
    context["query"] = query.urlencode()
    if request.GET.get("view") == "month":
        first = _month(request.GET.get("month", ""), today)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        context |= {
            "view": "month",
            "month": first,
            "previous_month": previous.strftime("%Y-%m") if first > FIRST_MONTH else "",
            "next_month": following.strftime("%Y-%m") if first < LAST_MONTH else "",
            "weeks": _month_grid(sessions, first),
            "weekdays": [date(2024, 1, day) for day in range(1, 8)],  # a Monday to a Sunday
        }
        return render(request, "forums/schedule.html", context)
    upcoming = sessions.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = sessions.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    context |= {
        "view": "list",
        "upcoming": list(upcoming),
        "page": Paginator(past, 50).get_page(request.GET.get("page")),
    }
    return render(request, "forums/schedule.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone sees a public session; the link, guests and plans only those entitled."""
    user = request.user
    session = access.get_session_for_user(user, pk)
    staff = access.is_staff(user)
    invited = access.is_invited(session, user)
    announced = outcomes.outcomes_seen_by(session, user)
    presentations = session.presentations.select_related(
        "innovation", "innovation__innovator", "innovation__province"
    )
    participants = session.participants.select_related("institution", "user") if staff else []
    invitation = answers.participant_of(session, user) if invited else None
    return render(
        request,
        "forums/session_detail.html",
        {
            "session": session,
            "staff": staff,
            "show_link": staff or (invited and access.link_still_useful(session)),
            "invited": invited,
            "presentations": presentations,
            "participants": participants,
            "outcomes": announced,
            "started": session.starts_at <= timezone.now(),
            "invitation": invitation,
            "answers_open": answers.answers_open(session),
            "answer_form": AnswerForm(initial={"answer": invitation.answer if invitation else ""}),
        },
    )


def _saved_message(participant: Participant) -> str:
    return _("Your answer is saved: %(answer)s. You can change it until the session starts.") % {
        "answer": str(ParticipantAnswer(participant.answer).label).lower()
    }


@require_POST
@login_required
def answer(request: AuthedRequest, pk: int) -> HttpResponse:
    """An invited user answers for their invitation (or their institution's)."""
    session = access.get_session_for_user(request.user, pk)
    participant = answers.participant_of(session, request.user)
    if participant is None:
        raise PermissionDenied(_("Only invited participants answer the invitation."))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["answer"]))
    else:
        try:
            saved = answers.answer_invitation(
                participant=participant, answer=form.cleaned_data["answer"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _saved_message(saved))
    return redirect(f"{session.get_absolute_url()}#answer")


def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page an e-mail-only guest reaches from the e-mail: the session and three choices.

    No sign-in: the signed link is the guest's proof. A forged, expired or withdrawn link
    gets a page that says so and what to do.
    """
    participant, problem = links.participant_for_token(token)
    if participant is None:
        status = 410 if problem == links.LINK_EXPIRED else 404
        return render(
            request, "forums/answer_link_invalid.html", {"problem": problem}, status=status
        )
    session = participant.session
    form = AnswerForm(request.POST or None, initial={"answer": participant.answer})
    if request.method == "POST" and form.is_valid():
        try:
            saved = answers.answer_invitation(
                participant=participant, answer=form.cleaned_data["answer"], by=None
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(saved))
            return redirect(request.path)
    return render(
        request,
        "forums/answer_link.html",
        {
            "session": session,
            "participant": participant,
            "form": form,
            "answers_open": answers.answers_open(session),
            "show_link": access.link_still_useful(session),
        },
    )
