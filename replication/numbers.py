"""Numbers as Indonesians type and read them: "12,5" is twelve and a half, "1.500" is 1500.

Indicator values (baseline, target, achieved) are typed by officers in either language;
the decimal comma is always understood. A lone separator followed by exactly three digits
("1.500", "12,500") is the one ambiguous case: it is read the way the page's language
writes numbers (Indonesian: "1.500" = 1500 and "12,500" = 12.5; English the reverse).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WHOLE_DIGITS = 12  # max_digits 16, decimal_places 4 (replication.results)
DECIMAL_PLACES = 4

_SHAPE = re.compile(r"[+-]?[0-9][0-9.,]*|[+-]?[.,][0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:SEP[0-9]{3})+")


def _grouped(text: str, separator: str) -> bool:
    return bool(re.fullmatch(_GROUPED.pattern.replace("SEP", re.escape(separator)), text))


def _decimal_mark(text: str) -> str | None:
    """Which of "," and "." marks the decimals in `text`; None when it has neither."""
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        return "," if text.rfind(",") > text.rfind(".") else "."
    if not commas and not dots:
        return None
    mark = "," if commas else "."
    if text.count(mark) > 1:
        return "," if mark == "." else "."  # several of one mark: those group thousands
    whole, _sep, decimals = text.partition(mark)
    if len(decimals) == 3 and whole.lstrip("+-") and whole.lstrip("+-") != "0":
        # "1.500" or "12,500": read as the page's language writes numbers.
        english = (translation.get_language() or "id").startswith("en")
        return "." if english else ","
    return mark


def parse_number(value: Any) -> Decimal:
    """A typed number as a Decimal; ValidationError with a message that says how to type it."""
    if isinstance(value, Decimal | int):
        return Decimal(value)
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
    if not _SHAPE.fullmatch(text):
        raise ValidationError(
            _('Type a number, such as 12,5 or 1.500 (no letters or units): "%(value)s" is not one.')
            % {"value": str(value)[:40]},
            code="invalid",
        )
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("+-")
    mark = _decimal_mark(body)
    whole, decimals = body, ""
    if mark is not None:
        thousands = "." if mark == "," else ","
        if mark in body:
            whole, _sep, decimals = body.rpartition(mark)
        if mark in decimals or thousands in decimals:
            raise _badly_grouped(value)
        if thousands in whole:
            if not _grouped(whole, thousands):
                raise _badly_grouped(value)
            whole = whole.replace(thousands, "")
        if mark in whole:
            raise _badly_grouped(value)
    whole = whole or "0"
    if len(whole.lstrip("0")) > WHOLE_DIGITS:
        raise ValidationError(
            _("The number is too large: at most %(digits)s digits before the decimal comma.")
            % {"digits": WHOLE_DIGITS},
            code="max_whole_digits",
        )
    if len(decimals) > DECIMAL_PLACES:
        raise ValidationError(
            _("At most %(places)s digits after the decimal comma.") % {"places": DECIMAL_PLACES},
            code="max_decimal_places",
        )
    try:
        return Decimal(f"{sign}{whole}.{decimals or '0'}")
    except InvalidOperation as error:  # the shape check above makes this unreachable
        raise _badly_grouped(value) from error


def _badly_grouped(value: Any) -> ValidationError:
    return ValidationError(
        _(
            "Type a number with a comma for decimals and, if you like, dots between "
            'thousands, such as 1.234,5: "%(value)s" cannot be read.'
        )
        % {"value": str(value)[:40]},
        code="invalid",
    )


def format_number(value: Decimal | int | float | None, *, grouping: bool = True) -> str:
    """12.5000 -> "12,5" in Indonesian ("12.5" in English); 1500 -> "1.500"; None -> ""."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return number_format(number, use_l10n=True, force_grouping=grouping)


class NumberInput(forms.TextInput):
    """A text input (type="number" refuses the decimal comma) with the numeric keyboard."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, grouping=False)
        return super().format_value(value)


class LocalNumberField(forms.Field):
    """A decimal typed the Indonesian way (see parse_number); at most 12 + 4 digits."""

    widget = NumberInput
    default_error_messages = {"required": gettext_lazy("Type a number.")}

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        return parse_number(value)
