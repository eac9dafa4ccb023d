"""The deployment files keep the promises of DESIGN.md section 7.

Read as text: no database, no Docker. The docker-compose.yml checks need PyYAML and
skip without it; the .env.example and Dockerfile checks always run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")

# env("NAME"), env_bool("NAME"), env_int("NAME"), env_list("NAME") and os.environ reads.
ENV_CALL = re.compile(r"""\benv(?:_bool|_int|_list)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
OS_ENVIRON = re.compile(
    r"""os\.(?:environ(?:\.get|\.setdefault)?|getenv)[\[(]\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# NAME=value, also when commented out to show the default.
ENV_EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def variables_read_by(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return set(ENV_CALL.findall(source)) | set(OS_ENVIRON.findall(source))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(part) for part in command]


@pytest.mark.parametrize("settings_file", ["jipp/settings.py", "jipp/devstack.py"])
def test_env_example_lists_every_variable_read(settings_file: str) -> None:
    listed = set(ENV_EXAMPLE_LINE.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    read = variables_read_by(ROOT / settings_file)
    assert read, f"found no environment reads in {settings_file}: is the pattern stale?"
    assert read - listed == set(), f"{settings_file} reads variables .env.example does not list"


def test_settings_reads_are_found() -> None:
    # Guards the pattern itself: these are read by settings.py today.
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "REDIS_URL"} <= (
        variables_read_by(ROOT / "jipp/settings.py")
    )


def test_env_example_leaves_the_secrets_empty() -> None:
    values = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text("utf-8"), re.M)
    )
    assert values["SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    assert values["DEBUG"] == "false"


def test_exactly_one_beat(services: dict[str, dict[str, Any]]) -> None:
    beats = [name for name, svc in services.items() if "beat" in command_of(svc)]
    assert beats == ["beat"]
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) <= 1
    assert "scale" not in beat
    assert "--schedule" in command_of(beat)


def test_worker_runs_no_embedded_beat(services: dict[str, dict[str, Any]]) -> None:
    command = command_of(services["worker"])
    assert command[:4] == ["celery", "-A", "jipp", "worker"]
    assert "-B" not in command
    assert "--beat" not in command


def test_redis_never_evicts_and_persists(services: dict[str, dict[str, Any]]) -> None:
    command = " ".join(command_of(services["redis"]))
    assert "--maxmemory-policy noeviction" in command
    assert "--appendonly yes" in command
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def test_postgres_has_a_healthcheck_and_a_volume(services: dict[str, dict[str, Any]]) -> None:
    postgres = services["postgres"]
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])


def test_migrate_is_one_shot_and_gates_web_and_worker(
    services: dict[str, dict[str, Any]],
) -> None:
    migrate = services["migrate"]
    assert command_of(migrate)[:3] == ["python", "manage.py", "migrate"]
    assert str(migrate["restart"]) == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"


def test_app_services_share_one_image(services: dict[str, dict[str, Any]]) -> None:
    images = {(services[name]["image"], repr(services[name]["build"])) for name in APP_SERVICES}
    assert len(images) == 1
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert all(environment == environments[0] for environment in environments)


def test_app_environment_is_production_safe(services: dict[str, dict[str, Any]]) -> None:
    environment = services["web"]["environment"]
    assert environment["DEBUG"] == "${DEBUG:-false}"
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS:?")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert environment["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_web_and_worker_share_the_media_volume(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name]["volumes"]
    assert "media" in compose["volumes"]


def test_dockerfile_installs_production_dependencies_only() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install -c constraints.txt ." in dockerfile
    assert "[dev]" not in dockerfile
    assert re.search(r"^USER (?!root\b|0\b)\S+", dockerfile, re.M), "the image must not run as root"
    env_blocks = re.findall(r"^ENV (?:.*\\\n)*.*$", dockerfile, re.M)
    assert env_blocks
    assert not any("SECRET_KEY" in block for block in env_blocks), "no secret in the image env"
