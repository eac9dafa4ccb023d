"""Production settings refuse to start unsafe; development starts with no setup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-" + "9" * 20


def clean_env() -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' harness, never in a deployment.
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "LOG_FORMAT"}
    unset |= {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in unset}


def production_env(**env: str) -> dict[str, str]:
    """What a deployment sets (docker-compose.yml, .env.example), nothing more."""
    return {
        **clean_env(),
        "DJANGO_SETTINGS_MODULE": "jipp.settings",
        "DEBUG": "false",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "jipp.go.id",
        "SITE_URL": "https://jipp.go.id",
        **env,
    }


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = clean_env()
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jipp.settings", "CONN_MAX_AGE": "600", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "jipp.go.id"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "jipp.go.id"}, "SITE_URL"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_and_hosts(env, complaint):
    result = load_settings(DEBUG="false", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_production_redirects_to_https_with_hsts_and_secure_cookies_by_default():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="jipp.go.id",
        SITE_URL="https://jipp.go.id",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True", "True", "600"]


def test_the_tls_redirect_can_be_switched_off_behind_a_proxy():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="jipp.go.id",
        SITE_URL="https://jipp.go.id",
        SECURE_SSL_REDIRECT="false",
    )
    assert result.stdout.split()[:2] == ["False", "0"]


def test_development_starts_with_no_configuration():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "0"]


@pytest.mark.django_db
def test_the_portals_connections_plan_without_parallel_workers_or_jit() -> None:
    """A web request's queries are small: a parallel worker or a JIT compilation costs more
    than the query (jipp.settings, DATABASE_SESSION_OPTIONS)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
