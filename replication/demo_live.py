"""This year's plans of the demo story: dated in days from today, so the demo is current
whenever it is loaded. Kalimantan Selatan and Jawa Tengah each have an approved plan with
a stage due around today (one this week, one late); a done stage, a due-date request and a
submitted plan wait for the ministry. Replayed by replication.demo_replay.
"""

from __future__ import annotations

from replication.demo_story import SKM, Measure, Step, StoryPlan
from replication.models import BudgetSource, Direction

JIWA_SEHAT_BANUA = StoryPlan(  # Kalsel, approved: its trial is due in four days
    innovation="si-terpa-daya-jiwa",
    province="63",
    adopter="Rumah Sakit Jiwa Sambang Lihum",
    local_name="Jiwa Sehat Banua",
    summary="Pendampingan pasien gangguan jiwa setelah pulang, bersama puskesmas dan kader desa.",
    budget_source=BudgetSource.APBD,
    budget=650_000_000,
    start=-150,
    end=365,
    dues=(-120, -80, -45, 4, 90, 180, 260),
    indicators=(
        Measure(
            "Indeks Kepuasan Masyarakat (SKM) layanan kesehatan jiwa",
            "indeks (25-100)",
            Direction.INCREASE,
            "75.2",
            -160,
            "82.0",
            "16.6",
            SKM,
        ),
        Measure(
            "Angka kekambuhan pasien dalam enam bulan setelah pulang",
            "%",
            Direction.DECREASE,
            "38",
            -160,
            "25",
            "3.4",
            "Rekam medis RSJ Sambang Lihum",
        ),
    ),
    steps=(
        Step(-190, "filed", "bappeda.kalsel"),
        Step(-185, "submitted", "bappeda.kalsel"),
        Step(-178, "approved", "kemenpan", note="Rencana layak; libatkan puskesmas sejak awal."),
        Step(-175, "started", "bappeda.kalsel", "identification"),
        Step(
            -125,
            "done",
            "bappeda.kalsel",
            "identification",
            note="Data pasien pulang dua tahun terakhir dan kesiapan 12 puskesmas mitra.",
            files=("analisis-kebutuhan-jiwa-sehat.pdf",),
        ),
        Step(-121, "verified", "kemenpan", "identification"),
        Step(-120, "started", "bappeda.kalsel", "learning"),
        Step(
            -84,
            "done",
            "bappeda.kalsel",
            "learning",
            note="Kunjungan belajar ke RSJD Provinsi Jawa Tengah.",
            files=("laporan-kunjungan-rsjd-jateng.pdf",),
        ),
        Step(-80, "verified", "kemenpan", "learning"),
        Step(-79, "started", "bappeda.kalsel", "planning"),
        Step(
            -46,
            "done",
            "bappeda.kalsel",
            "planning",
            note="Rencana aksi dan SK Tim Jiwa Sehat Banua.",
            files=("rencana-aksi-jiwa-sehat-banua.pdf",),
        ),
        Step(-42, "verified", "kemenpan", "planning"),
        Step(-40, "started", "bappeda.kalsel", "trial"),
        Step(
            -4,  # before the trial's T-7 moment: the first sweep still sends it
            "asked",
            "bappeda.kalsel",
            "trial",
            note="Dua puskesmas mitra baru siap bulan depan; uji coba diperpanjang.",
            day=30,
        ),
    ),
)

PANTAU_ANGGARAN_BANUA = StoryPlan(  # Kalsel, approved: learning six days late
    innovation="omspan",
    province="63",
    adopter="Badan Keuangan Daerah Provinsi Kalimantan Selatan",
    local_name="Pantau Anggaran Banua",
    summary="Pemantauan realisasi APBD harian oleh setiap perangkat daerah.",
    budget_source=BudgetSource.APBD,
    budget=300_000_000,
    start=-75,
    end=300,
    dues=(-40, -6, 40, 120, 200, 260, 300),
    indicators=(
        Measure(
            "Perangkat daerah yang melaporkan realisasi anggaran tepat waktu",
            "%",
            Direction.INCREASE,
            "61",
            -90,
            "95",
            "16.6",
            "Laporan realisasi APBD, Badan Keuangan Daerah",
        ),
    ),
    steps=(
        Step(-95, "filed", "bappeda.kalsel"),
        Step(-90, "submitted", "bappeda.kalsel"),
        Step(-82, "approved", "kemenpan", note="Rencana layak; lanjutkan."),
        Step(-78, "started", "bappeda.kalsel", "identification"),
        Step(
            -42,
            "done",
            "bappeda.kalsel",
            "identification",
            note="Pemetaan alur laporan realisasi 52 perangkat daerah.",
            files=("pemetaan-alur-laporan.pdf",),
        ),
        Step(-38, "verified", "kemenpan", "identification"),
        Step(-37, "started", "bappeda.kalsel", "learning"),
    ),
)

