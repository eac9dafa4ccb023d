"""Declared interest: a province says it would like to replicate; the demand fills forums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import formats, timezone

from forums import outcomes
from forums import services as forums
from forums.models import ForumSession, Participant
from jipp import invariants
from jipp.models import AuditEvent, Notification, Province
from replication import interest_forum, interest_services, services
from replication.interest import Interest, InterestStatus
from replication.interest_views import demand_groups
from tests.conftest import client_for
from tests.replication.conftest import plan_data
from tests.test_list_queries import queries

pytestmark = pytest.mark.django_db

DEMAND = "/replication/interest/"
MINE = "/replication/interest/mine/"


def declare_url(innovation) -> str:
    return f"/replication/interest/declare/{innovation.slug}/"


@pytest.fixture
def declared(bappeda_kalsel, sahabat_rimba) -> Interest:
    return interest_services.declare_interest(
        innovation=sahabat_rimba, by=bappeda_kalsel, note="Mirip program kami."
    )


@pytest.fixture
def bappeda_bali(make_user, make_institution):
    office = make_institution("Bappeda Provinsi Bali", "51")
    return make_user("made", "bappeda", province_code="51", institution=office)


# Declaring ------------------------------------------------------------------------------


def test_an_officer_declares_the_provinces_interest_from_the_innovation_page(
    bappeda_kalsel, sahabat_rimba, dinas_kehutanan
):
    client = client_for(bappeda_kalsel)
    page = client.get(sahabat_rimba.get_absolute_url())
    assert b'action="/replication/interest/declare/' in page.content
    response = client.post(
        declare_url(sahabat_rimba),
        {"institution": dinas_kehutanan.name, "note": "Untuk KPH di Banua."},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#interest")
    interest = Interest.objects.get()
    assert interest.status == InterestStatus.OPEN
    assert interest.province.code == "63"
    assert interest.institution == dinas_kehutanan
    assert interest.created_by == bappeda_kalsel
    assert AuditEvent.objects.filter(action="interest_declared").count() == 1
    assert b"Withdraw the interest" in response.content or b"Tarik" in response.content


def test_a_second_open_interest_is_refused_with_a_link_to_the_first(
    bappeda_kalsel, sahabat_rimba, declared
):
    response = client_for(bappeda_kalsel).post(declare_url(sahabat_rimba), {"note": "Lagi."})
    assert response.status_code == 200
    assert Interest.objects.count() == 1
    assert f"/replication/interest/mine/#interest-{declared.pk}".encode() in response.content
    with pytest.raises(ValidationError):
        interest_services.declare_interest(innovation=sahabat_rimba, by=bappeda_kalsel)


def test_another_province_may_declare_its_own_interest(declared, sahabat_rimba, bappeda_jateng):
    interest_services.declare_interest(innovation=sahabat_rimba, by=bappeda_jateng)
    assert Interest.objects.filter(status=InterestStatus.OPEN).count() == 2


def test_the_prospective_office_must_be_of_the_province(
    bappeda_kalsel, sahabat_rimba, make_institution
):
    dinas_jateng = make_institution("Dinas Sosial Provinsi Jawa Tengah", "33")
    response = client_for(bappeda_kalsel).post(
        declare_url(sahabat_rimba), {"institution": dinas_jateng.name}
    )
    assert response.status_code == 200
    assert not Interest.objects.exists()
    with pytest.raises(ValidationError):
        interest_services.declare_interest(
            innovation=sahabat_rimba, by=bappeda_kalsel, institution=dinas_jateng
        )


def test_only_bappeda_officers_declare(innovator_diy, ministry, forum_admin, sahabat_rimba):
    for user in (innovator_diy, ministry, forum_admin):
        assert client_for(user).post(declare_url(sahabat_rimba)).status_code == 403
        with pytest.raises(PermissionDenied):
            interest_services.declare_interest(innovation=sahabat_rimba, by=user)
    assert not Interest.objects.exists()


def test_a_non_public_innovation_cannot_be_declared(bappeda_kalsel, make_innovation):
    draft = make_innovation("Belum terbit", status="submitted")
    assert client_for(bappeda_kalsel).post(declare_url(draft)).status_code == 404
    with pytest.raises(ValidationError):
        interest_services.declare_interest(innovation=draft, by=bappeda_kalsel)


def test_interest_is_refused_while_the_province_has_an_open_plan(
    make_plan, bappeda_kalsel, sahabat_rimba
):
    plan = make_plan()
    response = client_for(bappeda_kalsel).post(declare_url(sahabat_rimba), {})
    assert response.status_code == 200
    assert f"/replication/plans/{plan.pk}/".encode() in response.content
    assert not Interest.objects.exists()


def test_a_long_note_is_a_form_error_not_a_crash(bappeda_kalsel, sahabat_rimba):
    response = client_for(bappeda_kalsel).post(declare_url(sahabat_rimba), {"note": "x" * 6000})
    assert response.status_code == 200
    assert not Interest.objects.exists()


def test_the_origin_innovators_users_are_told_and_see_the_provinces(
    innovator_diy, declared, sahabat_rimba, make_user, make_institution, anon
):
    told = Notification.objects.get(kind="interest_declared")
    assert told.user == innovator_diy
    assert "Kalimantan Selatan" in told.subject
    assert told.url.endswith("#interest")
    page = client_for(innovator_diy).get(sahabat_rimba.get_absolute_url())
    assert b'id="interest"' in page.content
    assert "Mirip program kami." in page.content.decode()
    # Another institution's innovator sees nothing of it, nor does the public.
    other = make_user("lain", "innovator", institution=make_institution("Dinas Lain", "33"))
    for viewer in (other, anon):
        page = client_for(viewer).get(sahabat_rimba.get_absolute_url())
        assert b'id="interest"' not in page.content
        assert "Mirip program kami." not in page.content.decode()


def test_the_innovators_work_page_counts_the_interest(innovator_diy, declared):
    page = client_for(innovator_diy).get("/work/")
    assert page.context["work"].counts["interest_received"] == 1
    mine = client_for(innovator_diy).get(MINE)
    assert "Kalimantan Selatan" in mine.content.decode()


# Withdrawing ----------------------------------------------------------------------------


def test_an_officer_withdraws_the_provinces_interest(bappeda_kalsel, declared):
    client = client_for(bappeda_kalsel)
    assert "Sahabat Rimba" in client.get(MINE).content.decode()
    assert client.get("/work/").context["work"].counts["interest_open"] == 1
    response = client.post(f"/replication/interest/{declared.pk}/withdraw/")
    assert response.status_code == 302
    declared.refresh_from_db()
    assert declared.status == InterestStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="interest_withdrawn").count() == 1
    # Withdrawn twice: a message, not an error page.
    again = client.post(f"/replication/interest/{declared.pk}/withdraw/", follow=True)
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="interest_withdrawn").count() == 1


def test_another_provinces_officer_cannot_withdraw_it(bappeda_jateng, declared):
    response = client_for(bappeda_jateng).post(f"/replication/interest/{declared.pk}/withdraw/")
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        interest_services.withdraw_interest(interest=declared, by=bappeda_jateng)
    declared.refresh_from_db()
    assert declared.status == InterestStatus.OPEN
    assert "Sahabat Rimba" not in client_for(bappeda_jateng).get(MINE).content.decode()


def test_a_missing_interest_is_a_404(bappeda_kalsel):
    assert (
        client_for(bappeda_kalsel).post("/replication/interest/999999/withdraw/").status_code == 404
    )


# Planned by itself, and open again -------------------------------------------------------


def test_filing_a_plan_marks_the_interest_planned(declared, make_plan):
    plan = make_plan()
    declared.refresh_from_db()
    assert declared.status == InterestStatus.PLANNED
    assert declared.plan == plan
    assert invariants.run() == []


def test_a_forum_outcome_marks_the_interest_planned(declared, ministry, sahabat_rimba):
    starts = timezone.now() - timedelta(days=2)
    session = forums.create_session(
        by=ministry,
        data={
            "title": "FRIPP",
            "level": "regional",
            "host_province": Province.objects.get(code="63"),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
        },
    )
    forums.schedule_session(session=session, by=ministry)
    forums.mark_held(session=session, by=ministry)
    plan = outcomes.record_outcome(session=session, by=ministry, innovation=sahabat_rimba)
    declared.refresh_from_db()
    assert (declared.status, declared.plan) == (InterestStatus.PLANNED, plan)


def test_cancelling_the_plan_opens_the_interest_again(declared, make_plan, bappeda_kalsel):
    plan = make_plan()
    services.cancel_plan(plan=plan, by=bappeda_kalsel, reason="Anggaran dialihkan.")
    declared.refresh_from_db()
    assert declared.status == InterestStatus.OPEN
    assert declared.plan is None
    assert invariants.run() == []


def test_the_interest_follows_another_open_plan_when_one_is_cancelled(
    declared, make_plan, make_institution, bappeda_kalsel
):
    first = make_plan()
    second = make_plan(adopter=make_institution("Dinas Sosial Provinsi Kalimantan Selatan", "63"))
    services.cancel_plan(plan=first, by=bappeda_kalsel, reason="Digabung.")
    declared.refresh_from_db()
    assert (declared.status, declared.plan) == (InterestStatus.PLANNED, second)
    services.cancel_plan(plan=second, by=bappeda_kalsel, reason="Ditunda.")
    declared.refresh_from_db()
    assert declared.status == InterestStatus.OPEN


def test_another_provinces_plan_leaves_the_interest_open(
    declared, bappeda_jateng, sahabat_rimba, make_institution
):
    adopter = make_institution("Dinas LHK Provinsi Jawa Tengah", "33")
    services.file_plan(by=bappeda_jateng, data=plan_data(sahabat_rimba, adopter))
    declared.refresh_from_db()
    assert declared.status == InterestStatus.OPEN


def test_check_data_finds_a_broken_interest(declared, make_plan, bappeda_kalsel, sahabat_rimba):
    Interest.objects.create(
        innovation=sahabat_rimba, province=declared.province, status="withdrawn"
    )
    plan = make_plan()
    Interest.objects.filter(pk=declared.pk).update(status="planned", plan=plan)
    Interest.objects.create(innovation=sahabat_rimba, province=declared.province)
    plan.status = "cancelled"
    plan.save(update_fields=["status"])
    promises = {violation.promise for violation in invariants.run()}
    assert (
        "A planned interest has a plan of its province and innovation that is not cancelled"
        in promises
    )


# The demand view ---------------------------------------------------------------------------


def test_the_demand_view_is_for_the_ministry_and_forum_admins_only(
    declared, anon, innovator_diy, bappeda_kalsel, ministry, forum_admin
):
    assert client_for(anon).get(DEMAND).status_code == 302
    assert client_for(innovator_diy).get(DEMAND).status_code == 403
    assert client_for(bappeda_kalsel).get(DEMAND).status_code == 403
    for user in (ministry, forum_admin):
        page = client_for(user).get(DEMAND)
        assert page.status_code == 200
        assert "Kalimantan Selatan" in page.content.decode()
        assert f'value="{declared.innovation_id}-{declared.province_id}"'.encode() in page.content


def test_the_demand_view_filters_by_sector_hub_and_age(
    declared, bappeda_bali, make_innovation, forum_admin
):
    omspan = make_innovation("Omspan", category="keuangan-anggaran")
    with time_machine.travel(timezone.now() - timedelta(days=100)):
        interest_services.declare_interest(innovation=omspan, by=bappeda_bali)
    client = client_for(forum_admin)

    def shown(query: str) -> set[str]:
        page = client.get(DEMAND + query)
        assert page.status_code == 200
        return {row["innovation"].title for row in page.context["rows"]}

    assert shown("") == {"Menggapai Mimpi Sahabat Rimba", "Omspan"}
    assert shown("?sector=keuangan-anggaran") == {"Omspan"}
    assert shown("?age=90") == {"Omspan"}
    assert shown("?age=180") == set()
    assert shown("?province=51") == {"Omspan"}
    assert shown("?province=51&age=180") == set()
    Province.objects.filter(code="63").update(hub_since=None)
    Province.objects.filter(code="51").update(hub_since=2021)
    assert shown("?hub=on") == {"Omspan"}
    # Nonsense is ignored, never an error.
    assert shown("?age=7&sector=%00&page=-3") == {
        "Menggapai Mimpi Sahabat Rimba",
        "Omspan",
    }


def test_the_demand_view_writes_each_province_with_its_day_hub_and_box(
    declared, bappeda_bali, make_innovation, forum_admin
):
    """The boxes are written by the view (interest_views.CHOICE): the day as date_format
    writes it, the hub badge, names escaped, and the ticked boxes still ticked when the
    draft could not be made."""
    omspan = make_innovation("Omspan")
    Province.objects.filter(code="51").update(name="Bali <Dewata>", hub_since=2021)
    with time_machine.travel(datetime(2026, 3, 5, 20, tzinfo=UTC)):  # 6 March in Jakarta
        bali = interest_services.declare_interest(innovation=omspan, by=bappeda_bali)
    client = client_for(forum_admin)
    html = client.get(DEMAND).content.decode()
    day = formats.date_format(date(2026, 3, 6), "j F Y")
    assert day == "6 Maret 2026"
    assert 'Bali &lt;Dewata&gt; <span class="badge text-bg-light border">hub</span>' in html
    assert f"· sejak {day}</span>" in html  # declared without an institution
    assert f'id="pair-{pair(bali)}" value="{pair(bali)}">' in html
    assert f'value="{pair(declared)}">' in html
    _, _, rows = demand_groups(QueryDict(""), {pair(declared)})
    boxes = "".join(row["choices"] for row in rows)
    assert f'value="{pair(declared)}" checked>' in boxes
    assert f'value="{pair(bali)}">' in boxes
    client.cookies["django_language"] = "en"
    assert "· since 6 March 2026</span>" in client.get(DEMAND).content.decode()


def test_the_demand_view_reads_in_a_constant_number_of_queries(
    forum_admin, bappeda_kalsel, make_innovation, make_user
):
    codes = ["11", "12", "13", "14", "15", "16"]
    officers = [bappeda_kalsel] + [
        make_user(f"petugas{code}", "bappeda", province_code=code) for code in codes
    ]
    first = make_innovation("Inovasi Pertama")
    interest_services.declare_interest(innovation=first, by=bappeda_kalsel)
    client = client_for(forum_admin)
    few = queries(client, DEMAND)
    for n in range(6):
        innovation = make_innovation(f"Inovasi {n}", category="pendidikan")
        for officer in officers:
            interest_services.declare_interest(innovation=innovation, by=officer)
    assert queries(client, DEMAND) == few
    assert queries(client, DEMAND + "?hub=on&age=30&sector=pendidikan") <= few + 1


def test_the_demand_view_pages_by_a_cursor_and_caps_its_count(
    declared, bappeda_bali, bappeda_jateng, make_innovation, forum_admin, monkeypatch
):
    monkeypatch.setattr("replication.interest_views.PER_PAGE", 2)
    monkeypatch.setattr("replication.interest_demand.COUNT_CAP", 2)
    # Sahabat Rimba (Kalimantan Selatan, now) has one interest; Omspan two, Lapor one older.
    omspan, lapor = make_innovation("Omspan"), make_innovation("Lapor")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        interest_services.declare_interest(innovation=lapor, by=bappeda_bali)
    for officer in (bappeda_bali, bappeda_jateng):
        interest_services.declare_interest(innovation=omspan, by=officer)
    client = client_for(forum_admin)
    first = client.get(DEMAND)
    assert [row["innovation"].title for row in first.context["rows"]] == ["Omspan", "Lapor"]
    assert [row["count"] for row in first.context["rows"]] == [2, 1]
    assert first.context["page"].count_capped
    assert "Lebih dari 2 inovasi dengan minat terbuka" in first.content.decode()
    cursor = first.context["page"].next_cursor
    assert f"?cursor={cursor}".encode() in first.content
    second = client.get(DEMAND, {"cursor": cursor})
    assert [row["innovation"].title for row in second.context["rows"]] == [
        "Menggapai Mimpi Sahabat Rimba"
    ]
    assert second.context["page"].next_cursor is None
    assert b'href="?"' in second.content or b'href="/replication/interest/"' in second.content
    # A cursor that is not ours is the first page.
    assert client.get(DEMAND, {"cursor": "bm9uc2Vuc2U"}).context["rows"] == first.context["rows"]


def test_the_province_list_reads_in_a_constant_number_of_queries(bappeda_kalsel, make_innovation):
    interest_services.declare_interest(innovation=make_innovation("A"), by=bappeda_kalsel)
    client = client_for(bappeda_kalsel)
    few = queries(client, MINE)
    for n in range(8):
        interest_services.declare_interest(innovation=make_innovation(f"B{n}"), by=bappeda_kalsel)
    assert queries(client, MINE) == few


# A draft forum from the demand ---------------------------------------------------------------


def pair(interest: Interest) -> str:
    return f"{interest.innovation_id}-{interest.province_id}"


def test_one_province_makes_a_regional_draft_it_hosts(
    declared, forum_admin, bappeda_kalsel, innovator_diy
):
    response = client_for(forum_admin).post(DEMAND, {"pair": [pair(declared)]}, follow=True)
    session = ForumSession.objects.get()
    assert response.redirect_chain[-1][0] == f"/forums/{session.pk}/manage/"
    assert (session.status, session.level) == ("draft", "regional")
    assert session.host_province.code == "63"
    assert [p.innovation_id for p in session.presentations.all()] == [declared.innovation_id]
    guests = set(session.participants.values_list("institution__name", flat=True))
    assert "Bappeda Provinsi Kalimantan Selatan" in guests
    assert innovator_diy.institution.name in guests  # the presenter
    assert session.starts_at > timezone.now() + timedelta(days=20)
    # A draft: nobody is invited until it is scheduled.
    assert not Notification.objects.filter(kind__startswith="forum").exists()
    assert Participant.objects.filter(session=session, invited_at__isnull=False).count() == 0
    message = " ".join(str(m) for m in response.context["messages"])
    assert "Kalimantan Selatan" in message


def test_several_provinces_make_a_national_draft(
    declared, bappeda_bali, sahabat_rimba, make_innovation, forum_admin
):
    omspan = make_innovation("Omspan")
    bali = interest_services.declare_interest(innovation=omspan, by=bappeda_bali)
    bali_too = interest_services.declare_interest(innovation=sahabat_rimba, by=bappeda_bali)
    drafted = interest_forum.draft_forum_from_interest(
        by=forum_admin, interests=[declared, bali, bali_too]
    )
    session = drafted.session
    assert (session.level, session.host_province) == ("national", None)
    assert {p.innovation.title for p in session.presentations.select_related("innovation")} == {
        "Menggapai Mimpi Sahabat Rimba",
        "Omspan",
    }
    guests = set(session.participants.values_list("institution__name", flat=True))
    assert {"Bappeda Provinsi Kalimantan Selatan", "Bappeda Provinsi Bali"} <= guests
    # Then the forums' own flow: scheduling invites them.
    forums.schedule_session(session=session, by=forum_admin)
    assert Notification.objects.filter(user__username="made").exists()


def test_a_province_without_officers_is_named_in_the_message(
    forum_admin, make_innovation, bappeda_kalsel, sahabat_rimba
):
    interest = Interest.objects.create(
        innovation=sahabat_rimba, province=Province.objects.get(code="81")
    )
    drafted = interest_forum.draft_forum_from_interest(by=forum_admin, interests=[interest])
    assert drafted.without_officer == ["Maluku"]
    assert drafted.session.host_province.code == "81"


def test_a_second_regional_draft_for_the_same_host_takes_another_day(declared, forum_admin):
    first = interest_forum.draft_forum_from_interest(by=forum_admin, interests=[declared])
    second = interest_forum.draft_forum_from_interest(by=forum_admin, interests=[declared])
    assert first.session.starts_at != second.session.starts_at


@pytest.mark.parametrize(
    "posted",
    [
        {},
        {"pair": "x"},
        {"pair": ["1-2-3"]},
        {"pair": ["999999-63"]},
        {"pair": ["\u0661-\u0662"]},
        {"pair": ["99999999999999999999-1"]},
    ],
)
def test_bad_selections_come_back_with_a_message(declared, forum_admin, posted):
    response = client_for(forum_admin).post(DEMAND, posted)
    assert response.status_code == 200
    assert not ForumSession.objects.exists()
    assert b'id="form-errors"' in response.content


def test_withdrawn_or_planned_interest_cannot_be_drafted(declared, forum_admin, bappeda_kalsel):
    interest_services.withdraw_interest(interest=declared, by=bappeda_kalsel)
    response = client_for(forum_admin).post(DEMAND, {"pair": [pair(declared)]})
    assert response.status_code == 200
    assert not ForumSession.objects.exists()


def test_only_forum_staff_draft_from_the_demand(declared, bappeda_kalsel, innovator_diy):
    for user in (bappeda_kalsel, innovator_diy):
        assert client_for(user).post(DEMAND, {"pair": [pair(declared)]}).status_code == 403
        with pytest.raises(PermissionDenied):
            interest_forum.draft_forum_from_interest(by=user, interests=[declared])
    assert not ForumSession.objects.exists()


# Dashboards --------------------------------------------------------------------------------


def test_the_dashboards_count_open_interest(declared, ministry, bappeda_kalsel, bappeda_jateng):
    national = client_for(ministry).get("/dashboard/").content.decode()
    assert 'id="interest-figures-heading"' in national
    assert "Menggapai Mimpi Sahabat Rimba" in national
    own = client_for(bappeda_kalsel).get("/dashboard/").content.decode()
    assert "Menggapai Mimpi Sahabat Rimba" in own
    other = client_for(bappeda_jateng).get("/dashboard/").content.decode()
    assert "Menggapai Mimpi Sahabat Rimba" not in other.split('id="interest-figures-heading"')[1]


# The demo story ------------------------------------------------------------------------------


def test_the_demo_has_open_and_planned_interest_and_a_forum_drafted_from_it(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    open_from = set(Interest.objects.filter(status="open").values_list("province__name", flat=True))
    assert {"Bali", "Jawa Timur", "Sumatera Barat"} <= open_from
    planned = Interest.objects.filter(status="planned").select_related("plan")
    assert planned.count() == 2
    assert all(row.plan.province_id == row.province_id for row in planned)
    draft = ForumSession.objects.get(status="draft", host_province__code="35")
    assert draft.presentations.count() == 2
    assert draft.participants.filter(institution__name="Bappeda Provinsi Jawa Timur").exists()
    assert Notification.objects.filter(
        kind="interest_declared", user__username="inovator.diy"
    ).exists()
    assert invariants.run() == []
    before = (Interest.objects.count(), ForumSession.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Interest.objects.count(), ForumSession.objects.count()) == before


def test_generated_interest_keeps_every_promise(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("generate_data", "--innovations", "40", stdout=StringIO())
    call_command("generate_data", "--interest", "300", stdout=StringIO())
    assert Interest.objects.filter(status="open").count() > 200
    assert invariants.run() == []


def test_an_id_out_of_range_is_a_404(bappeda_kalsel):
    url = "/replication/interest/99999999999999999999/withdraw/"
    assert client_for(bappeda_kalsel).post(url).status_code == 404
