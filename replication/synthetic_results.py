"""The results of synthetic plans (replication.synthetic_plans): indicators, achieved
values once the evaluation stage is done, a legal basis and lessons once the
institutionalisation stage is done. Drawn from a small table of real-looking measures."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from replication.models import Direction, LegalBasisKind


@dataclass(frozen=True)
class Template:
    name: str
    unit: str
    direction: str
    low: float  # baseline range
    high: float
    change: float  # the target moves the baseline by this share, in the right direction
    sdg_targets: tuple[str, ...]
    source: str
    ceiling: float | None = None  # a value that cannot be passed (100 %, the SKM's 100)


SKM = Template(
    "Indeks Kepuasan Masyarakat (SKM)",
    "indeks (25-100)",
    Direction.INCREASE,
    62,
    80,
    0.12,
    ("16.6", "16.7"),
    "Survei Kepuasan Masyarakat (PermenPANRB 14/2017)",
    ceiling=100,
)
TEMPLATES = [
    SKM,
    Template("Waktu penyelesaian layanan", "hari", Direction.DECREASE, 5, 21, 0.5,
             ("16.6", "16.10"), "Catatan layanan perangkat daerah"),
    Template("Angka putus sekolah anak keluarga miskin", "%", Direction.DECREASE, 2, 7, 0.35,
             ("4.1", "1.3"), "Dapodik dan DTKS"),
    Template("Cakupan imunisasi dasar lengkap", "%", Direction.INCREASE, 70, 88, 0.1,
             ("3.8", "3.b"), "Profil kesehatan kabupaten/kota", ceiling=100),
    Template("Angka kekambuhan pasien setelah pulang", "%", Direction.DECREASE, 25, 45, 0.3,
             ("3.4",), "Rekam medis rumah sakit daerah"),
    Template("Luas kebakaran hutan dan lahan", "ha", Direction.DECREASE, 200, 2500, 0.45,
             ("15.1", "15.2", "13.1"), "Data titik panas dan laporan Manggala Agni"),
    Template("Luas lahan kritis yang direhabilitasi", "ha", Direction.INCREASE, 0, 150, 1.5,
             ("15.3",), "Laporan rehabilitasi hutan dan lahan"),
    Template("Pendapatan rata-rata anggota kelompok binaan", "Rp ribu/bulan",
             Direction.INCREASE, 1200, 2500, 0.25, ("1.2", "8.3"), "Survei rumah tangga"),
    Template("Dokumen kependudukan terbit di hari yang sama", "%", Direction.INCREASE, 30, 70,
             0.4, ("16.9",), "SIAK, Dinas Kependudukan dan Pencatatan Sipil", ceiling=100),
    Template("Perangkat daerah yang melapor realisasi anggaran tepat waktu", "%",
             Direction.INCREASE, 50, 80, 0.3, ("16.6",), "Laporan realisasi APBD", ceiling=100),
    Template("Izin usaha terbit tepat waktu", "%", Direction.INCREASE, 55, 85, 0.2,
             ("8.3", "16.6"), "Sistem OSS dan DPMPTSP", ceiling=100),
    Template("Aduan layanan yang selesai dalam 5 hari kerja", "%", Direction.INCREASE, 40, 75,
             0.3, ("16.7", "16.10"), "Rekap SP4N-LAPOR!", ceiling=100),
    Template("Penduduk miskin penerima layanan terpadu", "jiwa", Direction.INCREASE, 100, 5000,
             0.6, ("1.3", "10.2"), "DTKS, Dinas Sosial"),
]  # fmt: skip
COUNT_WEIGHTS = {1: 15, 2: 30, 3: 30, 4: 15, 5: 10}
LEGAL_BASES = [  # kind, how its number is written, weight
    (LegalBasisKind.PERGUB, "{n} Tahun {year}", 30),
    (LegalBasisKind.PERDA, "{n} Tahun {year}", 8),
    (LegalBasisKind.PERBUP, "{n} Tahun {year}", 15),
    (LegalBasisKind.PERWALI, "{n} Tahun {year}", 7),
    (LegalBasisKind.SK_KEPALA_DAERAH, "188.44/{n}/{year}", 25),
    (LegalBasisKind.SK_KEPALA_OPD, "800/{n}/{year}", 12),
    (LegalBasisKind.OTHER, "{n}/SE/{year}", 3),
]
LESSONS = [
    "Libatkan perangkat daerah pelaksana sejak identifikasi; anggaran rutin perlu masuk RKPD "
    "sebelum uji coba selesai.",
    "Data sasaran harus dipadankan lebih dulu: uji coba menemukan banyak data ganda.",
    "Studi tiru ke daerah asal mempercepat adaptasi; SOP tertulis memudahkan pergantian petugas.",
    "Tetapkan payung hukum sebelum pergantian pimpinan daerah agar layanan berlanjut.",
    "Survei kepuasan sebelum dan sesudah penerapan membantu meyakinkan DPRD soal anggaran.",
]
EVALUATION, INSTITUTIONALIZATION = 5, 6  # stage positions in STAGE_ORDER
FINISHED = ("done", "verified")

CopyRow = tuple[Any, ...]
INDICATOR_COLUMNS = [
    "plan_id", "order", "name", "unit", "direction", "baseline", "baseline_date", "target",
    "achieved", "measured_on", "sdg_target", "source", "updated_at",
]  # fmt: skip


def _number(value: float, unit: str) -> Decimal:
    places = Decimal("1") if unit in ("ha", "jiwa", "Rp ribu/bulan", "hari") else Decimal("0.1")
    return Decimal(str(value)).quantize(places)


def _bounded(value: float, template: Template) -> float:
    value = max(value, 0.0)
    return min(value, template.ceiling) if template.ceiling is not None else value


def _date(moment: datetime | None, zone: Any) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def indicators(
    rng: random.Random,
    plan_id: int,
    created: datetime,
    stages: list[list[Any]],
    zone: Any,
    now: datetime,
) -> list[CopyRow]:
    """1-5 indicator rows of a plan; achieved values once its evaluation is done.

    `stages` are the plan's stage rows in order (status at 4, started_at at 5,
    completed_at at 6), as synthetic_plans builds them."""
    count = rng.choices(list(COUNT_WEIGHTS), list(COUNT_WEIGHTS.values()))[0]
    # The SKM index is the suggested first indicator: most plans measure it.
    if rng.random() < 0.6:
        chosen = [SKM, *rng.sample(TEMPLATES[1:], count - 1)]
    else:
        chosen = rng.sample(TEMPLATES, count)
    evaluation = stages[EVALUATION]
    evaluated = evaluation[4] in FINISHED
    baseline_day = created.astimezone(zone).date() - timedelta(days=rng.randint(15, 200))
    rows = []
    for order, template in enumerate(chosen, 1):
        baseline = rng.uniform(template.low, template.high)
        step = max(baseline * template.change, 1.0)
        sign = 1 if template.direction == Direction.INCREASE else -1
        target = _bounded(baseline + sign * step, template)
        achieved = measured = None
        if evaluated:
            # About two in three reach their target; some overshoot, some fall short.
            share = rng.choice([0.4, 0.7, 0.9, 1.0, 1.05, 1.1, 1.2, 1.3, 1.5])
            achieved = _number(_bounded(baseline + sign * step * share, template), template.unit)
            first = max(
                baseline_day + timedelta(days=1), _date(evaluation[5], zone) or baseline_day
            )
            last = _date(evaluation[6], zone) or first
            last = min(last, now.astimezone(zone).date())
            first = min(first, last)
            measured = first + timedelta(days=rng.randint(0, (last - first).days))
        rows.append(
            (plan_id, order, template.name, template.unit, template.direction,
             _number(baseline, template.unit), baseline_day, _number(target, template.unit),
             achieved, measured, rng.choice(template.sdg_targets), template.source,
             evaluation[6] or created)
        )  # fmt: skip
    return rows


def legal_basis(
    rng: random.Random, start: date, stages: list[list[Any]], zone: Any
) -> tuple[str, str, date | None, str]:
    """(kind, number, date, lessons) once the institutionalisation stage is done, else blank."""
    stage = stages[INSTITUTIONALIZATION]
    done = _date(stage[6], zone)
    if stage[4] not in FINISHED or done is None:
        return ("", "", None, "")
    kind, pattern, _weight = rng.choices(LEGAL_BASES, [w for *_, w in LEGAL_BASES])[0]
    started = max(start, _date(stage[5], zone) or start)
    started = min(started, done)
    day = started + timedelta(days=rng.randint(0, (done - started).days))
    number = pattern.format(n=rng.randint(1, 180), year=day.year)
    return (kind, number, day, rng.choice(LESSONS))
