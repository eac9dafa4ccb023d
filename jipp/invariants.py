"""The promises of DESIGN.md that hold across rows, checked over the whole database.

Each app states its own in `<app>/invariants.py` with the `invariant` decorator: a
function that returns the rows breaking one promise, described for a person (an empty
list when it holds). `python manage.py check_data` runs them all. The services keep these
promises row by row; the check is for what no single request sees: generators, bulk
loads, a restored backup, a fix made by hand in the shell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

# How many offending rows a violation names; the count says how many there are in all.
EXAMPLES = 20


@dataclass(frozen=True)
class Violation:
    promise: str
    rows: Sequence[str]
    total: int

    def describe(self) -> str:
        lines = [f"{self.promise}: {self.total} row(s)"]
        lines += [f"  - {row}" for row in self.rows]
        if self.total > len(self.rows):
            lines.append(f"  ... and {self.total - len(self.rows)} more")
        return "\n".join(lines)


Check = Callable[[], Sequence[str]]
CHECKS: dict[str, Check] = {}


def invariant(promise: str) -> Callable[[Check], Check]:
    """Register a check: `promise` says in a sentence what must hold."""

    def register(check: Check) -> Check:
        CHECKS[promise] = check
        return check

    return register


def offending(rows: Sequence[str]) -> tuple[list[str], int]:
    return list(rows[:EXAMPLES]), len(rows)


def run() -> list[Violation]:
    """Every registered promise that does not hold, with the rows concerned."""
    autodiscover_modules("invariants")
    violations = []
    for promise, check in CHECKS.items():
        rows = check()
        if rows:
            examples, total = offending(rows)
            violations.append(Violation(promise, examples, total))
    return violations


# -- the outbox (DESIGN.md section 4) --------------------------------------------------


@invariant("No notification is 'sending' past the claim timeout")
def no_stale_claims() -> list[str]:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from jipp.models import Notification, NotificationStatus

    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    rows = Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_at__lt=stale
    ).values_list("pk", "kind", "claimed_at")
    return [
        f"notification {pk} ({kind}), claimed at {claimed:%Y-%m-%d %H:%M}"
        for pk, kind, claimed in rows
    ]


@invariant(
    "An e-mail notification is pending, sending, sent or failed; "
    "an inbox or digest one is held or digested"
)
def statuses_fit_channels() -> list[str]:
    from django.db.models import Q

    from jipp.models import Notification, NotificationChannel, NotificationStatus

    mail = [
        NotificationStatus.PENDING,
        NotificationStatus.SENDING,
        NotificationStatus.SENT,
        NotificationStatus.FAILED,
    ]
    kept = [NotificationStatus.HELD, NotificationStatus.DIGESTED]
    rows = Notification.objects.filter(
        Q(channel=NotificationChannel.EMAIL, status__in=kept)
        | (~Q(channel=NotificationChannel.EMAIL) & Q(status__in=mail))
    ).values_list("pk", "channel", "status")
    return [
        f"notification {pk}: channel {channel}, status {status}" for pk, channel, status in rows
    ]


@invariant("The notification health's rollup equals the e-mail notifications it counts")
def notification_health_equals_live() -> list[str]:
    from jipp import notification_health

    return notification_health.drift()
