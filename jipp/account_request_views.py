"""Account requests: the public form, and the ministry's list and decision page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from jipp import account_requests
from jipp.access import AuthedRequest, role_required
from jipp.forms import AccountRequestForm, ApproveAccountRequestForm, DeclineAccountRequestForm
from jipp.models import AccountRequest, AccountRequestStatus, AuditEvent, Role

logger = logging.getLogger(__name__)


def _too_many_requests(request: HttpRequest) -> bool:
    """Count every post, per address or per account: each one e-mails every reviewer.

    Redis down: allowed.
    """
    key = "user" if request.user.is_authenticated else "ip"
    try:
        return is_ratelimited(request, group="account-request", key=key, rate="5/h", increment=True)
    except RedisError:
        logger.warning("account request rate limit unavailable: Redis does not answer")
        return False


def account_request(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _too_many_requests(request):
        return render(request, "accounts/account_request_limited.html", status=429)
    form = AccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_requests.submit_account_request(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("account_request_sent")
    return render(request, "accounts/account_request_form.html", {"form": form})


def account_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_request_sent.html")


@role_required(Role.MINISTRY)
def account_request_list(request: AuthedRequest) -> HttpResponse:
    rows = AccountRequest.objects.select_related("province", "institution").order_by(
        Case(
            When(status=AccountRequestStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "created_at",
        "id",
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    pending = AccountRequest.objects.filter(status=AccountRequestStatus.PENDING).count()
    return render(request, "accounts/account_request_list.html", {"page": page, "pending": pending})


@role_required(Role.MINISTRY)
def account_request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        AccountRequest.objects.select_related("province", "institution", "decided_by"), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    # Preselected only when the address is at the institution's own domain.
    likely = account_requests.likely_institution(item) if item.is_pending else None
    approve_form = ApproveAccountRequestForm(
        item, request.POST if action == "approve" else None, initial={"institution": likely}
    )
    decline_form = DeclineAccountRequestForm(request.POST if action == "decline" else None)
    try:
        if action == "approve" and approve_form.is_valid():
            user = account_requests.approve_account_request(
                account_request=item, by=request.user, **approve_form.cleaned_data
            )
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("account_requests")
        if action == "decline" and decline_form.is_valid():
            account_requests.decline_account_request(
                account_request=item, by=request.user, note=decline_form.cleaned_data["note"]
            )
            messages.success(request, _("The request was declined; the requester was told why."))
            return redirect("account_requests")
    except ValidationError as error:
        # Decided meanwhile by someone else, or an institution of that name exists.
        for message in error.messages:
            messages.error(request, message)
        return redirect(item)
    timeline = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(AccountRequest), target_id=item.pk
    ).select_related("actor")
    context = {
        "item": item,
        "existing_account": account_requests.existing_account(item),
        "warning": account_requests.institution_warning(item, likely),
        "likely": likely,
        "approve_form": approve_form,
        "decline_form": decline_form,
        "timeline": timeline,
    }
    return render(request, "accounts/account_request_detail.html", context)
