"""The replication story of the demo, as tables: who did what on which plan, and when.

History (DOMAIN.md): after the 6th FRIPP of 2020 (27 October, online) Kalimantan Selatan
chose Generasi Emas (Bali) and Sahabat Rimba (DIY); Jawa Tengah chose Sahabat Rimba at its
FRIPP of 4 November. The three plans were approved in early 2021 and completed in 2022,
each stage done, verified, sometimes late or moved later, every result measured and
institutionalised by a legal basis. Times are local to the adopting province.

This year's plans (replication.demo_live) use the same types with days from today instead
of dates. Both are replayed by replication.demo_replay, one verb of
replication.demo_verbs per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from replication.models import BudgetSource, Direction, LegalBasisKind

When = str | int  # "2021-01-18 10:30" local time, or days from today (10:00 local)


@dataclass(frozen=True)
class Step:
    when: When
    verb: str  # a key of replication.demo_replay.VERBS
    who: str  # username
    stage: str = ""  # the stage the step is about, if any
    note: str = ""
    day: When | None = None  # "asked": the proposed due date
    files: tuple[str, ...] = ()  # "done": the evidence uploaded with it


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    direction: str
    baseline: str
    baseline_date: When
    target: str
    sdg_target: str
    source: str
    achieved: str | None = None  # written when the evaluation stage is done
    measured_on: When | None = None


@dataclass(frozen=True)
class LegalBasis:
    kind: str
    number: str
    day: date


@dataclass(frozen=True)
class StoryPlan:
    innovation: str  # slug
    province: str  # Kemendagri code
    adopter: str  # institution name in that province
    local_name: str
    summary: str
    budget_source: str
    budget: int
    start: When
    end: When
    dues: tuple[When, ...]  # one per stage, in order, as filed
    indicators: tuple[Measure, ...]
    steps: tuple[Step, ...]
    legal_basis: LegalBasis | None = None  # written when institutionalisation is done
    lessons: str = ""


# Offices the live plans need beside jipp.demo's cast: (name, province, parent).
ADOPTERS = [
    (
        "Rumah Sakit Jiwa Sambang Lihum",
        "63",
        "Pemerintah Provinsi Kalimantan Selatan",
    ),
    (
        "Badan Keuangan Daerah Provinsi Kalimantan Selatan",
        "63",
        "Pemerintah Provinsi Kalimantan Selatan",
    ),
    (
        "Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah",
        "33",
        "Pemerintah Provinsi Jawa Tengah",
    ),
    (
        "Badan Pengelolaan Keuangan dan Aset Daerah Provinsi Jawa Tengah",
        "33",
        "Pemerintah Provinsi Jawa Tengah",
    ),
]

SKM = "Survei Kepuasan Masyarakat (PermenPANRB 14/2017)"
ALL_FIELDS = "adopter,local_name,summary,start_date,target_end_date,budget_source,budget_amount"

# --- 2020-2022: the story of DOMAIN.md, lived to its end ------------------------------

GENERASI_EMAS_BANUA = StoryPlan(
    innovation="mencerdaskan-si-miskin-menjadi-generasi-emas",
    province="63",
    adopter="Dinas Pendidikan dan Kebudayaan Provinsi Kalimantan Selatan",
    local_name="Generasi Emas Banua",
    summary="Beasiswa dan pendamping belajar bagi anak keluarga miskin di Kalimantan Selatan.",
    budget_source=BudgetSource.APBD,
    budget=1_200_000_000,
    start="2021-01-04",
    end="2022-12-30",
    dues=(
        "2021-02-26",
        "2021-04-30",
        "2021-07-30",
        "2021-11-30",
        "2022-05-31",
        "2022-08-31",
        "2022-11-30",
    ),
    indicators=(
        Measure(
            "Angka putus sekolah anak keluarga miskin (SD-SMA)",
            "%",
            Direction.DECREASE,
            "4.8",
            "2020-07-31",
            "3.0",
            "4.1",
            "Dapodik dan DTKS, diolah Dinas Pendidikan dan Kebudayaan",
            achieved="2.6",
            measured_on="2022-07-29",
        ),
        Measure(
            "Indeks Kepuasan Masyarakat (SKM) layanan beasiswa",
            "indeks (25-100)",
            Direction.INCREASE,
            "72.4",
            "2020-10-30",
            "82.0",
            "16.6",
            SKM,
            achieved="79.8",  # missed: the payments came late in the first semester
            measured_on="2022-07-29",
        ),
        Measure(
            "Anak keluarga miskin penerima beasiswa dan pendamping belajar",
            "anak",
            Direction.INCREASE,
            "0",
            "2020-12-31",
            "1500",
            "4.5",
            "Daftar penerima, Dinas Pendidikan dan Kebudayaan",
            achieved="1620",
            measured_on="2022-07-29",
        ),
    ),
    steps=(
        Step("2020-10-27 12:30", "filed", "forum.admin", note="forum"),
        Step("2020-11-16 10:20", "edited", "bappeda.kalsel", note=ALL_FIELDS),
        Step("2020-11-23 14:05", "submitted", "bappeda.kalsel"),
        Step(
            "2020-12-03 09:40",
            "returned",
            "kemenpan",
            note="Lengkapi rincian anggaran beasiswa per kabupaten dan jadwal pendampingan "
            "belajar.",
        ),
        Step("2020-12-10 15:10", "edited", "bappeda.kalsel", note="summary,budget_amount"),
        Step("2020-12-11 08:45", "submitted", "bappeda.kalsel"),
        Step(
            "2021-01-18 10:30",
            "approved",
            "kemenpan",
            note="Rencana layak; mulai dari kabupaten dengan angka putus sekolah tertinggi.",
        ),
        Step("2021-01-25 09:00", "started", "bappeda.kalsel", "identification"),
        Step(
            "2021-02-22 14:00",
            "done",
            "bappeda.kalsel",
            "identification",
            note="1.240 anak keluarga miskin putus sekolah pada 2020 di 13 kabupaten/kota; "
            "data DTKS dipadankan dengan Dapodik.",
            files=("analisis-masalah-putus-sekolah.pdf",),
        ),
        Step("2021-02-25 10:00", "verified", "kemenpan", "identification"),
        Step("2021-03-01 09:00", "started", "bappeda.kalsel", "learning"),
        Step(
            "2021-04-14 15:30",
            "done",
            "bappeda.kalsel",
            "learning",
            note="Studi tiru daring dengan Dinas Sosial Provinsi Bali dan pendampingan dua kali.",
            files=("laporan-studi-tiru-bali.pdf", "notulen-pendampingan.pdf"),
        ),
        Step("2021-04-19 11:00", "verified", "kemenpan", "learning"),
        Step("2021-04-20 09:00", "started", "bappeda.kalsel", "planning"),
        Step(
            "2021-07-23 16:00",
            "done",
            "bappeda.kalsel",
            "planning",
            note="Rencana aksi, SK Tim Generasi Emas Banua, dan pos beasiswa dalam DPA 2021.",
            files=("rencana-aksi-generasi-emas-banua.pdf", "sk-tim-generasi-emas.pdf"),
        ),
        Step("2021-07-28 10:00", "verified", "kemenpan", "planning"),
        Step("2021-08-02 09:00", "started", "bappeda.kalsel", "trial"),
        Step(
            "2021-11-15 13:00",
            "asked",
            "bappeda.kalsel",
            "trial",
            note="Pembelajaran tatap muka terbatas selama PPKM: uji coba di Kabupaten Tapin "
            "baru dapat dimulai Oktober.",
            day="2022-01-31",
        ),
        Step(
            "2021-11-18 09:30",
            "accepted",
            "kemenpan",
            "trial",
            note="Disetujui; laporkan hasil uji coba paling lambat akhir Januari.",
        ),
        Step(
            "2022-01-26 14:00",
            "done",
            "bappeda.kalsel",
            "trial",
            note="Uji coba di Kabupaten Tapin: 180 anak menerima beasiswa dan pendamping belajar.",
            files=("laporan-uji-coba-tapin.pdf",),
        ),
        Step("2022-02-02 10:00", "verified", "kemenpan", "trial"),
        Step("2022-02-07 09:00", "started", "bappeda.kalsel", "implementation"),
        Step(
            "2022-05-27 15:00",
            "done",
            "bappeda.kalsel",
            "implementation",
            note="Penerapan di 13 kabupaten/kota: 1.620 anak menerima beasiswa dan pendamping.",
            files=("laporan-penerapan-semester-1.pdf", "laporan-penerapan-semester-2.pdf"),
        ),
        Step("2022-06-06 10:30", "verified", "kemenpan", "implementation"),
        Step("2022-06-08 09:00", "started", "bappeda.kalsel", "evaluation"),
        Step(
            "2022-08-19 16:00",
            "done",
            "bappeda.kalsel",
            "evaluation",
            note="Evaluasi dampak dan survei kepuasan penerima beasiswa.",
            files=("laporan-evaluasi-generasi-emas-banua.pdf",),
        ),
        Step(
            "2022-08-26 10:00",
            "stage_returned",
            "kemenpan",
            "evaluation",
            note="Lampirkan rekap kuesioner SKM per kabupaten/kota, bukan hanya nilai indeksnya.",
        ),
        Step(
            "2022-08-30 14:30",
            "done",
            "bappeda.kalsel",
            "evaluation",
            note="Evaluasi dampak dan survei kepuasan penerima beasiswa, dengan rekap "
            "kuesioner SKM per kabupaten/kota.",
            files=("rekap-kuesioner-skm.pdf",),
        ),
        Step("2022-09-05 10:00", "verified", "kemenpan", "evaluation"),
        Step("2022-09-07 09:00", "started", "bappeda.kalsel", "institutionalization"),
        Step(
            "2022-11-24 15:00",
            "done",
            "bappeda.kalsel",
            "institutionalization",
            note="Pergub tentang Program Generasi Emas Banua ditetapkan; SOP penyaluran "
            "beasiswa dan anggaran rutin dalam RKPD 2023.",
            files=("pergub-generasi-emas-banua.pdf", "sop-beasiswa-generasi-emas.pdf"),
        ),
        Step("2022-12-06 10:00", "verified", "kemenpan", "institutionalization"),
    ),
    legal_basis=LegalBasis(
        LegalBasisKind.PERGUB,
        "077 Tahun 2022",
        date(2022, 11, 8),
    ),
    lessons=(
        "Padankan DTKS dengan Dapodik sebelum menetapkan sasaran: sepertiga anak yang "
        "berisiko putus sekolah tidak tercatat di salah satunya. Cairkan beasiswa sebelum "
        "tahun ajaran dimulai; keterlambatan pada semester pertama menurunkan kepuasan "
        "penerima. Pendamping belajar dari mahasiswa setempat lebih murah dan lebih dekat "
        "dengan keluarga."
    ),
)

SAHABAT_HUTAN_BANUA = StoryPlan(
    innovation="menggapai-mimpi-sahabat-rimba",
    province="63",
    adopter="Dinas Kehutanan Provinsi Kalimantan Selatan",
    local_name="Sahabat Hutan Banua",
    summary="Pendampingan kelompok tani hutan di sekitar Pegunungan Meratus.",
    budget_source=BudgetSource.APBD,
    budget=750_000_000,
    start="2021-02-01",
    end="2022-10-31",
    dues=(
        "2021-03-31",
        "2021-05-31",
        "2021-08-31",
        "2021-11-30",
        "2022-05-31",
        "2022-08-15",
        "2022-10-31",
    ),
    indicators=(
        Measure(
            "Luas kebakaran hutan dan lahan di wilayah kelompok tani hutan binaan",
            "ha",
            Direction.DECREASE,
            "1250",
            "2019-12-31",
            "600",
            "15.2",
            "Data titik panas dan laporan Manggala Agni, Dinas Kehutanan",
            achieved="410",
            measured_on="2022-07-31",
        ),
        Measure(
            "Pendapatan rata-rata anggota kelompok tani hutan",
            "Rp ribu/bulan",
            Direction.INCREASE,
            "1850",
            "2020-12-31",
            "2400",
            "1.2",
            "Survei rumah tangga kelompok tani hutan, Dinas Kehutanan",
            achieved="2310",  # missed: the honey harvest failed in the 2022 rains
            measured_on="2022-07-31",
        ),
        Measure(
            "Indeks Kepuasan Masyarakat (SKM) layanan penyuluhan kehutanan",
            "indeks (25-100)",
            Direction.INCREASE,
            "74.1",
            "2020-12-31",
            "80.0",
            "16.6",
            SKM,
            achieved="83.5",
            measured_on="2022-07-31",
        ),
    ),
    steps=(
        Step("2020-10-27 12:35", "filed", "forum.admin", note="forum"),
        Step("2020-11-20 10:00", "edited", "bappeda.kalsel", note=ALL_FIELDS),
        Step("2020-11-27 14:00", "submitted", "bappeda.kalsel"),
        Step(
            "2021-02-08 10:00",
            "approved",
            "kemenpan",
            note="Rencana layak; libatkan kelompok tani hutan sejak identifikasi.",
        ),
        Step("2021-02-10 09:00", "started", "bappeda.kalsel", "identification"),
        Step(
            "2021-03-26 15:00",
            "done",
            "bappeda.kalsel",
            "identification",
            note="Pemetaan 24 kelompok tani hutan di lima kabupaten sekitar Meratus.",
            files=("pemetaan-kelompok-tani-hutan.pdf",),
        ),
        Step("2021-03-31 10:00", "verified", "kemenpan", "identification"),
        Step("2021-04-05 09:00", "started", "bappeda.kalsel", "learning"),
        Step(
            "2021-06-03 16:00",  # three days late: the T+1 chaser went out
            "done",
            "bappeda.kalsel",
            "learning",
            note="Studi tiru ke Balai KPH Yogyakarta dan pelatihan madu hutan.",
            files=("laporan-studi-tiru-kph-yogyakarta.pdf",),
        ),
        Step("2021-06-08 10:00", "verified", "kemenpan", "learning"),
        Step("2021-06-10 09:00", "started", "bappeda.kalsel", "planning"),
        Step(
            "2021-08-20 11:00",
            "asked",
            "bappeda.kalsel",
            "planning",
            note="SK Tim menunggu pelantikan kepala dinas yang baru.",
            day="2021-09-30",
        ),
        Step("2021-08-24 09:00", "accepted", "kemenpan", "planning"),
        Step(
            "2021-09-27 15:00",
            "done",
            "bappeda.kalsel",
            "planning",
            note="Rencana aksi, SK Tim dan perjanjian kerja sama dengan 24 kelompok tani hutan.",
            files=("rencana-aksi-sahabat-hutan-banua.pdf",),
        ),
        Step("2021-10-04 10:00", "verified", "kemenpan", "planning"),
        Step("2021-10-06 09:00", "started", "bappeda.kalsel", "trial"),
        Step(
            "2021-11-26 15:00",
            "done",
            "bappeda.kalsel",
            "trial",
            note="Uji coba dengan enam kelompok tani hutan di Kabupaten Banjar.",
            files=("laporan-uji-coba-banjar.pdf",),
        ),
        Step("2021-12-01 10:00", "verified", "kemenpan", "trial"),
        Step("2021-12-06 09:00", "started", "bappeda.kalsel", "implementation"),
        Step(
            "2022-05-30 15:00",
            "done",
            "bappeda.kalsel",
            "implementation",
            note="Penerapan pada 24 kelompok tani hutan; patroli bersama setiap bulan.",
            files=("laporan-penerapan-sahabat-hutan.pdf",),
        ),
        Step("2022-06-07 10:00", "verified", "kemenpan", "implementation"),
        Step("2022-06-09 09:00", "started", "bappeda.kalsel", "evaluation"),
        Step(
            "2022-08-12 15:00",
            "done",
            "bappeda.kalsel",
            "evaluation",
            note="Evaluasi luas kebakaran, pendapatan anggota dan kepuasan layanan penyuluhan.",
            files=("laporan-evaluasi-sahabat-hutan.pdf",),
        ),
        Step("2022-08-18 10:00", "verified", "kemenpan", "evaluation"),
        Step("2022-08-22 09:00", "started", "bappeda.kalsel", "institutionalization"),
        Step(
            "2022-10-20 15:00",
            "done",
            "bappeda.kalsel",
            "institutionalization",
            note="Keputusan Kepala Dinas tentang pembinaan kelompok tani hutan dan SOP patroli.",
            files=("keputusan-kepala-dinas-kehutanan.pdf",),
        ),
        Step("2022-10-27 10:00", "verified", "kemenpan", "institutionalization"),
    ),
    legal_basis=LegalBasis(
        LegalBasisKind.SK_KEPALA_OPD,
        "188.4/117/DISHUT/2022",
        date(2022, 10, 3),
    ),
    lessons=(
        "Mulailah dari kelompok tani hutan yang sudah berjalan. Pendapatan baru dari madu "
        "dan wisata alam bergantung pada musim: siapkan lebih dari satu usaha per kelompok."
    ),
)

SAHABAT_RIMBA_JATENG = StoryPlan(
    innovation="menggapai-mimpi-sahabat-rimba",
    province="33",
    adopter="Dinas Lingkungan Hidup dan Kehutanan Provinsi Jawa Tengah",
    local_name="Sahabat Rimba Jateng",
    summary="Replikasi Sahabat Rimba di kawasan hutan lereng Gunung Merapi dan Merbabu.",
    budget_source=BudgetSource.APBD,
    budget=400_000_000,
    start="2021-03-01",
    end="2022-12-15",
    dues=(
        "2021-04-30",
        "2021-06-30",
        "2021-09-30",
        "2022-01-31",
        "2022-06-30",
        "2022-09-30",
        "2022-12-15",
    ),
    indicators=(
        Measure(
            "Luas lahan kritis yang direhabilitasi bersama kelompok tani hutan",
            "ha",
            Direction.INCREASE,
            "0",
            "2020-12-31",
            "350",
            "15.3",
            "Laporan rehabilitasi hutan dan lahan, DLHK Jawa Tengah",
            achieved="372",
            measured_on="2022-08-31",
        ),
        Measure(
            "Kejadian gangguan hutan (perambahan dan pembalakan liar)",
            "kejadian/tahun",
            Direction.DECREASE,
            "46",
            "2020-12-31",
            "25",
            "15.2",
            "Laporan patroli polisi kehutanan, DLHK Jawa Tengah",
            achieved="29",  # missed
            measured_on="2022-08-31",
        ),
        Measure(
            "Indeks Kepuasan Masyarakat (SKM) layanan pendampingan kelompok tani hutan",
            "indeks (25-100)",
            Direction.INCREASE,
            "76.8",
            "2020-12-31",
            "82.0",
            "16.6",
            SKM,
            achieved="84.2",
            measured_on="2022-08-31",
        ),
    ),
    steps=(
        Step("2020-11-04 12:00", "filed", "forum.admin", note="forum"),
        Step("2020-12-14 10:00", "edited", "bappeda.jateng", note=ALL_FIELDS),
        Step("2021-01-11 14:00", "submitted", "bappeda.jateng"),
        Step("2021-02-22 10:00", "approved", "kemenpan", note="Rencana layak; lanjutkan."),
        Step("2021-03-02 09:00", "started", "bappeda.jateng", "identification"),
        Step(
            "2021-04-28 15:00",
            "done",
            "bappeda.jateng",
            "identification",
            note="Identifikasi lahan kritis dan 15 kelompok tani hutan di lereng Merapi-Merbabu.",
            files=("identifikasi-lahan-kritis.pdf",),
        ),
        Step("2021-05-04 10:00", "verified", "kemenpan", "identification"),
        Step("2021-05-06 09:00", "started", "bappeda.jateng", "learning"),
        Step(
            "2021-06-21 11:00",
            "asked",
            "bappeda.jateng",
            "learning",
            note="Studi tiru ke KPH Yogyakarta tertunda karena PPKM Darurat.",
            day="2021-08-31",
        ),
        Step("2021-06-24 09:00", "accepted", "kemenpan", "learning"),
        Step(
            "2021-08-25 15:00",
            "done",
            "bappeda.jateng",
            "learning",
            note="Studi tiru ke Balai KPH Yogyakarta setelah PPKM dilonggarkan.",
            files=("laporan-studi-tiru.pdf",),
        ),
        Step("2021-08-31 10:00", "verified", "kemenpan", "learning"),
        Step("2021-09-01 09:00", "started", "bappeda.jateng", "planning"),
        Step(
            "2021-10-12 15:00",  # twelve days late: both chasers went out
            "done",
            "bappeda.jateng",
            "planning",
            note="Rencana aksi dan SK Tim Sahabat Rimba Jateng.",
            files=("rencana-aksi-sahabat-rimba-jateng.pdf",),
        ),
        Step("2021-10-19 10:00", "verified", "kemenpan", "planning"),
        Step("2021-10-25 09:00", "started", "bappeda.jateng", "trial"),
        Step(
            "2022-01-20 11:00",
            "asked",
            "bappeda.jateng",
            "trial",
            note="Musim hujan: penanaman bibit di lereng Merbabu diundur.",
            day="2022-03-15",
        ),
        Step("2022-01-24 09:00", "accepted", "kemenpan", "trial"),
        Step(
            "2022-03-10 15:00",
            "done",
            "bappeda.jateng",
            "trial",
            note="Uji coba dengan tiga kelompok tani hutan di Kabupaten Magelang.",
            files=("laporan-uji-coba-magelang.pdf",),
        ),
        Step("2022-03-17 10:00", "verified", "kemenpan", "trial"),
        Step("2022-03-21 09:00", "started", "bappeda.jateng", "implementation"),
        Step(
            "2022-06-28 15:00",
            "done",
            "bappeda.jateng",
            "implementation",
            note="Penerapan pada 15 kelompok tani hutan di Magelang, Boyolali dan Klaten.",
            files=("laporan-penerapan.pdf",),
        ),
        Step("2022-07-05 10:00", "verified", "kemenpan", "implementation"),
        Step("2022-07-11 09:00", "started", "bappeda.jateng", "evaluation"),
        Step(
            "2022-09-26 15:00",
            "done",
            "bappeda.jateng",
            "evaluation",
            note="Evaluasi rehabilitasi lahan, gangguan hutan dan kepuasan kelompok tani hutan.",
            files=("laporan-evaluasi.pdf",),
        ),
        Step("2022-10-03 10:00", "verified", "kemenpan", "evaluation"),
        Step("2022-10-05 09:00", "started", "bappeda.jateng", "institutionalization"),
        Step(
            "2022-12-08 15:00",
            "done",
            "bappeda.jateng",
            "institutionalization",
            note="Keputusan Gubernur tentang kemitraan kehutanan Sahabat Rimba dan SOP patroli.",
            files=("keputusan-gubernur-sahabat-rimba.pdf",),
        ),
        Step("2022-12-14 10:00", "verified", "kemenpan", "institutionalization"),
    ),
    legal_basis=LegalBasis(
        LegalBasisKind.SK_KEPALA_DAERAH,
        "522/47 Tahun 2022",
        date(2022, 11, 21),
    ),
    lessons=(
        "Jadwalkan penanaman menurut musim, bukan menurut tahun anggaran. Patroli bersama "
        "masyarakat menurunkan gangguan hutan, tetapi butuh lebih dari dua tahun."
    ),
)

HISTORY = [GENERASI_EMAS_BANUA, SAHABAT_HUTAN_BANUA, SAHABAT_RIMBA_JATENG]
