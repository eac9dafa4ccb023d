"""Invitations, deactivation, sign-in and password reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from jipp.models import AuditEvent, Notification, User
from tests.conftest import PASSWORD, client_for
from tests.jipp.test_outbox import wait_for

pytestmark = pytest.mark.django_db


NEW_PASSWORD = "Generasi-Emas-2020"


def _invite(client, committed, **overrides):
    data = {
        "email": "Officer@Kalselprov.go.id",
        "first_name": "Siti",
        "last_name": "Aminah",
        "role": "bappeda",
        "province": "",
        "institution": "",
        **overrides,
    }
    with committed():
        return client.post("/accounts/users/invite/", data)


def _link_in(message) -> str:
    match = re.search(r"https?://\S+(/accounts/invitation/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_ministry_invites_an_officer_who_sets_a_password_and_signs_in(
    ministry, bappeda_kalsel, committed
):
    province = bappeda_kalsel.province
    response = _invite(client_for(ministry), committed, province=province.pk)
    assert response.status_code == 302

    invited = User.objects.get(email="officer@kalselprov.go.id")
    assert invited.province == province and invited.is_bappeda
    assert not invited.has_usable_password()
    assert invited.invited_by == ministry
    assert AuditEvent.objects.filter(action="user_invited", target_id=invited.pk).exists()
    # The link is a secret: mailed directly, never stored in the outbox.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@kalselprov.go.id"]
    assert (
        not Notification.objects.filter(kind__icontains="invitation")
        .exclude(kind="invitation_accepted")
        .exists()
    )

    link = _link_in(mail.outbox[0])
    anon = Client()
    assert anon.get(link).status_code == 200
    with committed():
        response = anon.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert anon.get("/inbox/").status_code == 200  # signed in

    # The inviter hears that the officer joined.
    assert Notification.objects.filter(user=ministry, kind="invitation_accepted").count() == 1
    # The link works once.
    assert Client().get(link).status_code == 404


def test_an_invitation_link_expires_after_a_week(ministry, bappeda_kalsel, committed):
    _invite(client_for(ministry), committed, province=bappeda_kalsel.province.pk)
    link = _link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert Client().get(link).status_code == 404


def test_a_forged_invitation_link_answers_404(client):
    assert client.get("/accounts/invitation/not-a-token/").status_code == 404


def test_a_weak_password_is_refused_and_the_invitation_stays_open(
    ministry, bappeda_kalsel, client, committed
):
    _invite(client_for(ministry), committed, province=bappeda_kalsel.province.pk)
    link = _link_in(mail.outbox[0])
    response = client.post(link, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "bappeda"}, "province"),
        ({"role": "innovator"}, "institution"),
        ({"email": "not-an-address"}, "email"),
        ({"role": "superuser"}, "role"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_an_invitation_with_missing_or_wrong_fields_is_refused(
    ministry, overrides, field, committed
):
    response = _invite(client_for(ministry), committed, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="officer@kalselprov.go.id").exists()
    assert mail.outbox == []


def test_an_address_already_in_use_cannot_be_invited_again(ministry, bappeda_kalsel, committed):
    response = _invite(
        client_for(ministry),
        committed,
        email=bappeda_kalsel.email.upper(),
        province=bappeda_kalsel.province.pk,
    )
    assert "email" in response.context["form"].errors


@pytest.mark.parametrize("who", ["bappeda_kalsel", "innovator_diy", "forum_admin"])
def test_only_the_ministry_invites(persona, who, committed):
    response = _invite(client_for(persona(who)), committed, role="ministry")
    assert response.status_code == 403
    assert not User.objects.filter(email="officer@kalselprov.go.id").exists()


def test_a_deactivated_officer_cannot_sign_in_and_their_session_ends(
    ministry, bappeda_kalsel, client
):
    officer_client = client_for(bappeda_kalsel)
    assert officer_client.get("/inbox/").status_code == 200

    response = client_for(ministry).post(
        f"/accounts/users/{bappeda_kalsel.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 302
    bappeda_kalsel.refresh_from_db()
    assert not bappeda_kalsel.is_active
    # The open session is refused on its next request.
    assert officer_client.get("/inbox/").status_code == 302
    response = client.post(
        "/accounts/login/", {"username": bappeda_kalsel.username, "password": PASSWORD}
    )
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    # The province and institution stay: the work belongs to them, not to the person.
    assert bappeda_kalsel.province.code == "63"
    assert AuditEvent.objects.filter(action="user_deactivated").count() == 1


def test_a_reactivated_officer_signs_in_again(ministry, bappeda_kalsel, client):
    reviewer = client_for(ministry)
    reviewer.post(f"/accounts/users/{bappeda_kalsel.pk}/active/", {"active": "0"})
    reviewer.post(f"/accounts/users/{bappeda_kalsel.pk}/active/", {"active": "1"})
    response = client.post(
        "/accounts/login/", {"username": bappeda_kalsel.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.wsgi_request.user == bappeda_kalsel


def test_a_reviewer_cannot_deactivate_themselves(ministry):
    client = client_for(ministry)
    client.post(f"/accounts/users/{ministry.pk}/active/", {"active": "0"})
    ministry.refresh_from_db()
    assert ministry.is_active


def test_an_officer_cannot_deactivate_anyone(bappeda_kalsel, bappeda_jateng):
    response = client_for(bappeda_kalsel).post(
        f"/accounts/users/{bappeda_jateng.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 403
    bappeda_jateng.refresh_from_db()
    assert bappeda_jateng.is_active


def test_deactivating_an_unknown_account_answers_404(ministry):
    assert client_for(ministry).post("/accounts/users/999999/active/").status_code == 404


def test_the_account_list_filters_pending_invitations(ministry, bappeda_kalsel, committed):
    reviewer = client_for(ministry)
    _invite(reviewer, committed, province=bappeda_kalsel.province.pk)
    response = reviewer.get("/accounts/users/", {"state": "invited"})
    assert [u.email for u in response.context["page"].object_list] == ["officer@kalselprov.go.id"]
    assert reviewer.get("/accounts/users/", {"state": "bogus", "page": "x"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_password_reset_is_mailed_directly_and_stored_nowhere(bappeda_kalsel, celery_worker):
    # The request queues the account's id; the worker builds the link and mails it.
    response = Client().post("/accounts/password_reset/", {"email": bappeda_kalsel.email})
    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert "/accounts/reset/" in mail.outbox[0].body
    assert Notification.objects.count() == 0


def test_resending_an_invitation_makes_the_earlier_link_invalid(
    ministry, bappeda_kalsel, committed
):
    reviewer = client_for(ministry)
    _invite(reviewer, committed, province=bappeda_kalsel.province.pk)
    first = _link_in(mail.outbox[0])
    invited = User.objects.get(email="officer@kalselprov.go.id")
    with committed():
        response = reviewer.post(f"/accounts/users/{invited.pk}/resend/")
    assert response.status_code == 302
    second = _link_in(mail.outbox[1])
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_deactivating_ends_the_sessions_so_a_reactivation_does_not_revive_them(
    ministry, bappeda_kalsel
):
    officer = Client()
    officer.post("/accounts/login/", {"username": bappeda_kalsel.username, "password": PASSWORD})
    assert officer.get("/inbox/").status_code == 200
    reviewer = client_for(ministry)
    reviewer.post(f"/accounts/users/{bappeda_kalsel.pk}/active/", {"active": "0"})
    reviewer.post(f"/accounts/users/{bappeda_kalsel.pk}/active/", {"active": "1"})
    response = officer.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert reviewer.get("/inbox/").status_code == 200  # the reviewer's own session stays


def test_a_password_change_keeps_the_user_signed_in(bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/inbox/").status_code == 200


def test_deactivating_in_django_admin_ends_the_sessions_too(bappeda_kalsel, make_user):
    officer = client_for(bappeda_kalsel)
    admin = make_user("root", role=None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    page = client_for(admin).get(f"/admin/jipp/user/{bappeda_kalsel.pk}/change/")
    form = page.context["adminform"].form
    # The change form as shown, with "active" unticked (an unticked box is not posted).
    skip = {"password", "is_active", "date_joined", "last_login"}
    data = {k: v for k, v in form.initial.items() if v is not None and k not in skip}
    data["groups"] = [group.pk for group in bappeda_kalsel.groups.all()]
    data["user_permissions"] = []
    response = client_for(admin).post(f"/admin/jipp/user/{bappeda_kalsel.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    bappeda_kalsel.refresh_from_db()
    assert not bappeda_kalsel.is_active
    bappeda_kalsel.is_active = True
    bappeda_kalsel.save()
    assert officer.get("/inbox/").status_code == 302
