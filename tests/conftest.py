"""Personas, a real Celery worker, and the shared fixtures of every test.

Personas (STYLE.md): anon, innovator_diy, bappeda_kalsel, bappeda_jateng, forum_admin,
ministry. Each is a real user in its real group, made from the migrated provinces.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client
from django.utils.text import slugify
from hypothesis import settings as hypothesis_settings

from jipp.celery import app as celery_app
from jipp.models import Institution, InstitutionKind, Province, Role, User

# Property-based tests: a bounded run everywhere, a longer one on request.
hypothesis_settings.register_profile("default", max_examples=60, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PERSONAS = ["anon", "innovator_diy", "bappeda_kalsel", "bappeda_jateng", "forum_admin", "ministry"]
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The tests' cache is a Redis database of its own (jipp.devstack --test): emptying it
    # leaves the Celery queue alone.
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL:
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Uploads, the demo's evidence, kits and slides go to a folder of this run, not to
    # var/media where `make run` keeps its own. One folder for the whole session: the
    # browser tests seed the demo once and download its files later.
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Hashing strength is Django's business; a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_institution(db: None) -> Callable[..., Institution]:
    def make(
        name: str, province_code: str | None = None, kind: str = "province_gov"
    ) -> Institution:
        province = Province.objects.get(code=province_code) if province_code else None
        institution, _ = Institution.objects.get_or_create(
            name=name,
            province=province,
            defaults={"slug": name.lower().replace(" ", "-")[:200], "kind": kind},
        )
        return institution

    return make


@pytest.fixture
def make_user(db: None, make_institution: Callable[..., Institution]) -> Callable[..., User]:
    def make(
        username: str,
        role: str | None = None,
        *,
        province_code: str | None = None,
        institution: Institution | None = None,
        **fields: object,
    ) -> User:
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.go.id",
            password=PASSWORD,
            province=Province.objects.get(code=province_code) if province_code else None,
            institution=institution,
            **fields,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def make_innovation(db: None, make_institution: Callable[..., Institution]) -> Callable[..., Any]:
    """An innovation with plausible text; approved unless told otherwise."""
    from innovations.models import SDG, Category, Innovation

    counter = iter(range(1, 10_000))

    def make(title: str, *, sdgs: tuple[int, ...] = (3,), **fields: Any) -> Innovation:
        n = next(counter)
        innovator = fields.pop("innovator", None) or make_institution(
            "Dinas Kesehatan Provinsi Kalimantan Selatan", "63"
        )
        values: dict[str, Any] = {
            "slug": f"{slugify(title)[:60]}-{n}",
            "innovator": innovator,
            "province": innovator.province,
            "category": Category.objects.get(slug=fields.pop("category", "kesehatan")),
            "phase": "development",
            "launched_year": 2019,
            "summary": "Ringkasan inovasi untuk warga.",
            "problem": "Masalah yang dihadapi warga.",
            "solution": "Solusi yang diterapkan.",
            "results": "Hasil yang dicapai.",
            "replication_requirements": "Anggaran, regulasi, dan petugas.",
            "status": "approved",
            **fields,
        }
        innovation = Innovation.objects.create(title=title, **values)
        innovation.sdgs.set(SDG.objects.filter(number__in=sdgs))
        return innovation

    return make


@pytest.fixture
def kemenpanrb(make_institution: Callable[..., Institution]) -> Institution:
    return make_institution("KemenPANRB", kind=InstitutionKind.MINISTRY)


@pytest.fixture
def anon() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def ministry(make_user: Callable[..., User], kemenpanrb: Institution) -> User:
    return make_user("ratna", Role.MINISTRY, institution=kemenpanrb, first_name="Ratna")


@pytest.fixture
def forum_admin(make_user: Callable[..., User], kemenpanrb: Institution) -> User:
    return make_user("dimas", Role.FORUM_ADMIN, institution=kemenpanrb)


@pytest.fixture
def bappeda_kalsel(
    make_user: Callable[..., User], make_institution: Callable[..., Institution]
) -> User:
    office = make_institution("Bappeda Provinsi Kalimantan Selatan", "63")
    return make_user("ahmad", Role.BAPPEDA, province_code="63", institution=office)


@pytest.fixture
def bappeda_jateng(
    make_user: Callable[..., User], make_institution: Callable[..., Institution]
) -> User:
    office = make_institution("Bappeda Provinsi Jawa Tengah", "33")
    return make_user("sri", Role.BAPPEDA, province_code="33", institution=office)


@pytest.fixture
def innovator_diy(
    make_user: Callable[..., User], make_institution: Callable[..., Institution]
) -> User:
    unit = make_institution("Balai KPH Yogyakarta", "34")
    return make_user("wahyu", Role.INNOVATOR, institution=unit)


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Callable[[str], User | AnonymousUser]:
    """Look a persona up by name, for tests parametrized over PERSONAS."""
    return lambda name: request.getfixturevalue(name)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[[], Any]:
    """`with committed(): client.post(...)` runs what the request queued for after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def indicator_rows(count: int = 1, **changes: Any) -> list[dict[str, Any]]:
    """Indicators for services.file_plan / update_plan (submitting needs at least one)."""
    from datetime import date, timedelta
    from decimal import Decimal

    first = {
        "name": "Indeks Kepuasan Masyarakat (SKM)",
        "unit": "indeks",
        "direction": "increase",
        "baseline": Decimal("72.5"),
        "baseline_date": date.today() - timedelta(days=60),
        "target": Decimal("85"),
        "sdg_target": "16.6",
        "source": "Survei SKM semesteran",
    }
    rows = [{**first, **changes}]
    for number in range(2, count + 1):
        rows.append({**first, "name": f"Indikator {number}", "unit": "%", "sdg_target": ""})
    return rows


def client_for(user: User | AnonymousUser) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    """A real Celery worker on the real Redis, in a thread of this process.

    Needs committed data, hence transactional_db. Tasks reach it through the broker
    exactly as in production; nothing runs eagerly.
    """
    celery_app.control.purge()  # leftovers of an earlier, interrupted run
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
    ) as worker:
        yield worker


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests flush the database; give them back the migrated reference data.

    Provinces and roles come from data migrations, so every test that commits
    (a real worker, a live server, threads) restores them by serialized rollback.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        names = getattr(item, "fixturenames", [])
        if marker and marker.kwargs.get("transaction"):
            item.add_marker(
                pytest.mark.django_db(
                    *marker.args, **{**marker.kwargs, "serialized_rollback": True}
                ),
                append=False,
            )
        elif {"live_server", "transactional_db"} & set(names):
            names.append("django_db_serialized_rollback")
