"""Moments as people read them: on a province's clock, labelled WIB, WITA or WIT.

A time without its zone is ambiguous across Indonesia's three; every time the portal
shows carries its label (DESIGN.md section 6). Pages about a province (a plan, its
stages, messages and history) use the province's clock, as its reminders do; the rest
use Jakarta's (WIB), the portal's own.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.utils import formats

from jipp.models import ZONE_LABELS

PORTAL_ZONE = "Asia/Jakarta"


def zone_name(where: Any = None) -> str:
    """The IANA zone of a province (or anything with a `timezone` name), else Jakarta's."""
    name = getattr(where, "timezone", where)
    return name if isinstance(name, str) and name in ZONE_LABELS else PORTAL_ZONE


def local(moment: datetime, where: Any = None) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name(where)))


def local_time(moment: datetime | None, where: Any = None) -> str:
    """ "27 Oktober 2020, 09.00 WITA" (as the forums and the inbox write it); empty for none."""
    if moment is None:
        return ""
    zone = zone_name(where)
    text = formats.date_format(local(moment, zone), "j F Y, H.i")
    return f"{text} {ZONE_LABELS[zone]}"


def local_date(moment: datetime | None, where: Any = None) -> str:
    """ "27 Oktober 2020": the day of the moment on that clock; empty for no moment."""
    return "" if moment is None else formats.date_format(local(moment, where), "j F Y")
