"""Stand-ins for a mail server: the one external party the outbox talks to."""

from __future__ import annotations

import smtplib
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
