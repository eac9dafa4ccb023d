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

# Addresses anyone can open: they say nothing about where the person works.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.com",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "outlook.co.id",
        "proton.me",
        "protonmail.com",
        "rocketmail.com",
        "yahoo.co.id",
        "yahoo.com",
        "ymail.com",
        "yandex.com",
        "zoho.com",
    }
)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def is_personal_mailbox(email: str) -> bool:
    return email_domain(email) in PERSONAL_MAIL_DOMAINS


def domain_matches(institution: Institution, email: str) -> bool:
    """Whether the address is at the institution's own e-mail domain."""
    domain = institution.email_domain.strip().lower().lstrip("@")
    return bool(domain) and not is_personal_mailbox(email) and email_domain(email) == domain


def likely_institution(account_request: AccountRequest) -> Institution | None:
    """The existing institution the request belongs to, matched by e-mail domain only.

    A name can be typed by anyone; a mailbox at the institution's domain cannot.
    Several institutions may share a province's domain: then the one of that name, or none.
    """
    if is_personal_mailbox(account_request.contact_email):
        return None
    matches = list(
        Institution.objects.filter(
            province=account_request.province,
            email_domain__iexact=email_domain(account_request.contact_email),
        ).order_by("id")
    )
    named = [i for i in matches if i.name.lower() == account_request.institution_name.lower()]
    if named:
        return named[0]
    return matches[0] if len(matches) == 1 else None


def existing_account(account_request: AccountRequest) -> User | None:
    return User.objects.filter(email__iexact=account_request.contact_email).first()


def _repeated(pending: AccountRequest, institution_name: str, contact_name: str) -> None:
    # Seen by reviewers in the request's history; the reviewers get no second e-mail.
    record_event(
        actor=None,
        action="account_request_repeated",
        target=pending,
        to_status=AccountRequestStatus.PENDING,
        note=f"{institution_name.strip()} · {contact_name.strip()}"[:500],
    )


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
    """Store the request and tell every active ministry reviewer.

    The requester's answer is the same whatever the address: an address that already
    has an account or a pending request must not be learnt from this form. A repeat of a
    pending request goes on that request's history; a request for an address that has an
    account is stored (reviewers see the duplicate) and the account's owner is e-mailed.
    """
    contact_email = contact_email.strip().lower()
    pending = AccountRequest.objects.filter(
        contact_email__iexact=contact_email, status=AccountRequestStatus.PENDING
    ).first()
    if pending is not None:
        _repeated(pending, institution_name, contact_name)
        return pending
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
    except IntegrityError:
        twin = AccountRequest.objects.get(
            contact_email__iexact=contact_email, status=AccountRequestStatus.PENDING
        )
        _repeated(twin, institution_name, contact_name)
        return twin
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
    owner = existing_account(account_request)
    if owner is not None and owner.is_active:
        with translation.override(owner.language):
            notify(
                user=owner,
                kind="account_request_existing",
                subject=_("Someone asked for a JIPP account with your address"),
                body=_(
                    "A request for an innovator account was sent with your e-mail address, "
                    "which already has an account. To sign in without your password, reset "
                    "it. If you did not send the request, you need do nothing: the ministry "
                    "sees that the address already has an account."
                ),
                url=reverse("password_reset"),
                dedupe_key=f"account-request-existing:{account_request.pk}",
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


def institution_warning(account_request: AccountRequest, institution: Institution | None) -> str:
    """Why the address does not show that the person works there, or "" when it does."""
    email = account_request.contact_email
    if is_personal_mailbox(email):
        return _(
            "%(email)s is a personal mailbox: it does not show that the person works for the "
            "institution. Check with the institution before you approve."
        ) % {"email": email}
    if institution is None or domain_matches(institution, email):
        return ""
    if not institution.email_domain:
        return _(
            "%(institution)s has no e-mail domain recorded, so %(email)s does not show that "
            "the person works there. Check with the institution before you approve."
        ) % {"institution": institution.name, "email": email}
    return _(
        "%(email)s is not at the e-mail domain of %(institution)s (%(domain)s). Check with "
        "the institution before you approve."
    ) % {"email": email, "institution": institution.name, "domain": institution.email_domain}


@transaction.atomic
def approve_account_request(
    *,
    account_request: AccountRequest,
    by: User,
    institution: Institution | None = None,
    confirmed: bool = False,
    record_domain: bool = False,
) -> User:
    """Tie the request to an institution (an existing one, or a new one) and invite the person.

    Joining an existing institution, or any approval of a personal mailbox, needs the
    address at the institution's domain or the reviewer's explicit confirmation.
    """
    locked = _lock_pending(account_request, by)
    warning = institution_warning(locked, institution)
    if warning and not confirmed:
        raise ValidationError({"confirmed": warning})
    if institution is None:
        institution = _new_institution(locked)
    if record_domain and not is_personal_mailbox(locked.contact_email):
        institution.email_domain = email_domain(locked.contact_email)
        institution.save(update_fields=["email_domain"])
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
        note=f"{institution.name} ({warning})" if warning else institution.name,
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
