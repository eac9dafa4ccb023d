"""Forum materials: a presentation's slides and the link to its recording (DESIGN.md section 8).

Forum staff and the presenting institution's innovator users add, replace and remove them,
also after the session is held: materials are no change participants must act on, so the
session's `sequence` stays and nobody is told. Slides are public once the session is held;
before that only the staff and the presenting innovators open them. The recording is a
link, never embedded (the CSP allows only the portal itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.access import is_staff
from forums.models import ForumStatus, Presentation
from forums.services import lock
from jipp.models import User
from jipp.services import record_event

# The project's one upload check (content, size, polyglots), narrowed to presentations.
from jipp.uploads import SLIDES, CheckedFile, check_upload, download_name, extension_of, type_name

RECORDING_SCHEMES = ("http", "https")


# Access -----------------------------------------------------------------------------


def is_presenter(user: Any, presentation: Presentation) -> bool:
    """An innovator user of the institution whose innovation is presented."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_innovator
        and user.institution_id
        and user.institution_id == presentation.innovation.innovator_id
    )


def may_add_materials(user: Any, presentation: Presentation) -> bool:
    return is_staff(user) or is_presenter(user, presentation)


def may_open_slides(user: Any, presentation: Presentation) -> bool:
    """Anyone once the session is held; before, the staff and the presenting innovators."""
    return presentation.session.status == ForumStatus.HELD or may_add_materials(user, presentation)


# Checks -----------------------------------------------------------------------------


def check_slides(upload: UploadedFile) -> CheckedFile:
    """A presentation file (PDF, PowerPoint, OpenDocument) that passes the upload check."""
    if extension_of(upload.name or "") not in SLIDES:
        raise ValidationError(
            _("%(name)s is not a presentation file. Accepted: %(kinds)s."),
            code="extension",
            params={
                "name": download_name(upload.name or ""),
                "kinds": ", ".join(f".{ext}" for ext in sorted(SLIDES)),
            },
        )
    return check_upload(upload, allowed=SLIDES)


def check_recording_url(url: str) -> str:
    """An http(s) address with a host, or nothing; never javascript:, data: and the like."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in RECORDING_SCHEMES or not parts.hostname:
        raise ValidationError(
            _("Enter the recording's web address, starting with https:// or http://."),
            code="scheme",
        )
    return url


def slides_kind(presentation: Presentation) -> str:
    """How the page names the file's type: PDF, PowerPoint (.pptx), OpenDocument (.odp)."""
    return type_name(presentation.slides_type) if presentation.slides_type else ""


# Writes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    action: str  # the AuditEvent's action
    note: str


def _delete_file(storage: Storage, name: str) -> None:
    storage.delete(name)


def _slides_change(
    locked: Presentation, slides: UploadedFile | None, remove_slides: bool
) -> Change | None:
    if slides is not None:
        action = "slides_replaced" if locked.slides else "slides_added"
        return Change(action, download_name(slides.name or ""))
    if remove_slides and locked.slides:
        return Change("slides_removed", locked.slides_name)
    return None


def _recording_change(locked: Presentation, url: str) -> Change | None:
    if url == locked.recording_url:
        return None
    if not url:
        return Change("recording_removed", locked.recording_url)
    return Change("recording_replaced" if locked.recording_url else "recording_added", url)


@transaction.atomic
def save_materials(
    *,
    presentation: Presentation,
    by: User,
    slides: UploadedFile | None = None,
    remove_slides: bool = False,
    recording_url: str = "",
    consent: bool = False,
) -> list[str]:
    """Add, replace or remove the slides and the recording link; return the actions taken.

    Adding or replacing anything needs `consent`: the uploader confirms that the people
    shown agreed to publication (UU 27/2022 on personal data protection). Removing does not.
    """
    if not may_add_materials(by, presentation):
        raise PermissionDenied(
            _("Only forum staff and the presenting institution add materials to a presentation.")
        )
    session = lock(presentation.session)
    if session.status == ForumStatus.CANCELLED:
        raise ValidationError(
            _("This session was cancelled: there was no presentation to add materials to.")
        )
    locked = (
        Presentation.objects.select_for_update()
        .select_related("innovation")
        .get(pk=presentation.pk)
    )
    url = check_recording_url(recording_url)
    changes = [
        change
        for change in (
            _slides_change(locked, slides, remove_slides),
            _recording_change(locked, url),
        )
        if change is not None
    ]
    if not changes:
        raise ValidationError(
            _("Nothing to save: choose a slides file, or enter or change the recording link."),
            code="unchanged",
        )
    # Removing needs no consent; whatever becomes public does.
    publishing = slides is not None or bool(url and url != locked.recording_url)
    errors: dict[str, list[Any]] = {}
    checked = None
    if slides is not None:
        try:
            checked = check_slides(slides)
        except ValidationError as error:
            errors["slides"] = error.error_list
    if publishing and not consent:
        errors["consent"] = [
            _(
                "Confirm that the people shown in the slides and the recording agreed "
                "to their publication: the materials become public."
            )
        ]
    if errors:
        raise ValidationError(errors)
    old_file = locked.slides.name if (checked or remove_slides) and locked.slides else ""
    storage = locked.slides.storage
    if checked is not None and slides is not None:
        locked.slides.save(checked.original_name, slides, save=False)
        locked.slides_name = download_name(checked.original_name)[:255]
        locked.slides_type = checked.content_type
        locked.slides_size = checked.size
    elif remove_slides:
        locked.slides = ""
        locked.slides_name = locked.slides_type = ""
        locked.slides_size = None
    locked.recording_url = url
    locked.materials_updated_at = timezone.now()
    # The session row is not saved: its sequence and version stay, so no calendar changes
    # and no edit form someone has open goes stale.
    locked.save(
        update_fields=[
            "slides",
            "slides_name",
            "slides_type",
            "slides_size",
            "recording_url",
            "materials_updated_at",
        ]
    )
    for change in changes:
        record_event(
            actor=by,
            action=change.action,
            target=session,
            from_status=session.status,
            to_status=session.status,
            note=f"{locked.innovation.title}: {change.note}"[:1000],
        )
    if old_file:
        transaction.on_commit(partial(_delete_file, storage, old_file))
    return [change.action for change in changes]
