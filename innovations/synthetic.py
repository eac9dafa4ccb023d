"""Synthetic approved innovations for scale tests (`manage.py generate_data`).

Realistic Indonesian text (innovations.synthetic_text) by synthetic institutions
(innovations.synthetic_institutions), drawn with a seeded Random, so a run on the same
database gives the same rows. Two words have a known share, for the
search benchmark (bench/run.py): BROAD_WORD (stem "layan") in about 20% of innovations
and in the title of about 4%, SELECTIVE_WORD in about 0.3%.

Every run adds rows: slugs end in a number above the highest innovation id, and the
generated institutions (slug prefix "gen-") are made once and reused by later runs.
"""

from __future__ import annotations

import io
import math
import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from innovations.models import (
    SDG,
    Category,
    Innovation,
    InnovationStatus,
    Phase,
    refresh_search_vectors,
)
from innovations.synthetic_institutions import SLUG_PREFIX, Spec, make_innovators
from innovations.synthetic_text import (
    BROAD,
    PROBLEM,
    REQUIREMENTS,
    RESULTS,
    SECTORS,
    SOLUTION,
    Writer,
)
from jipp.models import Institution

BROAD_WORD = "pelayanan"
SELECTIVE_WORD = "mangrove"
BROAD_SHARE, BROAD_IN_TITLE, SELECTIVE_SHARE = 0.20, 0.20, 0.003
INNOVATIONS_PER_INSTITUTION, MIN_INSTITUTIONS = 150, 50
YEARS_BACK = 8
WRITERS = 2  # connections storing batches at once
KIPP = {"none": 90, "top99": 4, "top45": 2.2, "top40": 0.8, "top35": 0.8, "top25": 0.8}
KIPP |= {"top9": 0.6, "outstanding": 0.8}  # outstanding exists since 2023
PHASE_WEIGHTS: dict[str, float] = {
    Phase.CREATION: 30,
    Phase.DEVELOPMENT: 45,
    Phase.INSTITUTIONALIZATION: 25,
}
KIND_WEIGHTS = {"ministry": 0.5, "agency": 0.5, "soe": 0.3, "regional_soe": 0.3}
SDG_COUNTS = {1: 45, 2: 35, 3: 20}
ENVIRONMENT = "lingkungan-hidup-kehutanan"


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def build(
    rng: random.Random,
    writer: Writer,
    innovator: Institution,
    spec: Spec,
    now: datetime,
    categories: dict[str, Category],
) -> tuple[Innovation, set[int]]:
    """One approved innovation (not saved yet, no slug) and its SDG numbers."""
    selective = rng.random() < SELECTIVE_SHARE
    broad = rng.random() < BROAD_SHARE
    broad_title, selective_title = broad and rng.random() < BROAD_IN_TITLE, rng.random() < 0.5
    if selective:
        category = ENVIRONMENT
    elif spec.sector and rng.random() < 0.8:
        category = spec.sector
    else:
        category = pick(rng, {slug: weight for slug, (weight, _, _) in SECTORS.items()})
    approved = now - timedelta(seconds=rng.triangular(0, YEARS_BACK * 365.25 * 86400, 0))
    launched = rng.randint(2014, min(2025, approved.year))
    writer.sector, writer.area, writer.year = SECTORS[category][2], spec.area, launched
    title = writer.title(spec.place, broad_title, selective and selective_title)
    intro = writer.sentence("{v} {c} dan {n} bagi {n}.", capital=False)
    sections = [
        f"{title} adalah inovasi {spec.name} yang {intro}",
        writer.paragraph(PROBLEM, 2, 3),
        writer.paragraph(SOLUTION, 2, 4),
        writer.paragraph(RESULTS, 2, 3),
        writer.paragraph(REQUIREMENTS, 2, 3),
    ]
    if rng.random() < 0.5:
        sections[0] += " " + writer.sentence(rng.choice(SOLUTION))
    if broad and not broad_title:
        where = rng.randrange(4)
        sections[where] += " " + writer.sentence(rng.choice(BROAD))
    if selective and not selective_title:
        sections[0] += " " + writer.selective_sentence()
    kipp = pick(rng, KIPP)
    kipp_year = rng.randint(launched, min(approved.year, 2025)) if kipp != "none" else None
    if kipp == "outstanding" and (kipp_year or 0) < 2023:
        kipp = "top45"
    sdgs = {14 if selective else SECTORS[category][1]}
    wanted = int(pick(rng, {str(n): weight for n, weight in SDG_COUNTS.items()}))
    while len(sdgs) < wanted:
        sdgs.add(rng.randint(1, 17))
    local = slugify(spec.place).replace("-", "")
    innovation = Innovation(
        title=title[:200],
        innovator=innovator,
        category=categories[category],
        province_id=innovator.province_id,
        phase=pick(rng, PHASE_WEIGHTS),
        launched_year=launched,
        summary=sections[0],
        problem=sections[1],
        solution=sections[2],
        results=sections[3],
        replication_requirements=sections[4],
        contact_email=f"inovasi.{local}@example.org" if rng.random() < 0.7 else "",
        website=f"https://{local}.example.org/inovasi" if rng.random() < 0.4 else "",
        kipp_recognition=kipp,
        kipp_year=kipp_year,
        status=InnovationStatus.APPROVED,
        submitted_at=approved - timedelta(days=rng.randint(7, 120)),
        reviewed_at=approved,
        approved_at=approved,
        sdg_numbers=sorted(sdgs),
    )
    return innovation, sdgs


ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(table: str, columns: list[str], rows: Iterable[Iterable[object]]) -> None:
    """COPY rows into a table: PostgreSQL's fastest bulk insert, several times bulk_create's."""
    data = io.StringIO()
    for row in rows:
        data.write("\t".join(_copy_value(v) for v in row))
        data.write("\n")
    data.seek(0)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", data)


