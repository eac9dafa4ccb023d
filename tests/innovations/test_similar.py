"""Similar innovations, and "provinces that replicate this also replicate", on its page."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from innovations import services, similarity
from innovations.models import Innovation
from jipp.models import Province
from replication import services as replication_services
from replication.models import Indicator, ReplicationPlan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FOREST = "lingkungan-hidup-kehutanan"


def stored(innovation: Innovation) -> list[int]:
    return list(Innovation.objects.values_list("similar_ids", flat=True).get(pk=innovation.pk))


def similar_titles(innovation: Innovation) -> list[str]:
    found = {i.pk: i.title for i in Innovation.objects.all()}
    return [found[pk] for pk in similarity.compute_similar(innovation.pk)]


@pytest.fixture
def forest(make_innovation):
    """An innovation about forest patrols, and others more or less like it."""

    def make(title: str, category: str = FOREST, sdgs: tuple[int, ...] = (15, 13), **fields):
        return make_innovation(title, category=category, sdgs=sdgs, **fields)

    return make


# What is similar --------------------------------------------------------------------------


def test_it_is_never_itself_nor_an_innovation_the_public_cannot_see(forest):
    base = forest("Patroli Hutan Desa")
    twin = forest("Patroli Hutan Desa Lestari")
    for status in ("draft", "submitted", "changes_requested", "rejected", "archived"):
        forest(f"Patroli Hutan Desa {status}", status=status)
    assert similar_titles(base) == [twin.title]
    assert similar_titles(twin) == [base.title]


def test_an_innovation_the_public_cannot_see_has_none(forest):
    forest("Patroli Hutan Desa")
    hidden = forest("Patroli Hutan Rakyat", status="submitted")
    assert similarity.compute_similar(hidden.pk) == []
    assert similarity.compute_similar(999_999) == []


def test_shared_words_sector_and_sdgs_each_rank_higher(forest):
    base = forest("Patroli Hutan Desa", sdgs=(15, 13))
    words_sector_sdgs = forest("Patroli Hutan Rakyat", sdgs=(15, 13))
    words_sector = forest("Patroli Hutan Sekolah", sdgs=(6,))
    words_only = forest("Patroli Hutan Kota", category="kesehatan", sdgs=(3,))
    sector_sdgs_only = forest("Bank Sampah Warga", sdgs=(15, 13))
    forest("Klinik Gizi Anak", category="kesehatan", sdgs=(3,))  # nothing in common
    assert similar_titles(base) == [
        words_sector_sdgs.title,
        words_sector.title,
        words_only.title,
        sector_sdgs_only.title,
    ]


def test_more_shared_words_rank_higher(forest):
    base = forest("Sekolah Lapang Patroli Hutan")
    one = forest("Sekolah Rakyat Kota")
    three = forest("Sekolah Lapang Patroli Mangrove")
    assert similar_titles(base) == [three.title, one.title]


def test_one_common_word_ranks_below_the_same_sector_and_sdgs_and_alone_is_not_enough(forest):
    base = forest("Layanan Patroli Hutan", sdgs=(15, 13))
    word_and_sdg = forest("Layanan Gizi Anak", category="kesehatan", sdgs=(15,))
    forest("Layanan Klinik Ibu", category="kesehatan", sdgs=(3,))  # one word, nothing else
    alike = forest("Bank Sampah Warga", sdgs=(15, 13))
    assert similar_titles(base) == [alike.title, word_and_sdg.title]


def test_at_most_five_are_kept(forest):
    base = forest("Patroli Hutan Desa")
    for n in range(8):
        forest(f"Patroli Hutan Desa {n}")
    assert len(similarity.compute_similar(base.pk)) == similarity.SIMILAR_COUNT


def test_a_title_without_words_still_finds_the_same_sector_and_sdgs(forest):
    base = forest("---")
    alike = forest("Bank Sampah Warga")
    forest("Klinik Gizi Anak", category="kesehatan", sdgs=(3,))
    assert similar_titles(base) == [alike.title]


# Stored, and when ---------------------------------------------------------------------------


def test_the_command_stores_them_for_every_approved_innovation(forest):
    base = forest("Patroli Hutan Desa")
    other = forest("Patroli Hutan Rakyat")
    hidden = forest("Patroli Hutan Kota", status="submitted")
    call_command("refresh_similar", batch_size=1, verbosity=0)
    assert (stored(base), stored(other), stored(hidden)) == ([other.pk], [base.pk], [])
    Innovation.objects.filter(pk=base.pk).update(similar_ids=[])
    call_command("refresh_similar", missing=True, verbosity=0)
    assert stored(base) == [other.pk]


def test_the_demo_step_fills_only_the_missing_lists(forest):
    base = forest("Patroli Hutan Desa")
    forest("Patroli Hutan Rakyat")
    assert similarity.seed() == ["similar innovations of 2 innovations"]
    assert similarity.seed() == []
    assert stored(base)


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The innovations whose refresh was queued (the real queue is tested with a worker)."""
    ids: list[int] = []
    monkeypatch.setattr(similarity, "_queue", ids.append)
    return ids


