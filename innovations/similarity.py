"""Similar innovations and "provinces that replicated this also replicated" (DESIGN.md section 8).

The closest approved innovations of each approved innovation are computed in a task when
it is approved or changed (innovations.tasks.refresh_similar), and stored best first in
`Innovation.similar_ids`; its page then reads them in one query and shows those still
public. `manage.py refresh_similar` computes them for every approved innovation, after a
bulk load.

"Also replicated" is stored the same way (`Innovation.also_replicated`): a plan becoming
public (approved) or no longer (cancelled) in a province changes the lists of every
innovation replicated there, so a task recomputes those (innovations.tasks
.refresh_also_replicated_in), one short query each, and the page never runs the query.

One computation is one statement over a bounded set of candidates, each found through an
index, so it stays fast at 100,000 innovations:
- titles sharing two of the title's words (the GIN index on `title_vector`),
- titles sharing one word, of the same sector or with a common SDG (GIN indexes),
- the newest of the same sector with a common SDG (the category's partial index),
at most CANDIDATES of each; they are ranked by full-text rank of the title's words against
the whole text (`search_vector`), plus a bonus for the same sector and for each shared SDG.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import combinations
from typing import Any

from django.db import connection, transaction

from innovations.models import Innovation, InnovationStatus

SIMILAR_COUNT = 5
CANDIDATES = 200  # per kind of candidate: the work per innovation is bounded
ALIKE = 20  # same sector and SDG, no shared word: the newest few
TITLE_WORDS = 8  # the title's first lexemes used (pairs of them: 28 at most)
# Added to the text rank, which is about 0.15 for one shared title word and 0.4 to 0.7
# for two or more: two shared words outrank the same sector and SDGs, one does not.
SAME_SECTOR = 0.2
PER_SHARED_SDG = 0.05
_LEXEME = re.compile(r"^\w+$")

RANKED_SQL = """
WITH candidates AS ({candidates})
SELECT i.id
FROM innovations_innovation AS i
JOIN candidates USING (id)
ORDER BY {text_rank}
    + CASE WHEN i.category_id = %(category)s THEN {same_sector} ELSE 0 END
    + {per_sdg} * cardinality(ARRAY(
        SELECT unnest(i.sdg_numbers) INTERSECT SELECT unnest(%(sdgs)s::smallint[])))
    DESC,
    i.approved_at DESC, i.id DESC
