"""gunicorn for the benchmark: production settings (DEBUG off) on a free local port."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "var" / "bench" / "gunicorn.log"


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def server_env(database: str, port: int) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "false",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        # One client sends thousands of requests a second here: lift the public limits.
        "API_ANON_RATE": "1000000/min",
        "EXPORT_RATE_ANONYMOUS": "1000000/m",
    }


def status(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


def launch(env: dict[str, str], port: int, workers: int = 2) -> subprocess.Popen[bytes]:
    LOG.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gunicorn", "jipp.wsgi", "--workers", str(workers)]
    command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    with LOG.open("wb") as log:
        # Its own session: Ctrl-C reaches only us, and we stop it (stop_server).
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_ready(server: subprocess.Popen[bytes], port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}); see {LOG}")
        try:
            if status(port, path) < 500:
                say(f"gunicorn answers at http://127.0.0.1:{port} (log: {LOG})")
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {LOG}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own group: the master and workers
            server.wait()
    say("gunicorn stopped")
