"""Stand-ins for a mail server: the one external party the outbox talks to."""

from __future__ import annotations

import smtplib
import socket
import socketserver
import threading
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    """A mail server that refuses `failures` messages, then accepts (-1: refuses always)."""

    failures = -1
    _lock = threading.Lock()

    def send_messages(self, messages: Any) -> int:
        with self._lock:
            if FailingBackend.failures != 0:
                FailingBackend.failures -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    """A mail server that takes its time, so two senders overlap."""

    def send_messages(self, messages: Any) -> int:
        threading.Event().wait(0.3)
        return super().send_messages(messages)


class SmtpServer:
    """A real SMTP server on a local port, speaking just enough of RFC 5321 for Django's
    SMTP backend, with the answers a real one gives when it refuses.

    `refuse` maps a recipient address to the reply its RCPT TO gets ("550 5.1.1 No such
    user" is permanent, "451 4.3.0 Try again later" transient); `reject_data` answers the
    message itself. Accepted messages are kept in `messages` (raw bytes).
    """

    def __init__(self) -> None:
        self.refuse: dict[str, str] = {}
        self.reject_data = ""
        self.messages: list[bytes] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 fake-smtp ESMTP")
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 fake-smtp")
                    elif verb == "RCPT":
                        address = command.partition(":")[2].strip().strip("<>").lower()
                        self.reply(server.refuse.get(address, "250 2.1.5 OK"))
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk
                        if server.reject_data:
                            self.reply(server.reject_data)
                        else:
                            server.messages.append(data)
                            self.reply("250 2.0.0 Queued")
                    elif verb == "QUIT":
                        self.reply("221 2.0.0 Bye")
                        return
                    else:  # MAIL, RSET, NOOP
                        self.reply("250 2.0.0 OK")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def use_in(self, settings: Any) -> None:
        """Point Django's real SMTP backend at this server (pytest-django's settings)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5


def closed_port() -> int:
    """A local port nothing listens on: connecting there is refused, as with a mail
    server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
