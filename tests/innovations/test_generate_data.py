"""`manage.py generate_data`: synthetic approved innovations for scale tests and benchmarks."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from innovations.models import RESERVED_SLUGS, SEARCH_CONFIG, Innovation, InnovationStatus
from innovations.synthetic import BROAD_WORD, SELECTIVE_WORD
from innovations.synthetic_institutions import SLUG_PREFIX, institution_specs
from innovations.synthetic_text import (
    ADJS,
    NOUNS,
    PROBLEM,
    REQUIREMENTS,
    RESULTS,
    SECTORS,
    SOLUTION,
    VERBS,
)
from jipp.models import Institution, InstitutionKind, Province

pytestmark = pytest.mark.django_db


def generate(count: int, **options: object) -> str:
    out = io.StringIO()
    call_command("generate_data", innovations=count, stdout=out, **options)
    return out.getvalue()


def matching(word: str, field: str = "search_vector") -> int:
    query = SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")
    return Innovation.objects.filter(**{field: query}).count()


def test_generates_approved_searchable_innovations(settings):
    settings.DEBUG = True
    output = generate(300, batch_size=120)

    assert "innovations: 300/300" in output
    innovations = Innovation.objects.all()
    assert innovations.count() == 300
    assert not innovations.exclude(status=InnovationStatus.APPROVED).exists()
    assert not innovations.filter(search_vector__isnull=True).exists()
    sdg_counts = set(innovations.annotate(n=Count("sdgs")).values_list("n", flat=True))
    assert sdg_counts <= {1, 2, 3} and len(sdg_counts) > 1
    # Origin is the innovator's province: every one a real province, central bodies none.
    assert (
        not innovations.exclude(province_id=F("innovator__province_id"))
        .exclude(province__isnull=True, innovator__province__isnull=True)
        .exists()
    )
    province_ids = set(Province.objects.values_list("id", flat=True))
    assert set(innovations.exclude(province=None).values_list("province", flat=True)) <= (
        province_ids
    )
    assert not innovations.filter(slug__in=RESERVED_SLUGS).exists()
    assert not innovations.exclude(launched_year__range=(2014, 2025)).exists()
    now = timezone.now()
    assert not innovations.exclude(approved_at__range=(now - timedelta(days=8 * 366), now)).exists()
    assert innovations.exclude(kipp_recognition="none").count() < 300 * 0.25

    broad = matching(BROAD_WORD)
    assert 0.14 * 300 <= broad <= 0.26 * 300, broad
    assert matching(BROAD_WORD, "title_vector") >= 3  # at least 1% of titles
    assert matching(SELECTIVE_WORD) <= 0.02 * 300


def test_institutions_of_every_level(settings):
    settings.DEBUG = True
    generate(300)

    made = Institution.objects.filter(slug__startswith=SLUG_PREFIX)
    assert made.count() >= 50
    # Every level, even in a small run: central bodies have no province.
    assert set(made.values_list("kind", flat=True)) >= {
        "ministry", "agency", "soe", "province_gov", "regency_gov", "city_gov", "regional_soe",
    }  # fmt: skip
    assert not made.filter(kind__in=["ministry", "agency", "soe"]).exclude(province=None)
    assert not made.exclude(kind__in=["ministry", "agency", "soe"]).filter(province=None)
    assert made.filter(kind=InstitutionKind.PROVINCE_GOV, parent=None).count() >= 38
    assert made.filter(kind=InstitutionKind.CITY_GOV).exclude(parent=None).exists()
    # Offices (OPD) belong to a government of their own province.
    assert not made.exclude(parent=None).exclude(parent__province=F("province")).exists()
    assert Innovation.objects.values("innovator").distinct().count() > 30


def test_every_kind_of_institution_can_be_made():
    specs = institution_specs(dict(Province.objects.values_list("code", "name")), seed=2020)
    assert len({spec.slug for spec in specs}) == len(specs)
    assert {spec.kind for spec in specs} >= {
        "ministry", "agency", "soe", "province_gov", "regency_gov", "city_gov", "regional_soe",
    }  # fmt: skip
    assert {spec.code for spec in specs} >= set(Province.objects.values_list("code", flat=True))


def test_running_twice_adds_rows(settings):
    settings.DEBUG = True
    generate(300)
    institutions = Institution.objects.count()
    generate(300)

    assert Innovation.objects.count() == 600
    assert Innovation.objects.values("slug").distinct().count() == 600
    assert Institution.objects.count() >= institutions


def test_nothing_to_add(settings):
    settings.DEBUG = True
    assert "Added" not in generate(0)
    assert not Innovation.objects.exists()


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        generate(10)
    assert not Innovation.objects.exists()
    generate(10, force=True)
    assert Innovation.objects.count() == 10


def test_same_seed_same_text(settings):
    settings.DEBUG = True
    generate(20, seed=7)
    first = list(Innovation.objects.order_by("id").values_list("title", "summary"))
    Innovation.objects.all().delete()
    generate(20, seed=7)
    again = list(Innovation.objects.order_by("id").values_list("title", "summary"))
    assert first == again  # same seed, same database: same rows
    generate(20, seed=7)
    assert list(Innovation.objects.order_by("id").values_list("title", "summary"))[20:] != first


def test_no_other_word_shares_the_stems_of_the_benchmark_words():
    words = {*NOUNS, *VERBS, *ADJS}
    for _, _, sector_words in SECTORS.values():
        words.update(sector_words)
    text = " ".join([*words, *PROBLEM, *SOLUTION, *RESULTS, *REQUIREMENTS])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector(%s, %s) @@ (plainto_tsquery(%s, %s) || plainto_tsquery(%s, %s))",
            [SEARCH_CONFIG, text, SEARCH_CONFIG, BROAD_WORD, SEARCH_CONFIG, SELECTIVE_WORD],
        )
        assert cursor.fetchone() == (False,)


def test_counts_are_checked(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError):
        generate(-1)
    assert not Innovation.objects.exists()


def test_generates_kits_that_keep_the_readiness_promise(settings):
    from innovations.invariants import innovator_kind_is_stored_right, kit_readiness_is_stored_right
    from innovations.kit import KitDocument, KitStatus
    from jipp.models import AuditEvent

    settings.DEBUG = True
    out = io.StringIO()
    call_command("generate_data", innovations=300, kits=400, batch_size=100, stdout=out)

    documents = KitDocument.objects.all()
    assert 400 <= documents.count() < 420  # whole kits: the last may overshoot a little
    assert not documents.filter(url="").exists()  # links: a synthetic kit has no files
    assert Innovation.objects.filter(is_kit_complete=True).exists()
    assert kit_readiness_is_stored_right() == []
    # COPY leaves the level of government to the trigger (migration 0014).
    assert innovator_kind_is_stored_right() == []
    assert Innovation.objects.exclude(innovator_kind="").exists()
    for older in documents.filter(status=KitStatus.REPLACED):
        newer = older.newer_versions.get()
        assert (newer.status, newer.kind) == (KitStatus.APPROVED, older.kind)
    added = AuditEvent.objects.filter(action="kit_document_added")
    assert added.count() == documents.count()
    decided = documents.exclude(status=KitStatus.PENDING).count()
    verdicts = AuditEvent.objects.filter(
        action__in=["kit_document_approved", "kit_document_rejected"]
    )
    assert verdicts.count() == decided
    # A second run adds kits to innovations that have none, never a second kit.
    before = dict(documents.values_list("innovation").annotate(n=Count("id")))
    call_command("generate_data", kits=100, stdout=out)
    after = dict(documents.values_list("innovation").annotate(n=Count("id")))
    assert {pk: after[pk] for pk in before} == before
    assert len(after) > len(before)
