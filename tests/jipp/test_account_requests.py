"""Account requests: the public form, the ministry's decision, and what each side receives."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from jipp import account_requests
from jipp.models import (
    AccountRequest,
    AuditEvent,
    Institution,
    Notification,
    Province,
    User,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _form(**overrides):
    return {
        "institution_name": "Pemerintah Kabupaten Tapin",
        "institution_kind": "regency_gov",
        "province": Province.objects.get(code="63").pk,
        "contact_name": "Siti Rahmah",
        "contact_email": "Siti.Rahmah@tapinkab.go.id",
        "position": "Kepala Bagian Organisasi",
        "phone": "0811-5000-123",
        "message": "Kami ingin mendaftarkan inovasi layanan kesehatan desa.",
        **overrides,
    }


def _request(**overrides) -> AccountRequest:
    data = _form(**overrides)
    province = Province.objects.get(pk=data.pop("province")) if data["province"] else None
    return account_requests.submit_account_request(province=province, **data)


def test_a_visitor_requests_an_account_and_reviewers_are_told(ministry, committed):
    with committed():
        response = Client().post("/accounts/request/", _form())
    assert response.status_code == 302 and response["Location"] == "/accounts/request/sent/"
    assert Client().get(response["Location"]).status_code == 200

    item = AccountRequest.objects.get()
    assert item.contact_email == "siti.rahmah@tapinkab.go.id" and item.is_pending
    assert item.province.code == "63"
    note = Notification.objects.get(user=ministry, kind="account_request")
    assert note.dedupe_key == f"account-request:{item.pk}:{ministry.pk}"
    assert note.url == f"/accounts/requests/{item.pk}/"


def test_approving_invites_an_innovator_of_a_new_institution(ministry, committed):
    item = _request()
    client = client_for(ministry)
    assert client.get(f"/accounts/requests/{item.pk}/").status_code == 200
    with committed():
        response = client.post(
            f"/accounts/requests/{item.pk}/", {"action": "approve", "institution": ""}
        )
    assert response.status_code == 302

    item.refresh_from_db()
    user = User.objects.get(email="siti.rahmah@tapinkab.go.id")
    assert item.status == "approved" and item.decided_by == ministry and item.decided_at
    assert user.is_innovator and user.institution == item.institution
    assert user.institution.name == "Pemerintah Kabupaten Tapin"
    assert user.institution.kind == "regency_gov" and user.institution.province.code == "63"
    assert user.phone == "0811-5000-123"
    assert AuditEvent.objects.filter(action="account_request_approved", target_id=item.pk).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti.rahmah@tapinkab.go.id"]
    assert re.search(r"/accounts/invitation/\S+/", str(mail.outbox[0].body))


def _with_domain(institution: Institution, domain: str) -> Institution:
    institution.email_domain = domain
    institution.save(update_fields=["email_domain"])
    return institution


def test_an_address_at_the_institutions_domain_is_matched_and_joins_it(
    ministry, make_institution, committed
):
    existing = _with_domain(
        make_institution("Pemkab Tapin", "63", kind="regency_gov"), "tapinkab.go.id"
    )
    item = _request()
    client = client_for(ministry)
    page = client.get(f"/accounts/requests/{item.pk}/")
    assert page.context["approve_form"].initial["institution"] == existing
    assert not page.context["warning"]
    with committed():
        response = client.post(
            f"/accounts/requests/{item.pk}/", {"action": "approve", "institution": existing.pk}
        )
    assert response.status_code == 302
    user = User.objects.get(email="siti.rahmah@tapinkab.go.id")
    assert user.institution == existing
    assert not Institution.objects.filter(name="Pemerintah Kabupaten Tapin").exists()


def test_the_same_name_without_the_domain_is_not_preselected(ministry, make_institution):
    # A name can be typed by anyone: only the mailbox's domain matches an institution.
    existing = make_institution("Pemerintah Kabupaten Tapin", "63", kind="regency_gov")
    item = _request()
    page = client_for(ministry).get(f"/accounts/requests/{item.pk}/")
    assert page.context["approve_form"].initial["institution"] is None
    response = client_for(ministry).post(
        f"/accounts/requests/{item.pk}/", {"action": "approve", "institution": ""}, follow=True
    )
    assert "sudah ada" in response.content.decode()
    item.refresh_from_db()
    assert item.is_pending and not User.objects.filter(email=item.contact_email).exists()
    assert existing.users.count() == 0


def test_joining_an_institution_of_another_domain_needs_an_explicit_confirmation(
    ministry, make_institution, committed
):
    existing = _with_domain(
        make_institution("Pemkab Tapin", "63", kind="regency_gov"), "tapinkab.go.id"
    )
    item = _request(contact_email="siti@banjarkab.go.id")
    client = client_for(ministry)
    assert client.get(f"/accounts/requests/{item.pk}/").context["likely"] is None
    response = client.post(
        f"/accounts/requests/{item.pk}/", {"action": "approve", "institution": existing.pk}
    )
    assert response.status_code == 200
    error = str(response.context["approve_form"].errors["confirmed"])
    assert "banjarkab.go.id" in error and "tapinkab.go.id" in error
    item.refresh_from_db()
    assert item.is_pending and not User.objects.filter(email="siti@banjarkab.go.id").exists()

    with committed():
        response = client.post(
            f"/accounts/requests/{item.pk}/",
            {"action": "approve", "institution": existing.pk, "confirmed": "on"},
        )
    assert response.status_code == 302
    assert User.objects.get(email="siti@banjarkab.go.id").institution == existing
    event = AuditEvent.objects.get(action="account_request_approved", target_id=item.pk)
    assert "banjarkab.go.id" in event.note  # the reviewer's override is on the record


def test_a_personal_mailbox_is_a_warning_even_for_a_new_institution(ministry, committed):
    item = _request(contact_email="siti.tapin@gmail.com")
    client = client_for(ministry)
    page = client.get(f"/accounts/requests/{item.pk}/")
    assert "gmail.com" in page.context["warning"]
    assert "record_domain" not in page.context["approve_form"].fields
    assert "gmail.com" in page.content.decode()
    response = client.post(f"/accounts/requests/{item.pk}/", {"action": "approve"})
    assert response.status_code == 200 and "confirmed" in response.context["approve_form"].errors
    assert not User.objects.filter(email="siti.tapin@gmail.com").exists()
    with committed():
        response = client.post(
            f"/accounts/requests/{item.pk}/", {"action": "approve", "confirmed": "on"}
        )
    assert response.status_code == 302
    assert User.objects.get(email="siti.tapin@gmail.com").institution.email_domain == ""


def test_the_service_refuses_an_unconfirmed_mismatch_too(ministry, make_institution):
    existing = make_institution("Pemkab Tapin", "63", kind="regency_gov")
    item = _request()
    with pytest.raises(ValidationError):
        account_requests.approve_account_request(
            account_request=item, by=ministry, institution=existing
        )
    item.refresh_from_db()
    assert item.is_pending


def test_the_reviewer_may_record_the_domain_for_later_requests(
    ministry, make_institution, committed
):
    existing = make_institution("Pemkab Tapin", "63", kind="regency_gov")
    item = _request()
    with committed():
        client_for(ministry).post(
            f"/accounts/requests/{item.pk}/",
            {
                "action": "approve",
                "institution": existing.pk,
                "confirmed": "on",
                "record_domain": "on",
            },
        )
    existing.refresh_from_db()
    assert existing.email_domain == "tapinkab.go.id"
    later = _request(contact_email="budi@tapinkab.go.id", institution_name="Tapin")
    assert account_requests.likely_institution(later) == existing


def test_institutions_sharing_a_domain_are_not_guessed(ministry, make_institution):
    for name in ["Dinas Sosial Kalsel", "Dinas Kehutanan Kalsel"]:
        _with_domain(make_institution(name, "63"), "kalselprov.go.id")
    item = _request(contact_email="siti@kalselprov.go.id", institution_name="Dinas Baru")
    assert account_requests.likely_institution(item) is None
    named = _request(contact_email="budi@kalselprov.go.id", institution_name="dinas sosial kalsel")
    assert account_requests.likely_institution(named).name == "Dinas Sosial Kalsel"


def test_declining_needs_a_note_which_the_requester_receives(ministry):
    item = _request()
    client = client_for(ministry)
    response = client.post(f"/accounts/requests/{item.pk}/", {"action": "decline", "note": " "})
    assert response.status_code == 200 and response.context["decline_form"].errors
    item.refresh_from_db()
    assert item.is_pending

    response = client.post(
        f"/accounts/requests/{item.pk}/",
        {"action": "decline", "note": "Instansi ini sudah punya akun; hubungi admin Dinas."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "declined" and item.note.startswith("Instansi ini")
    sent = Notification.objects.get(kind="account_request_declined")
    assert sent.user is None and sent.email == "siti.rahmah@tapinkab.go.id"
    assert "hubungi admin Dinas" in sent.body
    assert AuditEvent.objects.filter(action="account_request_declined", target_id=item.pk).exists()
    assert not User.objects.filter(email=item.contact_email).exists()


def test_a_second_decision_is_refused_clearly(ministry, make_user, committed):
    other = make_user("budi", "ministry")
    item = _request()
    with committed():
        client_for(ministry).post(f"/accounts/requests/{item.pk}/", {"action": "approve"})
    response = client_for(other).post(
        f"/accounts/requests/{item.pk}/", {"action": "decline", "note": "Tidak."}, follow=True
    )
    assert "sudah disetujui" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "approved" and item.decided_by == ministry


def _answer(email: str):
    response = Client().post("/accounts/request/", _form(contact_email=email))
    return response.status_code, response.get("Location"), response.content


def test_the_answer_is_the_same_whether_the_address_is_known_or_not(ministry, committed):
    with committed():
        fresh = _answer("baru@tapinkab.go.id")
        pending = _answer("BARU@tapinkab.go.id")  # the request above is pending
        account = _answer(ministry.email.upper())
    assert fresh == pending == account == (302, "/accounts/request/sent/", b"")


def test_a_repeated_pending_request_goes_on_its_history_without_new_mail(ministry, committed):
    with committed():
        _answer("siti.rahmah@tapinkab.go.id")
        _answer("Siti.Rahmah@tapinkab.go.id")
    item = AccountRequest.objects.get()
    assert Notification.objects.filter(kind="account_request").count() == 1
    repeat = AuditEvent.objects.get(action="account_request_repeated", target_id=item.pk)
    assert "Pemerintah Kabupaten Tapin" in repeat.note
    page = client_for(ministry).get(f"/accounts/requests/{item.pk}/").content.decode()
    assert "diajukan lagi" in page


def test_the_owner_of_an_existing_account_is_told_and_reviewers_see_the_duplicate(
    ministry, bappeda_kalsel, committed
):
    with committed():
        _answer(bappeda_kalsel.email)
    item = AccountRequest.objects.get()
    told = Notification.objects.get(kind="account_request_existing")
    assert told.user == bappeda_kalsel and told.url == "/accounts/password_reset/"
    assert Notification.objects.filter(user=ministry, kind="account_request").exists()
    page = client_for(ministry).get(f"/accounts/requests/{item.pk}/")
    assert page.context["existing_account"] == bappeda_kalsel
    assert bappeda_kalsel.username in page.content.decode()
    # Approving cannot give the address a second account.
    response = client_for(ministry).post(
        f"/accounts/requests/{item.pk}/", {"action": "approve", "confirmed": "on"}, follow=True
    )
    assert "sudah ada" in response.content.decode()
    assert User.objects.filter(email__iexact=bappeda_kalsel.email).count() == 1


def test_a_declined_requester_may_ask_again(ministry):
    item = _request()
    account_requests.decline_account_request(account_request=item, by=ministry, note="Lengkapi.")
    assert Client().post("/accounts/request/", _form()).status_code == 302
    assert AccountRequest.objects.count() == 2


def test_bad_input_is_shown_on_the_form():
    response = Client().post(
        "/accounts/request/",
        _form(contact_email="bukan-email", institution_kind="kerajaan", province="", position=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"contact_email", "institution_kind", "position"} <= set(errors)
    assert not AccountRequest.objects.exists()


def test_a_regional_institution_needs_its_province_but_a_ministry_does_not():
    response = Client().post("/accounts/request/", _form(province=""))
    assert "province" in response.context["form"].errors
    response = Client().post(
        "/accounts/request/",
        _form(province="", institution_kind="ministry", institution_name="Kementerian Desa"),
    )
    assert response.status_code == 302
    assert AccountRequest.objects.get().province is None


def test_anonymous_posts_are_rate_limited():
    client = Client()
    for n in range(5):
        response = client.post("/accounts/request/", _form(contact_email=f"a{n}@tapinkab.go.id"))
        assert response.status_code == 302
    response = client.post("/accounts/request/", _form(contact_email="a9@tapinkab.go.id"))
    assert response.status_code == 429
    assert AccountRequest.objects.count() == 5


def test_signed_in_posts_are_rate_limited_too(innovator_diy):
    client = client_for(innovator_diy)
    for n in range(5):
        response = client.post("/accounts/request/", _form(contact_email=f"b{n}@tapinkab.go.id"))
        assert response.status_code == 302
    response = client.post("/accounts/request/", _form(contact_email="b9@tapinkab.go.id"))
    assert response.status_code == 429
    assert AccountRequest.objects.count() == 5


def test_signed_in_users_may_open_the_form(innovator_diy):
    assert client_for(innovator_diy).get("/accounts/request/").status_code == 200


@pytest.mark.parametrize("who", ["innovator_diy", "bappeda_kalsel", "forum_admin"])
def test_only_the_ministry_sees_and_decides_requests(who, persona, ministry):
    item = _request()
    client = client_for(persona(who))
    assert client.get("/accounts/requests/").status_code == 403
    assert client.get(f"/accounts/requests/{item.pk}/").status_code == 403
    response = client.post(f"/accounts/requests/{item.pk}/", {"action": "decline", "note": "x"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.is_pending


def test_anonymous_visitors_are_sent_to_sign_in():
    item = _request()
    for url in ["/accounts/requests/", f"/accounts/requests/{item.pk}/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_list_shows_pending_requests_first_oldest_first(ministry):
    first = _request(contact_email="satu@tapinkab.go.id")
    second = _request(contact_email="dua@tapinkab.go.id")
    account_requests.decline_account_request(account_request=first, by=ministry, note="Tidak.")
    third = _request(contact_email="tiga@tapinkab.go.id")
    response = client_for(ministry).get("/accounts/requests/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [second, third, first]
    assert response.context["pending"] == 2


def test_the_login_page_and_the_accounts_page_link_to_requests(ministry):
    assert "/accounts/request/" in Client().get("/accounts/login/").content.decode()
    assert "/accounts/requests/" in client_for(ministry).get("/accounts/users/").content.decode()
