"""Writes of the replication kit (DESIGN.md section 8): documents added, decided, replaced.

Innovator users add documents to their institution's innovations; each waits for the
ministry, which approves or rejects it with a note. An approved newer version replaces
the document it names. Innovation.is_kit_complete is kept here, on every change of the
approved kit and of the innovation's contact (innovations.services._apply calls in).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innovations.kit import REQUIRED_KINDS, KitDocument, KitKind, KitLanguage, KitStatus
from innovations.models import Innovation, InnovationStatus
from jipp import clock
from jipp.models import AuditEvent, Role, User
from jipp.services import notify, record_event
from jipp.uploads import check_upload

# A kit is added to an innovation that is or may become public.
CLOSED_STATUSES = {InnovationStatus.ARCHIVED, InnovationStatus.REJECTED}
DECISIONS = {"approve": KitStatus.APPROVED, "reject": KitStatus.REJECTED}
LINK_SCHEMES = {"http", "https"}


# Reads ------------------------------------------------------------------------------


def kit_is_complete(innovation: Innovation) -> bool:
    """The live rule: the approved kit has every REQUIRED_KINDS and there is a contact."""
    if not innovation.contact_email.strip():
        return False
    kinds = set(
        KitDocument.objects.filter(
            innovation_id=innovation.pk, status=KitStatus.APPROVED, kind__in=REQUIRED_KINDS
        ).values_list("kind", flat=True)
    )
    return kinds >= set(REQUIRED_KINDS)


def complete_innovations() -> Q:
    """The same rule as a filter on Innovation (for checks over the whole registry)."""
    counted = Count(
        "kit_documents__kind",
        filter=Q(kit_documents__status=KitStatus.APPROVED, kit_documents__kind__in=REQUIRED_KINDS),
        distinct=True,
    )
    ids = (
        Innovation.objects.exclude(contact_email="")
        .annotate(required=counted)
        .filter(required=len(REQUIRED_KINDS))
        .values("pk")
    )
    return Q(pk__in=ids)


def refresh_kit_complete(innovation: Innovation) -> bool:
    """Store the live rule on the innovation (one UPDATE only when it changed)."""
    complete = kit_is_complete(innovation)
    if innovation.is_kit_complete != complete:
        Innovation.objects.filter(pk=innovation.pk).update(is_kit_complete=complete)
        innovation.is_kit_complete = complete
    return complete


def check_link(url: str) -> str:
    """An http(s) address, or ValidationError: a kit link is opened, never embedded."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        raise ValidationError(
            _("Only web addresses starting with http:// or https:// can be linked."),
            code="link_scheme",
        )
    return url


# Access -----------------------------------------------------------------------------


def _require_innovator_of(innovation: Innovation, by: User) -> None:
    if not (by.is_innovator and by.institution_id == innovation.innovator_id):
        raise PermissionDenied(_("Only innovators of the innovation's institution may do this."))


def _require_ministry(by: User) -> None:
    if not by.is_ministry:
        raise PermissionDenied(_("Only ministry reviewers decide on kit documents."))


# Notifications ----------------------------------------------------------------------


def _notify_reviewers(document: KitDocument) -> None:
    url = reverse("innovations:kit_review", args=[document.pk])
    for reviewer in User.objects.in_role(Role.MINISTRY):
        with translation.override(reviewer.language):
            notify(
                user=reviewer,
                kind="kit_document_added",
                subject=_("Kit document to review: %(title)s") % {"title": document.title},
                body=_(
                    "%(institution)s added a document to the replication kit of %(innovation)s: "
                    "%(title)s (%(kind)s). It becomes public once you approve it."
                )
                % {
                    "institution": document.innovation.innovator.name,
                    "innovation": document.innovation.title,
                    "title": document.title,
                    "kind": str(KitKind(document.kind).label),
                },
                url=url,
                dedupe_key=f"kit-added:{document.pk}:{reviewer.pk}",
            )


def _notify_innovators(document: KitDocument, event: AuditEvent) -> None:
    innovation = document.innovation
    url = reverse("innovations:kit_manage", args=[innovation.slug])
    users = User.objects.in_role(Role.INNOVATOR).filter(institution=innovation.innovator_id)
    for user in users:
        with translation.override(user.language):
            if document.status == KitStatus.APPROVED:
                subject = _("Kit document approved: %(title)s")
                body = _(
                    "The ministry approved %(title)s for the replication kit of "
                    "%(innovation)s. It is public on the innovation's page."
                )
            else:
                subject = _("Kit document rejected: %(title)s")
                body = _(
                    "The ministry rejected %(title)s for the replication kit of "
                    "%(innovation)s. Read the note, then add a corrected document."
                )
            values = {"title": document.title, "innovation": innovation.title}
            text = body % values
            if event.note:
                text += "\n\n" + _("Reviewer's note: %(note)s") % {"note": event.note}
            notify(
                user=user,
                kind="kit_document_decided",
                subject=subject % values,
                body=text,
                url=url,
                dedupe_key=f"kit-decided:{event.pk}:{user.pk}",
            )


