"""Messages on a plan: every other party of the plan hears of them, the author never."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from jipp.models import Notification, NotificationStatus, Role
from replication import services, stage_services
from tests.conftest import client_for
from tests.replication.conftest import finish, stage

pytestmark = pytest.mark.django_db


def told(message) -> dict[str, Notification]:
    rows = Notification.objects.filter(dedupe_key__startswith=f"plan-message:{message.pk}:")
    return {row.user.username: row for row in rows.select_related("user")}


def post(user, plan, body="Mohon jadwal kunjungan lapangan."):
    message, _count = services.post_message(plan=plan, by=user, body=body)
    return message


def test_an_officers_message_tells_the_reviewer_who_decided_and_the_innovator_not_the_author(
    approved_plan, bappeda_kalsel, ministry, innovator_diy, make_user, kemenpanrb, make_institution
):
    colleague = make_user(
        "rusdi",
        Role.BAPPEDA,
        province_code="63",
        institution=make_institution("Bappeda Provinsi Kalimantan Selatan", "63"),
    )
    make_user("lain", Role.MINISTRY, institution=kemenpanrb)  # decided nothing on this plan
    make_user("pergi", Role.INNOVATOR, institution=innovator_diy.institution, is_active=False)

    message = post(bappeda_kalsel, approved_plan)

    assert sorted(told(message)) == sorted([colleague.username, ministry.username, "wahyu"])
    row = told(message)[ministry.username]
    assert row.kind == "plan_message"
    assert row.url == f"/replication/plans/{approved_plan.pk}/#message-{message.pk}"
    assert "Mohon jadwal kunjungan lapangan." in row.body


def test_a_message_on_a_plan_nobody_decided_on_tells_every_active_reviewer(
    make_plan, innovator_diy, ministry, make_user, kemenpanrb, bappeda_kalsel
):
    plan = make_plan("submitted")
    other = make_user("lain", Role.MINISTRY, institution=kemenpanrb)
    make_user("pensiun", Role.MINISTRY, institution=kemenpanrb, is_active=False)
    message = post(innovator_diy, plan)
    assert sorted(told(message)) == sorted(
        [bappeda_kalsel.username, ministry.username, other.username]
    )


def test_every_reviewer_who_verified_a_stage_or_decided_a_due_date_is_told(
    approved_plan, bappeda_kalsel, ministry, make_user, kemenpanrb, innovator_diy
):
    verifier = make_user("verifikator", Role.MINISTRY, institution=kemenpanrb)
    bystander = make_user("lain", Role.MINISTRY, institution=kemenpanrb)
    finish(approved_plan, "identification", bappeda_kalsel, verify_by=verifier)
    message = post(innovator_diy, approved_plan)
    assert verifier.username in told(message) and ministry.username in told(message)
    assert bystander.username not in told(message)


def test_a_reviewers_message_tells_the_province_and_the_innovator_not_the_reviewer(
    approved_plan, ministry, bappeda_kalsel, innovator_diy
):
    message = post(ministry, approved_plan)
    assert sorted(told(message)) == sorted([bappeda_kalsel.username, innovator_diy.username])


def test_a_message_follows_each_recipients_reminder_channel(
    approved_plan, ministry, bappeda_kalsel, innovator_diy
):
    bappeda_kalsel.reminder_channel = "digest"
    bappeda_kalsel.save(update_fields=["reminder_channel"])
    innovator_diy.reminder_channel = "inbox"
    innovator_diy.save(update_fields=["reminder_channel"])
    rows = told(post(ministry, approved_plan))
    assert (rows["ahmad"].channel, rows["ahmad"].status) == ("digest", NotificationStatus.HELD)
    assert (rows["wahyu"].channel, rows["wahyu"].status) == ("inbox", NotificationStatus.HELD)


def test_a_message_is_written_in_each_recipients_language(
    approved_plan, ministry, bappeda_kalsel, innovator_diy
):
    innovator_diy.language = "en"
    innovator_diy.save(update_fields=["language"])
    rows = told(post(bappeda_kalsel, approved_plan))
    assert rows["wahyu"].subject.startswith("Message on Sahabat Hutan Banua")
    assert rows["wahyu"].language == "en"
    assert rows["ratna"].subject.startswith("Pesan pada Sahabat Hutan Banua")
    assert rows["ratna"].language == "id"


def test_the_inbox_counts_an_unread_message(approved_plan, ministry, innovator_diy):
    innovator_diy.reminder_channel = "inbox"
    innovator_diy.save(update_fields=["reminder_channel"])
    client = client_for(innovator_diy)
    before = client.get("/inbox/").context["unread_count"]  # the approval's notice
    post(ministry, approved_plan)
    response = client.get("/inbox/")
    assert response.context["unread_count"] == before + 1
    assert "Mohon jadwal kunjungan lapangan." in response.content.decode()


def test_posting_says_how_many_were_told_and_the_author_is_not_among_them(
    approved_plan, innovator_diy, bappeda_kalsel, ministry
):
    client = client_for(innovator_diy)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/replication/plans/{approved_plan.pk}/messages/", {"body": "Halo."})
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Message posted. 2 people on this plan have been told."]
    assert not Notification.objects.filter(user=innovator_diy, kind="plan_message").exists()


def test_an_empty_message_is_refused_and_tells_nobody(approved_plan, bappeda_kalsel):
    client = client_for(bappeda_kalsel)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/replication/plans/{approved_plan.pk}/messages/", {"body": "  "})
    assert response.status_code == 200 and "Write a message." in response.content.decode()
    assert not approved_plan.messages.exists()
    assert not Notification.objects.filter(kind="plan_message").exists()


def test_another_provinces_officer_cannot_post_and_nobody_is_told(approved_plan, bappeda_jateng):
    response = client_for(bappeda_jateng).post(
        f"/replication/plans/{approved_plan.pk}/messages/", {"body": "Halo."}
    )
    assert response.status_code == 404
    assert not Notification.objects.filter(kind="plan_message").exists()


def test_a_returned_stage_makes_its_reviewer_a_party_too(
    approved_plan, bappeda_kalsel, ministry, make_user, kemenpanrb, innovator_diy
):
    checker = make_user("pemeriksa", Role.MINISTRY, institution=kemenpanrb)
    finish(approved_plan, "identification", bappeda_kalsel)
    stage_services.return_stage(
        stage=stage(approved_plan, "identification"), by=checker, note="Bukti kurang."
    )
    assert checker.username in told(post(innovator_diy, approved_plan))


def test_a_reviewer_who_wrote_on_the_plan_hears_the_replies(
    approved_plan, bappeda_kalsel, ministry, make_user, kemenpanrb
):
    colleague = make_user("lain", Role.MINISTRY, institution=kemenpanrb)
    post(colleague, approved_plan, body="Apakah anggaran sudah tersedia?")
    reply = post(bappeda_kalsel, approved_plan, body="Sudah, dari APBD.")
    assert {colleague.username, ministry.username} <= set(told(reply))
