"""The daily digest: a user who chose it gets one e-mail at 08:30 their province's time."""

from __future__ import annotations

import zoneinfo
from datetime import time

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from jipp.models import Notification, NotificationChannel, NotificationStatus, User
from jipp.services import notify

DIGEST_TIME = time(8, 30)


def send_due_digests() -> int:
    """Gather every due user's held digest rows into one e-mail; return how many went."""
    now = timezone.now()
    waiting = (
        Notification.objects.filter(
            status=NotificationStatus.HELD, channel=NotificationChannel.DIGEST
        )
        .values_list("user_id", "user__province__timezone")
        .distinct()
    )
    sent = 0
    for user_id, tz_name in waiting:
        local = now.astimezone(zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE))
        if local.time() >= DIGEST_TIME and _send_digest(user_id, local.date().isoformat()):
            sent += 1
    return sent


@transaction.atomic
def _send_digest(user_id: int, local_date: str) -> bool:
    dedupe_key = f"digest:{user_id}:{local_date}"
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return False  # today's digest went already; the rest waits for tomorrow
    # skip_locked: a second sweep running now leaves these rows to the first.
    rows = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(user_id=user_id, status=NotificationStatus.HELD, channel=NotificationChannel.DIGEST)
        .order_by("created_at")
    )
    if not rows:
        return False
    user = User.objects.get(pk=user_id)
    with translation.override(user.language):
        subject = ngettext(
            "JIPP: %(count)d reminder or message",
            "JIPP: %(count)d reminders and messages",
            len(rows),
        ) % {"count": len(rows)}
        body = render_to_string("emails/digest.txt", {"rows": rows, "site_url": settings.SITE_URL})
    notify(
        user=user,
        kind="digest",
        subject=subject,
        body=body,
        url=reverse("inbox"),
        dedupe_key=dedupe_key,
    )
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=NotificationStatus.DIGESTED, sent_at=timezone.now()
    )
    return True