LIMIT {count}
"""
CANDIDATE_SQL = {
    "two_words": """(SELECT id FROM innovations_innovation
        WHERE status = 'approved' AND id <> %(id)s AND title_vector @@ %(pairs)s::tsquery
        LIMIT {limit})""",
    "one_word": """(SELECT id FROM innovations_innovation
        WHERE status = 'approved' AND id <> %(id)s AND title_vector @@ %(words)s::tsquery
            AND (category_id = %(category)s OR sdg_numbers && %(sdgs)s::smallint[])
        LIMIT {limit})""",
    "alike": """(SELECT id FROM innovations_innovation
        WHERE status = 'approved' AND id <> %(id)s AND category_id = %(category)s
            AND sdg_numbers && %(sdgs)s::smallint[]
        ORDER BY approved_at DESC, id DESC
        LIMIT {alike})""",
}


def _quoted(lexemes: Iterable[str]) -> list[str]:
    """Lexemes as tsquery operands; one with quotes or odd characters is left out."""
    return [f"'{lexeme}'" for lexeme in lexemes if _LEXEME.match(lexeme)][:TITLE_WORDS]


def compute_similar(innovation_id: int) -> list[int]:
    """The ids of the closest approved innovations, best first; [] when it is not public."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT category_id, sdg_numbers, tsvector_to_array(title_vector) "
            "FROM innovations_innovation WHERE id = %s AND status = 'approved'",
            [innovation_id],
        )
        found = cursor.fetchone()
        if found is None:
            return []
        category, sdgs, lexemes = found
        words = _quoted(lexemes or [])
        params: dict[str, Any] = {
            "id": innovation_id,
            "category": category,
            "sdgs": list(sdgs or []),
            "words": " | ".join(words),
            "pairs": " | ".join(f"({a} & {b})" for a, b in combinations(words, 2)),
        }
        kinds = ["alike"]
        if words:
            kinds.append("one_word")
        if len(words) >= 2:
            kinds.append("two_words")
        candidates = " UNION ".join(
            CANDIDATE_SQL[kind].format(limit=CANDIDATES, alike=ALIKE) for kind in kinds
        )
        text_rank = "ts_rank(i.search_vector, %(words)s::tsquery)" if words else "0"
        cursor.execute(
            RANKED_SQL.format(
                candidates=candidates,
                text_rank=text_rank,
                same_sector=SAME_SECTOR,
                per_sdg=PER_SHARED_SDG,
                count=SIMILAR_COUNT,
            ),
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def refresh_similar(innovation_ids: Iterable[int]) -> int:
    """Compute and store the similar innovations of these; return how many have any."""
    rows = [Innovation(pk=pk, similar_ids=compute_similar(pk)) for pk in innovation_ids]
    # bulk_update, not save(): save() would rebuild the search vector for nothing.
    Innovation.objects.bulk_update(rows, ["similar_ids"], batch_size=500)
    return sum(1 for row in rows if row.similar_ids)


def refresh_around(innovation_id: int) -> list[int]:
    """The innovation's own list, then its neighbours' (it may now belong in theirs), and
    of those that listed it (it may have left the registry or changed)."""
    refresh_similar([innovation_id])
    own = Innovation.objects.filter(pk=innovation_id).values_list("similar_ids", flat=True)
    listed_it = Innovation.objects.filter(similar_ids__contains=[innovation_id]).values_list(
        "pk", flat=True
    )
    around = {*(own.first() or []), *listed_it} - {innovation_id}
    refresh_similar(sorted(around))
    return sorted(around)


def _queue(innovation_id: int) -> None:
    from innovations.tasks import refresh_similar_innovations

    refresh_similar_innovations.delay(innovation_id)


def queue_refresh(innovation_id: int) -> None:
    """After the caller's commit, so the task reads what was decided. robust: with Redis
    down the decision still stands; `manage.py refresh_similar` catches up."""
    transaction.on_commit(partial(_queue, innovation_id), robust=True)


def _queue_many(innovation_ids: list[int]) -> None:
    from innovations.tasks import refresh_similar_of

    refresh_similar_of.delay(innovation_ids)


def queue_refresh_many(innovation_ids: list[int]) -> None:
    """After a bulk change (an import): their own lists, in one task."""
    if innovation_ids:
        transaction.on_commit(partial(_queue_many, list(innovation_ids)), robust=True)


def approved_ids(batch_size: int = 1000, *, missing: bool = False) -> Iterator[list[int]]:
    """Every approved innovation's id (only those without a stored list, if `missing`), in
    batches, by id (keyset: no OFFSET)."""
    approved = Innovation.objects.filter(status=InnovationStatus.APPROVED)
    if missing:
        approved = approved.filter(similar_ids=[])
    last = 0
    while True:
        batch = list(
            approved.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


@transaction.atomic
def seed() -> list[str]:
    """The demo story's step (seed_demo): every approved innovation without a list gets one;
    the "also replicated" lists are computed again (the story writes its plans directly)."""
    done = sum(refresh_similar(batch) for batch in approved_ids(missing=True))
    for batch in approved_ids():
        refresh_also_replicated(batch)  # the same lists again on a second run
    return [f"similar innovations of {done} innovations"] if done else []


# Reads of the innovation page --------------------------------------------------------

PAGE_COLUMNS = ("id", "title", "slug", "category", "province")  # and the sector's, province's


def similar_to(innovation: Innovation) -> list[Innovation]:
    """The stored similar innovations still public, in the stored order: one query."""
    return neighbours(innovation)[0]


def neighbours(innovation: Innovation) -> tuple[list[Innovation], list[Innovation]]:
    """The page's two stored lists, similar innovations and "also replicated" (most
    provinces first, each with its `province_count`), those still public: one query for
    both, none when both are empty."""
    similar_ids = [pk for pk in innovation.similar_ids or [] if pk != innovation.pk]
    also = {int(pk): int(provinces) for pk, provinces in innovation.also_replicated or []}
    if not similar_ids and not also:
        return [], []
    found = {
        row.pk: row
        for row in Innovation.objects.public()
        .filter(pk__in={*similar_ids, *also})
        .select_related("category", "province")
        .only(*PAGE_COLUMNS)
        .order_by()
    }
    similar = [found[pk] for pk in similar_ids if pk in found]
    replicated = []
    for pk, provinces in also.items():
        if pk in found:
            found[pk].province_count = provinces  # type: ignore[attr-defined]
            replicated.append(found[pk])
    return similar, replicated


# Plans are counted once per province and innovation (a province may replicate one
# innovation in several offices); the innovations are joined for the top few only.
ALSO_REPLICATED_SQL = """
SELECT i.id, i.title, i.slug, top.province_count
FROM (
    SELECT pairs.innovation_id, count(*) AS province_count
    FROM (
        SELECT DISTINCT p.innovation_id, p.province_id
        FROM replication_replicationplan AS p
        WHERE p.status = ANY(%(public)s) AND p.innovation_id <> %(id)s
            AND p.province_id IN (
                SELECT province_id FROM replication_replicationplan
                WHERE innovation_id = %(id)s AND status = ANY(%(public)s))
    ) AS pairs
    GROUP BY pairs.innovation_id
    ORDER BY province_count DESC, pairs.innovation_id DESC
    LIMIT %(room)s
) AS top
JOIN innovations_innovation AS i ON i.id = top.innovation_id AND i.status = 'approved'
ORDER BY top.province_count DESC, i.id DESC
LIMIT %(count)s
"""


def _also_replicated_rows(innovation_id: int, count: int) -> list[tuple[int, str, str, int]]:
    from replication.models import PUBLIC_STATUSES

    with connection.cursor() as cursor:
        cursor.execute(
            ALSO_REPLICATED_SQL,
            {
                "id": innovation_id,
                "public": [str(status) for status in PUBLIC_STATUSES],
                # Room for innovations no longer public among the most replicated.
                "room": count * 10,
                "count": count,
            },
        )
        return [tuple(row) for row in cursor.fetchall()]


def refresh_also_replicated(innovation_ids: Iterable[int]) -> int:
    """Compute and store what the provinces that replicate each of these also replicate
    (one query each); return how many have any."""
    rows = [
        Innovation(
            pk=pk,
            also_replicated=[
                [other, provinces]
                for other, _title, _slug, provinces in _also_replicated_rows(pk, SIMILAR_COUNT)
            ],
        )
        for pk in innovation_ids
    ]
    Innovation.objects.bulk_update(rows, ["also_replicated"], batch_size=500)
    return sum(1 for row in rows if row.also_replicated)


def replicated_in(province_id: int) -> list[int]:
    """The innovations with a public plan in the province: whose "also replicated" lists a
    plan of that province becoming public (or no longer) may change."""
    from replication.models import ReplicationPlan

    plans = ReplicationPlan.objects.public().filter(province_id=province_id)
    return sorted(set(plans.values_list("innovation_id", flat=True)))


def _queue_province(province_id: int, innovation_id: int) -> None:
    from innovations.tasks import refresh_also_replicated_in

    refresh_also_replicated_in.delay(province_id, innovation_id)


def queue_province_refresh(*, province_id: int, innovation_id: int) -> None:
    """After the caller's commit: a plan of `innovation_id` in the province became public or
    stopped being public. robust, like queue_refresh: `manage.py refresh_similar` catches
    up whatever a Redis outage dropped."""
    transaction.on_commit(partial(_queue_province, province_id, innovation_id), robust=True)


def also_replicated(innovation: Innovation) -> list[Innovation]:
    """Other innovations replicated by the provinces that replicate this one, most provinces
    first, from approved and completed plans only: the stored list, read in one query (none
    when it is empty); only those still public."""
    return neighbours(innovation)[1]
