"""Work items of the registry (jipp/work.py): the ministry's reviews, the innovators' answers."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.kit import KitDocument, KitStatus
from innovations.models import Innovation, InnovationRevision, InnovationStatus, RevisionStatus
from jipp.models import Role, User
from jipp.work import WorkRow, work_item


def _review_row(innovation: Innovation, since: object) -> WorkRow:
    return WorkRow(
        title=innovation.title,
        url=reverse("innovations:review_detail", args=[innovation.slug]),
        detail=innovation.innovator.name,
        since=since,  # type: ignore[arg-type]
    )


@work_item(
    Role.MINISTRY,
    "innovations_submitted",
    label=_("Innovations submitted"),
    url=lambda user: reverse("innovations:review"),
    row=lambda innovation: _review_row(innovation, innovation.submitted_at),
    menu="innovation_review",
    order=10,
    shared=True,
)
def innovations_submitted(user: User) -> QuerySet[Innovation]:
    return (
        Innovation.objects.filter(status=InnovationStatus.SUBMITTED)
        .select_related("innovator")
        .only("slug", "title", "submitted_at", "innovator__name")
        .order_by("submitted_at", "id")
    )


@work_item(
    Role.MINISTRY,
    "updates_submitted",
    label=_("Updates of published innovations"),
    url=lambda user: reverse("innovations:review"),
    row=lambda revision: _review_row(revision.innovation, revision.submitted_at),
    menu="innovation_review",
    order=20,
    shared=True,
)
def updates_submitted(user: User) -> QuerySet[InnovationRevision]:
    return (
        InnovationRevision.objects.filter(
            status=RevisionStatus.SUBMITTED, innovation__status=InnovationStatus.APPROVED
        )
        .select_related("innovation", "innovation__innovator")
        .only(
            "submitted_at",
            "innovation__slug",
            "innovation__title",
            "innovation__innovator__name",
        )
        .order_by("submitted_at", "id")
    )


def _institution_innovations(user: User) -> QuerySet[Innovation]:
    if user.institution_id is None:
        return Innovation.objects.none()
    return Innovation.objects.filter(innovator_id=user.institution_id).only(
        "slug", "title", "status", "created_at", "reviewed_at"
    )


def _revision(status: str) -> QuerySet[InnovationRevision]:
    return InnovationRevision.objects.filter(innovation=OuterRef("pk"), status=status)


def _own_row(innovation: Innovation) -> WorkRow:
    return WorkRow(
        title=innovation.title,
        url=reverse("innovations:mine_detail", args=[innovation.slug]),
        detail=str(
            _("Update of the published innovation")
            if innovation.status == InnovationStatus.APPROVED
            else innovation.get_status_display()
        ),
        since=innovation.since,  # type: ignore[attr-defined]
    )


@work_item(
    Role.INNOVATOR,
    "change_requests",
    label=_("Changes requested by the ministry"),
    url=lambda user: reverse("innovations:mine"),
    row=_own_row,
    order=10,
)
def change_requests(user: User) -> QuerySet[Innovation]:
    """Innovations and updates of published ones the ministry sent back, oldest first."""
    asked = _revision(RevisionStatus.CHANGES_REQUESTED)
    return (
        _institution_innovations(user)
        .filter(Q(status=InnovationStatus.CHANGES_REQUESTED) | Exists(asked))
        .annotate(since=Coalesce(Subquery(asked.values("reviewed_at")[:1]), "reviewed_at"))
        .order_by("since", "id")
    )


@work_item(
    Role.INNOVATOR,
    "drafts",
    label=_("Drafts not yet submitted"),
    url=lambda user: reverse("innovations:mine"),
    row=_own_row,
    order=20,
)
def drafts(user: User) -> QuerySet[Innovation]:
    """Draft innovations and drafted updates of published ones, oldest first."""
    drafted = _revision(RevisionStatus.DRAFT)
    return (
        _institution_innovations(user)
        .filter(Q(status=InnovationStatus.DRAFT) | Exists(drafted))
        .annotate(since=Coalesce(Subquery(drafted.values("created_at")[:1]), "created_at"))
        .order_by("since", "id")
    )


# The replication kit (innovations.kit) ------------------------------------------------


@work_item(
    Role.MINISTRY,
    "kit_documents_pending",
    label=_("Kit documents to review"),
    url=lambda user: reverse("innovations:review"),
    row=lambda document: WorkRow(
        title=document.title,
        url=reverse("innovations:kit_review", args=[document.pk]),
        detail=f"{document.innovation.title} · {document.get_kind_display()}",
        since=document.created_at,
    ),
    menu="innovation_review",
    order=30,
    shared=True,
)
def kit_documents_pending(user: User) -> QuerySet[KitDocument]:
    return (
        KitDocument.objects.filter(status=KitStatus.PENDING)
        .select_related("innovation")
        .only("title", "kind", "created_at", "innovation__title")
        .order_by("created_at", "id")
    )


# A rejected document waits for a corrected one for this long, unless one came since.
REJECTED_SHOWN_DAYS = 30


@work_item(
    Role.INNOVATOR,
    "kit_documents_own",
    label=_("Kit documents waiting or rejected"),
    url=lambda user: reverse("innovations:mine"),
    row=lambda document: WorkRow(
        title=document.title,
        url=reverse("innovations:kit_manage", args=[document.innovation.slug]),
        detail=f"{document.innovation.title} · {document.get_status_display()}",
        since=document.decided_at or document.created_at,
        badge=str(_("Rejected")) if document.status == KitStatus.REJECTED else "",
    ),
    order=30,
)
def kit_documents_own(user: User) -> QuerySet[KitDocument]:
    """The institution's documents waiting for review, and those rejected lately that no
    newer document of the same kind has followed."""
    if user.institution_id is None:
        return KitDocument.objects.none()
    newer = KitDocument.objects.filter(
        innovation=OuterRef("innovation"),
        kind=OuterRef("kind"),
        created_at__gt=OuterRef("created_at"),
    )
    recent = timezone.now() - timedelta(days=REJECTED_SHOWN_DAYS)
    return (
        KitDocument.objects.filter(innovation__innovator_id=user.institution_id)
        .filter(
            Q(status=KitStatus.PENDING)
            | (Q(status=KitStatus.REJECTED, decided_at__gte=recent) & ~Exists(newer))
        )
        .select_related("innovation")
        .only(
            "title", "status", "created_at", "decided_at", "innovation__slug", "innovation__title"
        )
        .order_by("created_at", "id")
    )
