"""What operators rely on: /healthz, request ids in responses and logs, deploy checks."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from django.test import Client

from tests.jipp.test_settings import ROOT, production_env

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_answers_ok_when_database_and_redis_answer():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_naming_only_the_part_that_failed(settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unreachable"}
    assert "127.0.0.1" not in response.content.decode()  # no address, no error text


def test_every_response_carries_a_request_id_and_echoes_the_proxy_one():
    assert len(Client().get("/healthz")["X-Request-ID"]) >= 32
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c")
    assert response["X-Request-ID"] == "lb-7f3a9c"


@pytest.mark.parametrize(
    "given",
    [
        "x" * 65,
        "lb 7f3a9c",
        "<script>alert(1)</script>",
        "id\r\nSet-Cookie: a=b",
        "${jndi:ldap://x/a}",
        "-leading-dash",
        "é-unicode",
        "",
    ],
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(given):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=given)
    kept = response["X-Request-ID"]
    assert kept != given and len(kept) == 32 and kept.isalnum()


@pytest.mark.parametrize(
    "given", ["lb-7f3a9c", "5f0c2a9e-1b7d-4c1e-9f3a-0a1b2c3d4e5f", "1-67891233.abc_def:2"]
)
def test_a_request_id_that_looks_like_one_is_kept(given):
    assert Client().get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


def test_log_lines_carry_the_request_id(settings):
    # The id is added by the filter of our console handler: format a record the same way.
    handler = logging.getLogger().handlers[0]
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if handler.filter(record):
                records.append(handler.format(record))

    capture = Capture()
    logging.getLogger("jipp.health").addHandler(capture)
    settings.CELERY_BROKER_URL = DEAD_REDIS
    try:
        Client().get("/healthz", HTTP_X_REQUEST_ID="trace-42")
    finally:
        logging.getLogger("jipp.health").removeHandler(capture)
    assert records and all("[trace-42]" in line for line in records)


def test_json_logs_name_the_request_id():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('jipp.health').warning('database slow')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**production_env(LOG_FORMAT="json"), "DEBUG": "true"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "database slow" and line["level"] == "WARNING"
    assert {"asctime", "name", "request_id"} <= set(line)


def test_deploy_checks_pass_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