def test_an_approval_an_approved_update_and_an_archiving_queue_a_refresh(
    forest, ministry, innovator_diy, queued, django_capture_on_commit_callbacks
):
    from innovations.models import InnovationRevision
    from innovations.workflow import innovation_data

    submitted = forest("Patroli Hutan Desa", status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(innovation=submitted, by=ministry, decision="approve", note="")
    assert queued == [submitted.pk]
    revision = InnovationRevision.objects.create(
        innovation=submitted,
        data={**innovation_data(submitted), "title": "Patroli Hutan Adat"},
        status="submitted",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(innovation=submitted, by=ministry, decision="approve", note="")
    revision.refresh_from_db()
    assert revision.status == "approved" and queued == [submitted.pk] * 2
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(innovation=submitted, by=ministry, decision="archive", note="Usang.")
    assert queued == [submitted.pk] * 3


def test_a_rejection_queues_nothing(forest, ministry, queued, django_capture_on_commit_callbacks):
    submitted = forest("Patroli Hutan Desa", status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(innovation=submitted, by=ministry, decision="reject", note="Tidak lengkap.")
    assert queued == []


def test_a_refresh_reaches_the_neighbours_and_those_that_listed_it(forest):
    old = forest("Patroli Hutan Desa")
    Innovation.objects.filter(pk=old.pk).update(similar_ids=[])
    new = forest("Patroli Hutan Rakyat")
    gone = forest("Patroli Hutan Kota")
    Innovation.objects.filter(pk=new.pk).update(similar_ids=[gone.pk])
    Innovation.objects.filter(pk=gone.pk).update(status="archived")
    assert similarity.refresh_around(gone.pk) == [new.pk]
    assert stored(new) == [old.pk] and stored(gone) == []
    assert similarity.refresh_around(new.pk) == [old.pk]
    assert stored(old) == [new.pk]


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_approval_stores_them_through_a_real_worker(forest, ministry, celery_worker):
    older = forest("Patroli Hutan Desa")
    submitted = forest("Patroli Hutan Rakyat", status="submitted")
    with transaction.atomic():
        services.decide(innovation=submitted, by=ministry, decision="approve", note="")
    assert wait_for(lambda: stored(submitted) == [older.pk])
    # The older one now lists the newcomer too.
    assert wait_for(lambda: stored(older) == [submitted.pk])


@pytest.mark.django_db(transaction=True)
def test_approving_and_cancelling_a_plan_refresh_the_lists_through_a_real_worker(
    forest, bappeda_kalsel, ministry, celery_worker
):
    this, other = forest("Patroli Hutan Desa"), forest("Bank Sampah Warga")
    plan(this, "63", "approved", bappeda_kalsel)
    waiting = plan(other, "63", "submitted", bappeda_kalsel)
    Indicator.objects.create(
        plan=waiting,
        name="Indeks Kepuasan Masyarakat",
        unit="indeks",
        baseline=70,
        baseline_date=date(2024, 12, 1),
        target=80,
    )

    def also_of(innovation: Innovation) -> list[list[int]]:
        return Innovation.objects.get(pk=innovation.pk).also_replicated

    replication_services.approve_plan(plan=waiting, by=ministry)
    assert wait_for(lambda: also_of(this) == [[other.pk, 1]])
    assert also_of(other) == [[this.pk, 1]]
    replication_services.cancel_plan(plan=waiting, by=ministry, reason="Anggaran dialihkan.")
    assert wait_for(lambda: also_of(this) == [])


# The page ------------------------------------------------------------------------------------


def test_the_page_shows_the_stored_ones_still_public_in_the_stored_order(
    client, forest, django_assert_num_queries
):
    base = forest("Patroli Hutan Desa")
    first, second = forest("Bank Sampah Warga"), forest("Patroli Hutan Rakyat")
    archived = forest("Patroli Hutan Kota", status="archived")
    Innovation.objects.filter(pk=base.pk).update(
        similar_ids=[second.pk, archived.pk, base.pk, first.pk, 999_999]
    )
    base.refresh_from_db()
    with django_assert_num_queries(1):
        assert [i.title for i in base.similar()] == [second.title, first.title]
    page = client.get(base.get_absolute_url()).content.decode()
    assert page.index(second.title) < page.index(first.title)
    assert archived.title not in page and 'id="similar-heading"' in page


def test_without_any_the_section_is_left_out(client, forest):
    base = forest("Patroli Hutan Desa")
    page = client.get(base.get_absolute_url()).content.decode()
    assert 'id="similar-heading"' not in page and 'id="also-heading"' not in page


def plan(innovation: Innovation, code: str, status: str, user) -> ReplicationPlan:
    return ReplicationPlan.objects.create(
        innovation=innovation,
        province=Province.objects.get(code=code),
        start_date=date(2025, 1, 1),
        target_end_date=date(2025, 12, 31),
        budget_source="apbd",
        status=status,
        filed_by=user,
    )


def test_provinces_that_replicate_it_also_replicate_from_public_plans_only(
    forest, bappeda_kalsel, django_assert_num_queries
):
    this = forest("Patroli Hutan Desa")
    both, one, drafted, hidden = (
        forest("Bank Sampah Warga"),
        forest("Klinik Gizi Anak"),
        forest("Sekolah Lapang"),
        forest("Arsip Digital", status="archived"),
    )
    elsewhere = forest("Pasar Online")
    for code in ("63", "33"):  # Kalimantan Selatan, Jawa Tengah replicate this
        plan(this, code, "approved", bappeda_kalsel)
        plan(both, code, "completed" if code == "63" else "approved", bappeda_kalsel)
    plan(this, "51", "submitted", bappeda_kalsel)  # Bali only filed: not one of them
    plan(elsewhere, "51", "approved", bappeda_kalsel)
    plan(one, "63", "approved", bappeda_kalsel)
    plan(drafted, "33", "draft", bappeda_kalsel)
    plan(drafted, "63", "cancelled", bappeda_kalsel)
    plan(hidden, "63", "approved", bappeda_kalsel)
    assert similarity.refresh_also_replicated([this.pk]) == 1
    this.refresh_from_db()
    with django_assert_num_queries(1):  # the stored list, read: the page never counts plans
        also = similarity.also_replicated(this)
    assert [(i.title, i.province_count) for i in also] == [(both.title, 2), (one.title, 1)]


def test_nothing_also_replicated_costs_no_query(forest, django_assert_num_queries):
    this = forest("Patroli Hutan Desa")
    similarity.refresh_also_replicated([this.pk])
    this.refresh_from_db()
    with django_assert_num_queries(0):
        assert similarity.also_replicated(this) == []


def test_both_lists_of_the_page_are_read_in_one_query(
    forest, bappeda_kalsel, django_assert_num_queries
):
    this, alike, both = forest("Patroli Hutan Desa"), forest("Patroli Hutan"), forest("Bank Sampah")
    plan(this, "63", "approved", bappeda_kalsel)
    plan(both, "63", "approved", bappeda_kalsel)
    Innovation.objects.filter(pk=this.pk).update(similar_ids=[alike.pk, both.pk])
    similarity.refresh_also_replicated([this.pk])
    this.refresh_from_db()
    with django_assert_num_queries(1):
        similar, also = similarity.neighbours(this)
    assert [i.title for i in similar] == [alike.title, both.title]  # in the stored order
    assert [(i.title, i.province_count) for i in also] == [(both.title, 1)]


def test_the_page_lists_what_they_also_replicate(client, forest, bappeda_kalsel):
    this, other = forest("Patroli Hutan Desa"), forest("Bank Sampah Warga")
    plan(this, "63", "approved", bappeda_kalsel)
    plan(other, "63", "completed", bappeda_kalsel)
    similarity.refresh_also_replicated([this.pk])
    page = client.get(this.get_absolute_url()).content.decode()
    assert 'id="also-heading"' in page and other.get_absolute_url() in page


def test_the_page_reads_them_in_a_constant_number_of_queries(
    forest, bappeda_kalsel, django_assert_max_num_queries
):
    def page_queries(count: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        base = forest(f"Patroli Hutan Desa {count}")
        others = [forest(f"Patroli Hutan Rakyat {count}-{n}") for n in range(count)]
        Innovation.objects.filter(pk=base.pk).update(similar_ids=[o.pk for o in others])
        plan(base, "63", "approved", bappeda_kalsel)
        for other in others:
            plan(other, "63", "approved", bappeda_kalsel)
        client = client_for(bappeda_kalsel)
        client.get(base.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base.get_absolute_url()).status_code == 200
        return len(queries)

    assert page_queries(1) == page_queries(5)


def test_the_demo_story_has_its_similar_innovations(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    approved = Innovation.objects.public()
    public_ids = set(approved.values_list("pk", flat=True))
    for innovation in approved:
        assert innovation.pk not in innovation.similar_ids
        assert set(innovation.similar_ids) <= public_ids
    emas = approved.get(slug="mencerdaskan-si-miskin-menjadi-generasi-emas")
    jiwa = approved.get(slug="si-terpa-daya-jiwa")
    assert emas.similar_ids == [jiwa.pk]  # "Si" in both titles, and SDG 10
    page = client.get(emas.get_absolute_url()).content.decode()
    assert 'id="similar-heading"' in page and jiwa.get_absolute_url() in page
    # The forest patrol waiting for review joins Sahabat Rimba's list once approved.
    rimba = approved.get(slug="menggapai-mimpi-sahabat-rimba")
    assert rimba.similar_ids == []
    patrol = Innovation.objects.get(slug="si-jaga-hutan")
    Innovation.objects.filter(pk=patrol.pk).update(status="approved", approved_at=rimba.approved_at)
    similarity.refresh_around(patrol.pk)
    assert stored(rimba)[0] == patrol.pk