def _copy_value(value: object) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, list):  # an integer array, e.g. sdg_numbers
        return "{" + ",".join(str(item) for item in value) + "}"
    return str(value).translate(ESCAPES)


def allocate_ids(count: int, table: str = Innovation._meta.db_table) -> list[int]:
    """The next `count` ids of the table's sequence, for rows that COPY will insert."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def save(batch: list[tuple[Innovation, set[int]]], sdg_ids: dict[int, int]) -> int:
    """Store a batch (ids set) with its SDGs and search vectors, in one transaction."""
    through = Innovation.sdgs.through
    fields = [f for f in Innovation._meta.concrete_fields if not f.generated]
    fields.remove(Innovation._meta.get_field("search_vector"))
    with transaction.atomic():
        copy_rows(
            Innovation._meta.db_table,
            [str(f.column) for f in fields],
            ([f.pre_save(row, True) for f in fields] for row, _ in batch),
        )
        copy_rows(
            through._meta.db_table,
            ["innovation_id", "sdg_id"],
            ((row.pk, sdg_ids[number]) for row, numbers in batch for number in sorted(numbers)),
        )
        refresh_search_vectors([row.pk for row, _ in batch])
    return len(batch)


def save_in_thread(batch: list[tuple[Innovation, set[int]]], sdg_ids: dict[int, int]) -> int:
    try:
        return save(batch, sdg_ids)
    finally:
        connection.close()  # this thread's own


def generate_innovations(
    count: int, *, seed: int = 2020, batch_size: int = 5000, progress: Callable[[str], object]
) -> int:
    """Add `count` approved innovations, `batch_size` per transaction; returns how many."""
    if count <= 0:
        return 0
    start = Innovation.objects.aggregate(top=Max("id"))["top"] or 0
    existing = Innovation.objects.filter(innovator__slug__startswith=SLUG_PREFIX).count()
    wanted = max(MIN_INSTITUTIONS, math.ceil((existing + count) / INNOVATIONS_PER_INSTITUTION))
    innovators = make_innovators(wanted, seed)
    rng = random.Random(seed * 1_000_003 + start)  # noqa: S311 (new text on a re-run)
    weights = [rng.lognormvariate(0, 1) * KIND_WEIGHTS.get(s.kind, 1) for _, s in innovators]
    categories = Category.objects.in_bulk(field_name="slug")
    sdg_ids = dict(SDG.objects.values_list("number", "id"))
    writer = Writer(rng, BROAD_WORD, SELECTIVE_WORD)
    now, started, done = timezone.now(), time.monotonic(), 0

    def make(offset: int) -> list[tuple[Innovation, set[int]]]:
        size = min(batch_size, count - offset)
        batch: list[tuple[Innovation, set[int]]] = []
        for (innovator, spec), pk in zip(
            rng.choices(innovators, weights, k=size), allocate_ids(size), strict=True
        ):
            innovation, sdgs = build(rng, writer, innovator, spec, now, categories)
            innovation.pk = pk
            # A number no earlier run used (ids only grow), so no clash and no reserved word.
            innovation.slug = f"{slugify(innovation.title)[:200]}-{start + offset + len(batch) + 1}"
            batch.append((innovation, sdgs))
        return batch

    def report(stored: int) -> None:
        elapsed = time.monotonic() - started
        progress(f"innovations: {stored}/{count} in {elapsed:.1f} s ({stored / elapsed:.0f}/s)")

    progress(f"innovations: {count} to add, {len(innovators)} synthetic innovators")
    if connection.in_atomic_block:  # inside the caller's transaction (tests): its connection
        for offset in range(0, count, batch_size):
            done += save(make(offset), sdg_ids)
            report(done)
        return done
    # Otherwise writer threads, each with its own connection, store batches while this
    # thread builds the next one: PostgreSQL's part of the work then uses every core.
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        running: deque[Future[int]] = deque()
        for offset in range(0, count, batch_size):
            batch = make(offset)
            if len(running) == WRITERS:
                done += running.popleft().result()
                report(done)
            running.append(pool.submit(save_in_thread, batch, sdg_ids))
        for future in running:
            done += future.result()
            report(done)
    return done