GENERASI_EMAS_JATENG = StoryPlan(  # Jateng, approved: learning done, waiting for the ministry
    innovation="mencerdaskan-si-miskin-menjadi-generasi-emas",
    province="33",
    adopter="Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah",
    local_name="Generasi Emas Jateng",
    summary="Beasiswa dan pendamping belajar bagi anak keluarga miskin di Jawa Tengah.",
    budget_source=BudgetSource.APBD,
    budget=2_000_000_000,
    start=-130,
    end=330,
    dues=(-100, -8, 45, 110, 200, 270, 330),
    indicators=(
        Measure(
            "Indeks Kepuasan Masyarakat (SKM) layanan beasiswa",
            "indeks (25-100)",
            Direction.INCREASE,
            "74.0",
            -170,
            "82.0",
            "16.6",
            SKM,
        ),
        Measure(
            "Angka putus sekolah anak keluarga miskin (SD-SMA)",
            "%",
            Direction.DECREASE,
            "3.9",
            -170,
            "2.5",
            "4.1",
            "Dapodik dan DTKS, diolah Dinas Pendidikan dan Kebudayaan",
        ),
    ),
    steps=(
        Step(-160, "filed", "bappeda.jateng"),
        Step(-150, "submitted", "bappeda.jateng"),
        Step(-140, "approved", "kemenpan", note="Rencana layak; lanjutkan."),
        Step(-138, "started", "bappeda.jateng", "identification"),
        Step(
            -102,
            "done",
            "bappeda.jateng",
            "identification",
            note="Padanan DTKS dan Dapodik di 35 kabupaten/kota.",
            files=("analisis-sasaran-generasi-emas-jateng.pdf",),
        ),
        Step(-97, "verified", "kemenpan", "identification"),
        Step(-95, "started", "bappeda.jateng", "learning"),
        Step(
            -2,  # six days late
            "done",
            "bappeda.jateng",
            "learning",
            note="Studi tiru ke Dinas Pendidikan dan Kebudayaan Kalimantan Selatan.",
            files=("laporan-studi-tiru-kalsel.pdf",),
        ),
        Step(-1, "started", "bappeda.jateng", "planning"),
    ),
)

PANTAU_ANGGARAN_JATENG = StoryPlan(  # Jateng, submitted: waiting in the review queue
    innovation="omspan",
    province="33",
    adopter="Badan Pengelolaan Keuangan dan Aset Daerah Provinsi Jawa Tengah",
    local_name="Pantau Anggaran Jateng",
    summary="Dasbor realisasi APBD Jawa Tengah untuk pimpinan daerah.",
    budget_source=BudgetSource.APBD,
    budget=250_000_000,
    start=20,
    end=380,
    dues=(50, 100, 150, 200, 260, 320, 380),
    indicators=(
        Measure(
            "Perangkat daerah yang melaporkan realisasi anggaran tepat waktu",
            "%",
            Direction.INCREASE,
            "70",
            -30,
            "95",
            "16.6",
            "Laporan realisasi APBD, BPKAD Jawa Tengah",
        ),
        Measure(
            "Indeks Kepuasan Masyarakat (SKM) layanan informasi anggaran",
            "indeks (25-100)",
            Direction.INCREASE,
            "71.5",
            -30,
            "80.0",
            "16.10",
            SKM,
        ),
    ),
    steps=(
        Step(-6, "filed", "bappeda.jateng"),
        Step(-2, "submitted", "bappeda.jateng"),
    ),
)

LIVE = [JIWA_SEHAT_BANUA, PANTAU_ANGGARAN_BANUA, GENERASI_EMAS_JATENG, PANTAU_ANGGARAN_JATENG]
