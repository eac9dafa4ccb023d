"""Celery tasks of innovations. Thin: the rows as they are now decide the result."""

from __future__ import annotations

from celery import shared_task

from innovations import similarity


@shared_task
def refresh_similar_innovations(innovation_id: int) -> list[int]:
    """After an approval, an approved update or an archiving: the innovation's similar
    innovations and its neighbours'. Running twice stores the same lists."""
    return similarity.refresh_around(innovation_id)


@shared_task
def refresh_similar_of(innovation_ids: list[int]) -> int:
    """After an import: the similar innovations of each imported one."""
    return similarity.refresh_similar(innovation_ids)


@shared_task
def refresh_also_replicated_in(province_id: int, innovation_id: int) -> int:
    """A plan of the innovation in the province became public or stopped being: the lists
    of every innovation replicated there, and of the innovation itself."""
    ids = {*similarity.replicated_in(province_id), innovation_id}
    return similarity.refresh_also_replicated(sorted(ids))
