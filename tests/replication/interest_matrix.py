"""The access matrix's declared interest (tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any


def kalsel_interest(context: Any) -> int:
    """An open interest of Kalimantan Selatan in the context's approved innovation."""
    from innovations.models import Innovation
    from jipp.models import Province
    from replication.interest import Interest

    interest, _new = Interest.objects.get_or_create(
        innovation=Innovation.objects.get(slug=context.innovation),
        province=Province.objects.get(code="63"),
        status="open",
    )
    return interest.pk
