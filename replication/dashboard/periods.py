"""The period a dashboard or a report looks at: a year, or one quarter of it.

A period is read in one time zone: the province's for a province dashboard (its officers
count "this quarter" in their own calendar), WIB for the national one. Its end is
exclusive: a quarter ends at 00:00 of the first day of the next one.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NATIONAL_ZONE = "Asia/Jakarta"
FIRST_YEAR = 2014  # KIPP's first year: nothing in the registry is older


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year
    zone: str = NATIONAL_ZONE

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone)

    @property
    def first_month(self) -> int:
        return 1 if self.quarter is None else 3 * (self.quarter - 1) + 1

    @property
    def month_count(self) -> int:
        return 12 if self.quarter is None else 3

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.first_month, 1, tzinfo=self.tzinfo)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant after the period."""
        month = self.first_month + self.month_count
        year = self.year + (month - 1) // 12
        return datetime(year, (month - 1) % 12 + 1, 1, tzinfo=self.tzinfo)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.date().toordinal() - 1)

    @property
    def state_at(self) -> datetime:
        """The instant "the state at the end of the period" is read at: now, if not over."""
        return min(self.end, timezone.now())

    @property
    def is_running(self) -> bool:
        return self.start <= timezone.now() < self.end

    def months(self) -> list[date]:
        return [date(self.year, self.first_month + n, 1) for n in range(self.month_count)]

    @property
    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return _("Quarter %(quarter)d %(year)d") % {"quarter": self.quarter, "year": self.year}

    @property
    def slug(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-q{self.quarter}"

    def query(self) -> str:
        text = f"year={self.year}"
        return text if self.quarter is None else f"{text}&quarter={self.quarter}"

    def cache_key(self) -> str:
        return f"{self.slug}:{self.zone}"


def current_year(zone: str = NATIONAL_ZONE) -> int:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).year


class PeriodForm(forms.Form):
    """?year=2026&quarter=3; no quarter is the whole year."""

    year = forms.IntegerField(label=gettext_lazy("Year"), required=False)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", gettext_lazy("Whole year")),
            (1, gettext_lazy("Q1 (January–March)")),  # noqa: RUF001 (typographic dash)
            (2, gettext_lazy("Q2 (April–June)")),  # noqa: RUF001 (typographic dash)
            (3, gettext_lazy("Q3 (July–September)")),  # noqa: RUF001 (typographic dash)
            (4, gettext_lazy("Q4 (October–December)")),  # noqa: RUF001 (typographic dash)
        ],
    )

    def __init__(self, *args: Any, zone: str = NATIONAL_ZONE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        last = current_year(zone)
        self.years = list(range(last, FIRST_YEAR - 1, -1))
        self.fields["year"].widget = forms.Select(choices=[(y, str(y)) for y in self.years])

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year") or current_year(self.zone)
        if year not in self.years:
            raise forms.ValidationError(
                _("Choose a year from %(first)d to %(last)d.")
                % {"first": self.years[-1], "last": self.years[0]}
            )
        return year

    def period(self) -> Period:
        """The period asked for; this year when the request asked for none or a bad one."""
        if self.is_valid():
            data = self.cleaned_data
            return Period(data["year"], data["quarter"], self.zone)
        return Period(current_year(self.zone), None, self.zone)


def period_from(params: QueryDict, zone: str = NATIONAL_ZONE) -> tuple[PeriodForm, Period]:
    form = PeriodForm(params, zone=zone)
    return form, form.period()
