"""Account requests: an institution not yet in the portal asks for an innovator account.

Each function is one transaction; mail waits for commit (jipp.services.notify).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jipp.models import (
    AccountRequest,
    AccountRequestStatus,
    Institution,
    Province,
    Role,
    User,
)
from jipp.services import invite_user, notify, record_event, unique_slug


def _already_pending() -> str:
    return _("A request from this e-mail address is already waiting for a decision.")


def email_problem(email: str) -> str | None:
    """Why this address cannot ask for an account, or None when it can."""
    if User.objects.filter(email__iexact=email).exists():
        return _(
            "An account with this e-mail address already exists. Sign in, or reset its password."
        )
    if AccountRequest.objects.filter(
        contact_email__iexact=email, status=AccountRequestStatus.PENDING
    ).exists():
        return _already_pending()
    return None


@transaction.atomic
def submit_account_request(
    *,
    institution_name: str,
    institution_kind: str,
    province: Province | None,
    contact_name: str,
    contact_email: str,
    position: str,
    phone: str = "",
    message: str = "",
) -> AccountRequest:
    """Store the request and tell every active ministry reviewer."""
    contact_email = contact_email.strip().lower()
    problem = email_problem(contact_email)
    if problem:
        raise ValidationError({"contact_email": problem})
    try:
        # A savepoint: a concurrent twin hits the unique constraint, not a broken transaction.
        with transaction.atomic():
            account_request = AccountRequest.objects.create(
                institution_name=institution_name.strip(),
                institution_kind=institution_kind,
                province=province,
                contact_name=contact_name.strip(),
                contact_email=contact_email,
                position=position.strip(),
                phone=phone.strip(),
                message=message.strip(),
            )
    except IntegrityError as error:
        raise ValidationError({"contact_email": _already_pending()}) from error
    record_event(
        actor=None, action="account_request_submitted", target=account_request, to_status="pending"
    )
    for reviewer in User.objects.in_role(Role.MINISTRY):
        with translation.override(reviewer.language):
            notify(
                user=reviewer,
                kind="account_request",
                subject=_("Account request from %(institution)s")
                % {"institution": account_request.institution_name},
                body=_("%(name)s (%(position)s, %(institution)s) asks for an innovator account.")
                % {
                    "name": account_request.contact_name,
                    "position": account_request.position,
                    "institution": account_request.institution_name,
                },
                url=account_request.get_absolute_url(),
                # One row per reviewer: the outbox's dedupe key is unique per recipient.
                dedupe_key=f"account-request:{account_request.pk}:{reviewer.pk}",
            )
    return account_request


def _lock_pending(account_request: AccountRequest, by: User) -> AccountRequest:
    if not by.is_ministry:
        raise PermissionDenied(_("Only ministry reviewers decide account requests."))
    # Two reviewers may open the same request: the second decision must see the first.
    locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    if not locked.is_pending:
        if locked.status == AccountRequestStatus.APPROVED:
            raise ValidationError(_("This request was already approved; nothing was changed."))
        raise ValidationError(_("This request was already declined; nothing was changed."))
    return locked


def _unique_slug(name: str) -> str:
    return unique_slug(name, Institution, fallback="instansi")


def _new_institution(account_request: AccountRequest) -> Institution:
    name = account_request.institution_name
    if Institution.objects.filter(name__iexact=name, province=account_request.province).exists():
        raise ValidationError(
            {"institution": _("An institution of this name already exists here: choose it.")}
        )
    return Institution.objects.create(
        name=name,
        slug=_unique_slug(name),
        kind=account_request.institution_kind,
        province=account_request.province,
    )


@transaction.atomic
def approve_account_request(
    *, account_request: AccountRequest, by: User, institution: Institution | None = None
) -> User:
    """Tie the request to an institution (an existing one, or a new one) and invite the person."""
    locked = _lock_pending(account_request, by)
    if institution is None:
        institution = _new_institution(locked)
    user = invite_user(
        by=by,
        email=locked.contact_email,
        first_name=locked.contact_name[:150],
        last_name="",
        role=Role.INNOVATOR,
        institution=institution,
    )
    if locked.phone:
        user.phone = locked.phone
        user.save(update_fields=["phone"])
    locked.status = AccountRequestStatus.APPROVED
    locked.institution = institution
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "institution", "decided_by", "decided_at"])
    record_event(
        actor=by,
        action="account_request_approved",
        target=locked,
        from_status=AccountRequestStatus.PENDING,
        to_status=AccountRequestStatus.APPROVED,
        note=institution.name,
    )
    return user


@transaction.atomic
def decline_account_request(*, account_request: AccountRequest, by: User, note: str) -> None:
    """Decline with a note, which the requester receives by e-mail."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Tell the requester why: a note is required.")})
    locked = _lock_pending(account_request, by)
    locked.status = AccountRequestStatus.DECLINED
    locked.note = note
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "note", "decided_by", "decided_at"])
    record_event(
        actor=by,
        action="account_request_declined",
        target=locked,
        from_status=AccountRequestStatus.PENDING,
        to_status=AccountRequestStatus.DECLINED,
        note=note,
    )
    # The requester has no account: e-mail only, in the portal's default language.
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            email=locked.contact_email,
            kind="account_request_declined",
            subject=_("Your JIPP account request"),
            body=_(
                "Your request for an innovator account for %(institution)s was declined.\n\n"
                "The reviewer's note:\n%(note)s"
            )
            % {"institution": locked.institution_name, "note": note},
            url=reverse("account_request"),
            dedupe_key=f"account-request-declined:{locked.pk}",
        )
