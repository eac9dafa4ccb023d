"""What the forum services promise across rows (jipp.invariants, `check_data`)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery

from forums.models import ForumSession, ForumStatus, Participant, Presentation
from jipp.invariants import invariant


@invariant("Two sessions of one host province that are not cancelled do not overlap")
def no_overlap() -> list[str]:
    live = ForumSession.objects.exclude(status=ForumStatus.CANCELLED)
    later = live.filter(
        host_province=OuterRef("host_province"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
        pk__gt=OuterRef("pk"),
    )
    rows = (
        live.filter(host_province__isnull=False)
        .annotate(other=Subquery(later.values("pk")[:1]))
        .filter(other__isnull=False)
        .values_list("pk", "other", "host_province__code")
    )
    return [f"sessions {a} and {b} of province {code}" for a, b, code in rows]


@invariant("An answered invitation says when it was answered, an unanswered one does not")
def answers_dated() -> list[str]:
    rows = Participant.objects.filter(
        Q(answer="", answered_at__isnull=False) | (~Q(answer="") & Q(answered_at__isnull=True))
    ).values_list("pk", "session_id", "answer")
    return [
        f"participant {pk} of session {session}: answer {answer!r}" for pk, session, answer in rows
    ]


@invariant("A presentation's slides have their name, type and size, and a recording is http(s)")
def materials_complete() -> list[str]:
    described = ~Q(slides_name="") & ~Q(slides_type="") & Q(slides_size__isnull=False)
    broken = Presentation.objects.filter(
        (~Q(slides="") & ~described)
        | (Q(slides="") & (~Q(slides_name="") | Q(slides_size__isnull=False)))
        | (~Q(recording_url="") & ~Q(recording_url__iregex=r"^https?://[^/\s]"))
    ).values_list("pk", "session_id")
    return [f"presentation {pk} of session {session}" for pk, session in broken]