# Writes -----------------------------------------------------------------------------


@transaction.atomic
def add_kit_document(
    *,
    innovation: Innovation,
    by: User,
    kind: str,
    title: str,
    language: str = KitLanguage.INDONESIAN,
    file: UploadedFile | None = None,
    url: str = "",
    replaces: KitDocument | None = None,
) -> KitDocument:
    """A new document (a file or an http(s) link) waiting for the ministry's review."""
    _require_innovator_of(innovation, by)
    locked = Innovation.objects.select_for_update().only("id", "status").get(pk=innovation.pk)
    if locked.status in CLOSED_STATUSES:
        raise ValidationError(
            _("This innovation is %(status)s: its kit takes no new documents.")
            % {"status": str(InnovationStatus(locked.status).label).lower()}
        )
    if kind not in KitKind.values or language not in KitLanguage.values:
        raise ValidationError(_("Choose the kind and the language from the lists."))
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("Give the document a title."))
    if bool(file) == bool(url.strip()):
        raise ValidationError(_("Upload a file or give a link, not both."))
    if replaces is not None and not (
        replaces.innovation_id == innovation.pk
        and replaces.kind == kind
        and replaces.status == KitStatus.APPROVED
    ):
        raise ValidationError(
            _("A new version replaces an approved document of the same kind of this innovation.")
        )
    document = KitDocument(
        innovation=innovation,
        kind=kind,
        title=title[:200],
        language=language,
        replaces=replaces,
        uploaded_by=by,
        status=KitStatus.PENDING,
    )
    if file:
        checked = check_upload(file)
        document.file = file
        document.original_name = checked.original_name[:255]
        document.content_type = checked.content_type
        document.size = checked.size
    else:
        document.url = check_link(url)
    document.save()
    record_event(
        actor=by,
        action="kit_document_added",
        target=document,
        to_status=document.status,
        note=document.title,
    )
    document.innovation = innovation
    _notify_reviewers(document)
    return document


def _already_decided(document: KitDocument) -> ValidationError:
    if document.decided_at is None:
        return ValidationError(_("This document is not waiting for a decision."))
    actor = document.decided_by
    return ValidationError(
        _("This document was already decided by %(name)s on %(date)s: %(status)s.")
        % {
            "name": (actor.get_full_name() or actor.username) if actor else _("a reviewer"),
            "date": clock.local_time(document.decided_at),
            "status": str(KitStatus(document.status).label).lower(),
        }
    )


@transaction.atomic
def decide_kit_document(
    *, document: KitDocument, by: User, decision: str, note: str = ""
) -> KitDocument:
    """Approve (replacing the older version it names) or reject, with a note."""
    _require_ministry(by)
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    note = note.strip()
    if decision == "reject" and not note:
        raise ValidationError(_("Write a note: the innovator needs to know why."))
    # The innovation first, then the document: the same order as every kit write.
    innovation = Innovation.objects.select_for_update().get(pk=document.innovation_id)
    locked = (
        KitDocument.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=document.pk)
    )
    if locked.status != KitStatus.PENDING:
        raise _already_decided(locked)
    locked.status = DECISIONS[decision]
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    event = record_event(
        actor=by,
        action=f"kit_document_{locked.status}",
        target=locked,
        from_status=KitStatus.PENDING,
        to_status=locked.status,
        note=note,
    )
    if locked.status == KitStatus.APPROVED and locked.replaces_id is not None:
        older = KitDocument.objects.select_for_update().filter(
            pk=locked.replaces_id, status=KitStatus.APPROVED
        )
        for previous in older:
            previous.status = KitStatus.REPLACED
            previous.save(update_fields=["status"])
            record_event(
                actor=by,
                action="kit_document_replaced",
                target=previous,
                from_status=KitStatus.APPROVED,
                to_status=KitStatus.REPLACED,
                note=locked.title,
            )
    refresh_kit_complete(innovation)
    locked.innovation = innovation
    _notify_innovators(locked, event)
    return locked
