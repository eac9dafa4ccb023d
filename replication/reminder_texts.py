"""The words of a reminder, built when it fires from the stage as it is then.

Call inside `translation.override(recipient.language)`: dates and numbers follow it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jipp.services import one_line
from replication.models import ReminderKind, Stage, StageKind, StageStatus
from replication.notices import plan_title


class Text(NamedTuple):
    subject: str
    body: str
    url: str  # relative: jipp.emails and the digest prefix settings.SITE_URL


@lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    """Stage kinds and statuses in one language: the sweep words thousands of reminders."""
    with translation.override(language):
        return {value: str(label) for value, label in [*StageKind.choices, *StageStatus.choices]}


def when(stage: Stage, today: date) -> str:
    """ "due on 27 Oktober 2020, in 7 days", "due today", or "12 days late"."""
    due = formats.date_format(stage.due_date, "j F Y")
    days = (stage.due_date - today).days
    if days > 0:
        return ngettext(
            "due on %(date)s, in %(days)d day", "due on %(date)s, in %(days)d days", days
        ) % {"date": due, "days": days}
    if days == 0:
        return _("due today, %(date)s") % {"date": due}
    return ngettext(
        "%(days)d day late (due on %(date)s)", "%(days)d days late (due on %(date)s)", -days
    ) % {"date": due, "days": -days}


def build(stage: Stage, kind: str, today: date) -> Text:
    """Subject, body and link to the stage; `stage.plan` with its province and innovation."""
    plan = stage.plan
    labels = _labels(translation.get_language())
    values = {
        "stage": labels[stage.kind],
        "title": plan_title(plan),
        "when": when(stage, today),
        "status": labels[stage.status],
    }
    url = stage.get_absolute_url()  # the e-mail and the digest make it absolute (SITE_URL)
    if kind == ReminderKind.ESCALATION_14D:
        subject = _("Escalation: %(stage)s of %(title)s is %(when)s") % values
        lead = (
            _(
                "The stage %(stage)s of the replication plan %(title)s is %(when)s. "
                "The ministry is told as well."
            )
            % values
        )
    elif (stage.due_date - today).days >= 0:
        subject = _("Reminder: %(stage)s of %(title)s, %(when)s") % values
        lead = _("The stage %(stage)s of the replication plan %(title)s is %(when)s.") % values
    else:
        subject = _("Late: %(stage)s of %(title)s, %(when)s") % values
        lead = (
            _(
                "The stage %(stage)s of the replication plan %(title)s is %(when)s. Complete it "
                "with its evidence, or ask to move its due date with the reason."
            )
            % values
        )
    body = "\n\n".join([lead, _("Stage status: %(status)s.") % values])
    return Text(one_line(subject), body, url)
