# ruff: noqa: F401, F811
"""Beranda kerja (/work/): what waits for each role, counted in a constant number of queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums import programme
from forums.outcomes import record_outcome
from innovations import services as innovation_services
from jipp.account_requests import submit_account_request
from jipp.models import Province, Role, User
from jipp.services import notify
from jipp.work import REGISTRY, count_all, counting_sql, items_for, work_for
from replication import due_dates, services, stage_services
from replication.models import ReplicationPlan, Stage
from replication.work import stages_due
from tests.conftest import PASSWORD, client_for

# Fixtures of tests/forums and tests/replication, used here by name.
from tests.forums.conftest import ahead, make_session
from tests.replication.conftest import (
    _media,
    dinas_kehutanan,
    finish,
    make_plan,
    sahabat_rimba,
    stage,
)

pytestmark = pytest.mark.django_db


def counts(user) -> dict[str, int]:
    return work_for(user).counts


def page(user) -> str:
    response = client_for(user).get("/work/")
    assert response.status_code == 200
    return response.content.decode()


# Arrivals --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/work/"


def test_signing_in_lands_on_the_work_page(bappeda_kalsel):
    response = Client().post(
        "/accounts/login/",
        {"username": bappeda_kalsel.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )
    assert response.status_code == 302 and response["Location"] == "/work/"


def test_signing_in_honours_next(bappeda_kalsel):
    response = Client().post(
        "/accounts/login/?next=/replication/plans/",
        {"username": bappeda_kalsel.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )
    assert response.status_code == 302 and response["Location"] == "/replication/plans/"


def test_signing_in_never_follows_next_to_another_site(bappeda_kalsel):
    response = Client().post(
        "/accounts/login/?next=https://evil.example.org/",
        {"username": bappeda_kalsel.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )
    assert response["Location"] == "/work/"


@pytest.mark.parametrize(
    "who", ["innovator_diy", "bappeda_kalsel", "bappeda_jateng", "forum_admin", "ministry"]
)
def test_every_role_gets_its_page_with_nothing_waiting(who, persona):
    user = persona(who)
    html = page(user)
    assert "Nothing is waiting here." in html or "Tidak ada yang menunggu di sini." in html
    assert set(counts(user).values()) == {0}


def test_a_user_without_a_role_is_told_how_to_get_one(make_user):
    html = page(make_user("tamu"))
    assert "KemenPANRB" in html


# The ministry ----------------------------------------------------------------------------


@pytest.fixture
def ministry_queue(
    ministry,
    innovator_diy,
    bappeda_kalsel,
    make_innovation,
    make_plan,
    make_institution,
):
    """Two submissions, an update, a plan to decide, a stage to verify, a due-date request,
    an account request."""
    own = innovator_diy.institution
    for title in ("Inovasi Pertama", "Inovasi Kedua"):
        draft = make_innovation(title, innovator=own, status="draft")
        innovation_services.submit_innovation(innovation=draft, by=innovator_diy)
    published = make_innovation("Inovasi Terbit", innovator=own)
    revision = innovation_services.save_revision(
        innovation=published, by=innovator_diy, data={"title": "Inovasi Terbit Baru"}
    )
    innovation_services.submit_revision(revision=revision, by=innovator_diy)
    make_plan("submitted", adopter=make_institution("Dinas Sosial Kalsel", "63"))
    approved = make_plan("approved")
    finish(approved, "identification", bappeda_kalsel)
    due_dates.request_due_date(
        stage=stage(approved, "learning"),
        by=bappeda_kalsel,
        proposed_date=stage(approved, "learning").due_date + timedelta(days=20),
        reason="Anggaran perubahan baru disahkan.",
    )
    submit_account_request(
        institution_name="Dinas Sosial Kabupaten Banjar",
        institution_kind="regency_gov",
        province=Province.objects.get(code="63"),
        contact_name="Budi Santoso",
        contact_email="budi@banjarkab.go.id",
        position="Analis",
    )
    return approved


def test_the_ministry_sees_each_queue_with_its_count(ministry, ministry_queue):
    assert counts(ministry) == {
        "innovations_submitted": 2,
        "updates_submitted": 1,
        "kit_documents_pending": 0,
        "plans_to_decide": 1,
        "stages_to_verify": 1,
        "results_to_verify": 0,
        "due_date_requests": 1,
        "indicator_changes": 0,
        "account_requests": 1,
    }
    html = page(ministry)
    assert "Inovasi Pertama" in html and "Inovasi Terbit" in html
    assert "Dinas Sosial Kabupaten Banjar" in html
    # Rows name the innovation and the province, and link to what waits.
    assert "Menggapai Mimpi Sahabat Rimba" in html and "Kalimantan Selatan" in html
    assert stage(ministry_queue, "identification").get_absolute_url() in html
    assert "/replication/review/?kind=due_date" in html
    # The person who asked for an account is not named on the work page.
    assert "Budi Santoso" not in html


def test_the_ministry_menu_shows_the_counts_as_badges(ministry, ministry_queue):
    html = client_for(ministry).get("/innovations/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert 'href="/work/"' in header
    assert ">7<" in header  # everything waiting, beside "My work"
    assert ">3<" in header  # submissions and updates (2 + 1); plan review (1 + 1 + 1)
    assert 'href="/replication/review/"' in header and 'href="/accounts/requests/"' in header


def test_without_javascript_the_reviews_menu_leads_to_the_work_page_which_links_them_all(
    ministry,
):
    html = page(ministry)
    header, main = html.split("</header>", 1)
    assert re.search(r'<a class="nav-link dropdown-toggle" id="nav-reviews" href="/work/"', header)
    reviews = header[header.index('id="nav-reviews"') :].split("</ul>", 1)[0]
    targets = re.findall(r'class="dropdown-item[^"]*" href="([^"]+)"', reviews)
    assert len(targets) == 4
    for target in targets:
        assert f'href="{target}' in main, target  # the page itself, or it filtered


def test_the_oldest_come_first(ministry, ministry_queue):
    html = page(ministry)
    assert html.index("Inovasi Pertama") < html.index("Inovasi Kedua")


def test_a_long_queue_shows_the_oldest_few_and_links_to_the_rest(
    ministry, innovator_diy, make_innovation
):
    for n in range(7):
        draft = make_innovation(f"Inovasi Antre {n}", innovator=innovator_diy.institution)
        draft.status = "draft"
        draft.save()
        innovation_services.submit_innovation(innovation=draft, by=innovator_diy)
    html = page(ministry)
    assert "Inovasi Antre 4" in html and "Inovasi Antre 5" not in html
    assert "/innovations/review/" in html


# Bappeda -----------------------------------------------------------------------------------


@pytest.fixture
def kalsel_work(
    bappeda_kalsel,
    ministry,
    forum_admin,
    make_plan,
    make_institution,
    make_session,
    make_innovation,
):
    """A stage due in a week, a late one, a returned plan, a returned stage, an unread
    message notice, and a draft plan from a forum outcome."""
    approved = make_plan("approved")
    first = stage(approved, "identification")
    first.due_date = date.today() - timedelta(days=2)  # late
    first.save(update_fields=["due_date"])
    second = stage(approved, "learning")
    second.due_date = date.today() + timedelta(days=7)  # due within 14 days
    second.save(update_fields=["due_date"])

    returned = make_plan("submitted", adopter=make_institution("Dinas Sosial Kalsel", "63"))
    services.return_plan(plan=returned, by=ministry, note="Lengkapi anggaran.")

    other = make_plan("approved", adopter=make_institution("Dinas Pendidikan Kalsel", "63"))
    finish(other, "identification", bappeda_kalsel)
    stage_services.return_stage(
        stage=stage(other, "identification"), by=ministry, note="Bukti belum lengkap."
    )

    notify(
        user=bappeda_kalsel,
        kind="plan_message",
        subject="Pesan baru pada rencana Sahabat Hutan Banua",
        body="Mohon kirim jadwal pelatihan.",
        url=approved.get_absolute_url(),
        dedupe_key="test-message:1",
    )
    notify(
        user=bappeda_kalsel,
        kind="plan_decided",
        subject="Bukan pesan",
        body="Keputusan.",
        url=approved.get_absolute_url(),
        dedupe_key="test-decision:1",
    )

    held = make_session("held")
    record_outcome(session=held, by=forum_admin, innovation=make_innovation("Inovasi dari Forum"))
    return approved


def test_bappeda_sees_its_province_stages_returns_messages_and_forum_drafts(
    bappeda_kalsel, kalsel_work
):
    found = counts(bappeda_kalsel)
    # Due soon or late: the first two stages of the approved plan, and the rest of the
    # second plan's stages whose dates are near (its returned stage is in progress).
    assert found["stages_due"] >= 2
    assert found["plans_returned"] == 1
    assert found["stages_returned"] == 1
    assert found["unread_messages"] == 1
    assert found["plans_from_forums"] == 1
    html = page(bappeda_kalsel)
    assert "Lengkapi anggaran." in html and "Bukti belum lengkap." in html
    assert "Pesan baru pada rencana Sahabat Hutan Banua" in html
    assert "Inovasi dari Forum" in html
    assert "Terlambat" in html or "Overdue" in html


def test_counts_read_from_rollups_are_the_rows_counted(bappeda_kalsel, kalsel_work):
    """An item's `count` (a rollup's number) is what counting its queryset gives."""
    found = counts(bappeda_kalsel)
    for item in items_for(bappeda_kalsel):
        assert found[item.key] == item.queryset(bappeda_kalsel).count(), item.key
    assert any(item.count for item in items_for(bappeda_kalsel))


def test_the_ministrys_counts_from_rollups_are_the_rows_counted(ministry, ministry_queue):
    """Stages and results to verify are read from RollupStageDone, plans to decide from
    RollupPlan: the same numbers, and neither stage count counts a stage of the other kind."""
    found = counts(ministry)
    by_rollup = [item for item in items_for(ministry) if item.count]
    expected = {"plans_to_decide", "stages_to_verify", "results_to_verify"}
    assert expected <= {item.key for item in by_rollup}
    for item in by_rollup:
        assert found[item.key] == item.queryset(ministry).count(), item.key
    assert found["stages_to_verify"] > 0 and found["plans_to_decide"] > 0


def test_stages_due_counts_only_the_next_fourteen_days_and_the_late(bappeda_kalsel, make_plan):
    approved = make_plan("approved")
    for number, kind in enumerate(
        ["identification", "learning", "planning", "trial", "implementation", "evaluation"]
    ):
        row = stage(approved, kind)
        row.due_date = date.today() + timedelta(days=[-3, 0, 14, 15, 30, 90][number])
        row.save(update_fields=["due_date"])
    assert counts(bappeda_kalsel)["stages_due"] == 3


def test_stages_due_are_counted_in_the_provinces_own_calendar(bappeda_kalsel, make_plan):
    """Kalimantan Selatan keeps WITA (UTC+8): at 20.00 UTC it is already the 11th there, so
    a stage due on the 25th is within fourteen days, though not by the UTC calendar."""
    with time_machine.travel(datetime(2026, 3, 10, 20, 0, tzinfo=UTC), tick=False):
        approved = make_plan("approved")
        Stage.objects.filter(plan=approved).update(due_date=date(2026, 6, 1))
        first = stage(approved, "identification")
        for due, expected in [(date(2026, 3, 25), 1), (date(2026, 3, 26), 0)]:
            first.due_date = due
            first.save(update_fields=["due_date"])
            assert counts(bappeda_kalsel)["stages_due"] == expected, due
            assert stages_due(bappeda_kalsel).count() == expected, due


def test_a_shared_items_statement_is_the_same_for_every_user_and_moment(
    make_user, make_institution
):
    """A shared item's counting statement is compiled once per process (jipp.work): it
    must not read the user or the clock, or the first user's count would be everyone's."""
    shared = [item for item in REGISTRY.values() if item.shared]
    assert {"innovations_submitted", "account_requests", "draft_sessions"} <= {
        item.key for item in shared
    }
    for item in shared:
        first = make_user(f"first-{item.key}", item.role)
        second = make_user(
            f"second-{item.key}",
            item.role,
            province_code="63",
            institution=make_institution(f"Dinas {item.key}", "63"),
        )
        compiled = counting_sql(item.queryset(first))
        with time_machine.travel(timezone.now() + timedelta(days=40)):
            assert counting_sql(item.queryset(second)) == compiled, item.key


def test_another_province_sees_none_of_it(bappeda_jateng, kalsel_work):
    assert set(counts(bappeda_jateng).values()) == {0}
    html = page(bappeda_jateng)
    assert "Sahabat Hutan Banua" not in html and "Lengkapi anggaran." not in html


# Forum admins and innovators ----------------------------------------------------------------


@pytest.fixture
def forum_work(forum_admin, innovator_diy, make_session, make_institution):
    make_session("draft", start=ahead(days=20))
    later = make_session("scheduled")
    programme.invite_institution(
        session=later, by=forum_admin, institution=innovator_diy.institution
    )
    programme.invite_institution(
        session=later, by=forum_admin, institution=make_institution("Dinas Sosial Kalsel", "63")
    )
    make_session("held", code="33")
    return later


def test_forum_admins_see_upcoming_sessions_drafts_and_unanswered_invitations(
    forum_admin, forum_work
):
    assert counts(forum_admin) == {
        "forums_upcoming": 1,
        "draft_sessions": 1,
        "invitations_unanswered": 2,
        "interest_demand": 0,
    }
    assert f"/forums/{forum_work.pk}/manage/" in page(forum_admin)


def test_an_answered_invitation_no_longer_waits(forum_admin, innovator_diy, forum_work):
    from forums.answers import answer_invitation

    participant = forum_work.participants.get(institution=innovator_diy.institution)
    answer_invitation(participant=participant, answer="attending", by=innovator_diy)
    assert counts(forum_admin)["invitations_unanswered"] == 1
    assert counts(innovator_diy)["forum_invitations"] == 0


def test_innovators_see_change_requests_drafts_and_invitations(
    innovator_diy, ministry, make_innovation, forum_work
):
    own = innovator_diy.institution
    asked = make_innovation("Inovasi Diminta Ubah", innovator=own, status="draft")
    innovation_services.submit_innovation(innovation=asked, by=innovator_diy)
    innovation_services.decide(
        innovation=asked, by=ministry, decision="request_changes", note="Perjelas hasil."
    )
    make_innovation("Inovasi Draf", innovator=own, status="draft")
    published = make_innovation("Inovasi Terbit", innovator=own)
    innovation_services.save_revision(
        innovation=published, by=innovator_diy, data={"title": "Inovasi Terbit Baru"}
    )
    make_innovation("Inovasi Lembaga Lain", status="draft")  # another institution's
    assert counts(innovator_diy) == {
        "change_requests": 1,
        "drafts": 2,
        "kit_documents_own": 0,
        "forum_invitations": 1,
        "forum_materials": 0,
        "interest_received": 0,
    }
    html = page(innovator_diy)
    assert "Inovasi Diminta Ubah" in html and "Inovasi Draf" in html
    assert "Inovasi Lembaga Lain" not in html
    assert forum_work.get_absolute_url() in html


def test_a_user_with_several_roles_sees_each_roles_section(
    make_user, kemenpanrb, forum_work, ministry_queue
):
    both = make_user("rina", Role.MINISTRY, institution=kemenpanrb)
    both.groups.add(Group.objects.get(name=Role.FORUM_ADMIN))
    sections = [section.role for section in work_for(both).sections]
    assert sections == [Role.MINISTRY, Role.FORUM_ADMIN]
    html = page(both)
    assert 'id="work-ministry"' in html and 'id="work-forum_admin"' in html


# Queries ---------------------------------------------------------------------------------------


def test_all_counts_are_one_query(ministry, ministry_queue, django_assert_num_queries):
    ministry.roles()  # the groups, read once per request by the menu already
    with django_assert_num_queries(1):
        work_for(ministry)


@pytest.mark.parametrize("who", ["innovator_diy", "bappeda_kalsel", "forum_admin", "ministry"])
def test_every_roles_counts_are_one_query(who, persona, django_assert_num_queries):
    user = User.objects.get(pk=persona(who).pk)  # as a request loads it: nothing cached
    user.roles()  # the groups, read once per request by the menu already
    with django_assert_num_queries(1):
        work_for(user)


def test_count_all_counts_an_empty_queryset_without_asking(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert count_all([ReplicationPlan.objects.none()]) == [0]


def queries(user) -> int:
    client = client_for(user)
    client.get("/work/")  # session and user loaded once
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/work/").status_code == 200
    return len(captured)


def test_the_ministry_page_reads_in_constant_queries(
    ministry,
    innovator_diy,
    make_innovation,
    make_plan,
    make_institution,
    bappeda_kalsel,
):
    def more(start: int, n: int) -> None:
        for i in range(start, start + n):
            draft = make_innovation(f"Inovasi {i}", innovator=innovator_diy.institution)
            draft.status = "draft"
            draft.save()
            innovation_services.submit_innovation(innovation=draft, by=innovator_diy)
            plan = make_plan("approved", adopter=make_institution(f"Dinas {i}", "63"))
            finish(plan, "identification", bappeda_kalsel)
            make_plan("submitted", adopter=make_institution(f"Badan {i}", "63"))

    more(0, 1)
    few = queries(ministry)
    more(1, 8)
    assert queries(ministry) == few


def test_the_bappeda_page_reads_in_constant_queries(
    bappeda_kalsel,
    ministry,
    make_plan,
    make_institution,
):
    def more(start: int, n: int) -> None:
        for i in range(start, start + n):
            plan = make_plan("approved", adopter=make_institution(f"Dinas {i}", "63"))
            first = stage(plan, "identification")
            first.due_date = date.today() - timedelta(days=1)
            first.save(update_fields=["due_date"])
            returned = make_plan("submitted", adopter=make_institution(f"Badan {i}", "63"))
            services.return_plan(plan=returned, by=ministry, note="Lengkapi.")

    more(0, 1)
    few = queries(bappeda_kalsel)
    more(1, 6)
    assert queries(bappeda_kalsel) == few


def test_the_forum_and_innovator_pages_read_in_constant_queries(
    forum_admin,
    innovator_diy,
    make_session,
    make_institution,
):
    def more(start: int, n: int) -> None:
        for i in range(start, start + n):
            session = make_session("scheduled", start=ahead(days=10 + 2 * i))
            programme.invite_institution(
                session=session, by=forum_admin, institution=innovator_diy.institution
            )
            make_session("draft", start=ahead(days=11 + 2 * i))

    more(0, 1)
    few = queries(forum_admin), queries(innovator_diy)
    more(1, 6)
    assert (queries(forum_admin), queries(innovator_diy)) == few


def test_other_pages_count_the_menu_badges_once(ministry, ministry_queue):
    client = client_for(ministry)
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/inbox/")
    statements = [q["sql"] for q in captured if "AS waiting" in q["sql"]]
    assert len(statements) == 1


# The ministry's plan queue ---------------------------------------------------------------------


def test_the_plan_queue_is_split_by_kind(ministry, ministry_queue):
    html = client_for(ministry).get("/replication/review/").content.decode()
    assert 'id="waiting-plan"' in html and 'id="waiting-stage"' in html
    assert 'id="waiting-due_date"' in html
    assert "Menggapai Mimpi Sahabat Rimba" in html and "Kalimantan Selatan" in html


def test_the_plan_queue_filters_by_kind_and_province(ministry, ministry_queue):
    client = client_for(ministry)
    html = client.get("/replication/review/?kind=stage").content.decode()
    assert 'id="waiting-stage"' in html and 'id="waiting-plan"' not in html
    html = client.get("/replication/review/?province=33").content.decode()
    assert "Menggapai Mimpi Sahabat Rimba" not in html
    html = client.get("/replication/review/?province=63&kind=due_date").content.decode()
    assert "Menggapai Mimpi Sahabat Rimba" in html


def test_an_unknown_filter_is_explained_and_the_whole_queue_shown(ministry, ministry_queue):
    response = client_for(ministry).get("/replication/review/?kind=everything&province=99")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert 'id="waiting-plan"' in html and "Menggapai Mimpi Sahabat Rimba" in html


@pytest.mark.parametrize("who", ["innovator_diy", "bappeda_kalsel", "forum_admin"])
def test_the_plan_queue_refuses_other_roles(who, persona):
    assert client_for(persona(who)).get("/replication/review/").status_code == 403


# The ministry's results waiting for verification -----------------------------------------------


def test_results_waiting_for_verification_are_the_done_evaluations_and_institutionalisations(
    ministry, bappeda_kalsel, make_innovation
):
    from tests.dashboard.conftest import at, evaluated

    rimba = make_innovation("Menggapai Mimpi Sahabat Rimba")
    people = {"by": bappeda_kalsel, "reviewer": ministry}
    measured = evaluated(rimba, "63", "approved", None, **people)
    Stage.objects.filter(plan=measured, kind="evaluation").update(
        status="done", completed_at=at(2026, 3, 2)
    )
    enacted = evaluated(rimba, "33", "approved", at(2026, 2, 1), **people)
    Stage.objects.filter(plan=enacted, kind="institutionalization").update(
        status="done", completed_at=at(2026, 2, 20)
    )
    other = evaluated(rimba, "35", "approved", None, **people)
    Stage.objects.filter(plan=other, kind="evaluation").update(status="in_progress")
    Stage.objects.filter(plan=other, order=5).update(status="done", completed_at=at(2026, 1, 5))
    cancelled = evaluated(rimba, "11", "cancelled", None, **people)
    Stage.objects.filter(plan=cancelled, kind="evaluation").update(status="done")

    assert counts(ministry)["results_to_verify"] == 2
    # The other stages to verify: a stage counts once in the page's total and the badge.
    assert counts(ministry)["stages_to_verify"] == 1
    assert work_for(ministry).menu["plan_review"] == 3
    html = page(ministry)
    section = html[html.index('id="item-results_to_verify"') :]
    section = section[: section.index('id="item-', 10)]
    older = Stage.objects.get(plan=enacted, kind="institutionalization").get_absolute_url()
    newer = Stage.objects.get(plan=measured, kind="evaluation").get_absolute_url()
    assert section.index(older) < section.index(newer)  # oldest first
    assert section.count("/replication/plans/") >= 2
