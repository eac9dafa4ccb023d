"""The four innovations presented at the 6th FRIPP of 2020, for Kalimantan Selatan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from innovations.models import (
    SDG,
    Category,
    Innovation,
    InnovationRevision,
    InnovationStatus,
    KippRecognition,
    Phase,
    RevisionStatus,
)
from innovations.workflow import innovation_data
from jipp.models import Institution, User
from jipp.services import record_event

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class DemoInnovation:
    slug: str
    title: str
    innovator: str
    category: str
    sdgs: tuple[int, ...]
    phase: str
    launched_year: int
    approved_at: datetime
    summary: str
    problem: str
    solution: str
    results: str
    requirements: str
    email: str = ""


INNOVATIONS = [
    DemoInnovation(
        slug="omspan",
        title="Omspan: Online Monitoring Sistem Perbendaharaan dan Anggaran Negara",
        innovator="Direktorat Jenderal Perbendaharaan",
        category="keuangan-anggaran",
        sdgs=(16, 17),
        phase=Phase.INSTITUTIONALIZATION,
        launched_year=2014,
        approved_at=datetime(2020, 3, 2, 9, 0, tzinfo=WIB),
        summary=(
            "Aplikasi daring untuk memantau pelaksanaan anggaran dan perbendaharaan negara "
            "secara waktu nyata oleh satuan kerja, kementerian dan pemerintah daerah."
        ),
        problem=(
            "Laporan realisasi anggaran dikumpulkan manual dan terlambat, sehingga pimpinan "
            "tidak dapat mengambil keputusan berdasarkan data terkini."
        ),
        solution=(
            "Satu portal pemantauan yang menarik data transaksi perbendaharaan setiap hari "
            "dan menyajikannya dalam dasbor untuk setiap tingkat pengguna."
        ),
        results=(
            "Rekonsiliasi lebih cepat, laporan keuangan tepat waktu, dan penyerapan "
            "anggaran dapat dipantau sepanjang tahun."
        ),
        requirements=(
            "Akses internet, petugas pengelola keuangan terlatih, dan integrasi dengan "
            "sistem keuangan daerah."
        ),
        email="omspan@kemenkeu.go.id",
    ),
    DemoInnovation(
        slug="menggapai-mimpi-sahabat-rimba",
        title="Menggapai Mimpi Sahabat Rimba",
        innovator="Balai Kesatuan Pengelolaan Hutan Yogyakarta",
        category="lingkungan-hidup-kehutanan",
        sdgs=(15, 13, 8),
        phase=Phase.DEVELOPMENT,
        launched_year=2018,
        approved_at=datetime(2020, 5, 18, 10, 0, tzinfo=WIB),
        summary=(
            "Pendampingan masyarakat sekitar hutan agar menjadi sahabat rimba: menjaga "
            "hutan sambil mengembangkan usaha hasil hutan bukan kayu dan wisata alam."
        ),
        problem=(
            "Perambahan dan kebakaran hutan terjadi karena masyarakat sekitar hutan belum "
            "merasakan manfaat ekonomi dari hutan yang lestari."
        ),
        solution=(
            "Kelompok tani hutan dibina bersama, diberi akses pemanfaatan hutan, pelatihan "
            "usaha, dan dilibatkan dalam patroli serta pemadaman kebakaran."
        ),
        results=(
            "Gangguan hutan menurun, pendapatan kelompok tani hutan naik, dan kunjungan "
            "wisata alam bertambah."
        ),
        requirements=(
            "Unit pengelola hutan, penyuluh kehutanan, anggaran pembinaan kelompok, dan "
            "kesepakatan pemanfaatan hutan dengan masyarakat."
        ),
        email="kphyogyakarta@jogjaprov.go.id",
    ),
    DemoInnovation(
        slug="si-terpa-daya-jiwa",
        title="Si Terpa Daya Jiwa",
        innovator="Rumah Sakit Jiwa Daerah Provinsi Jawa Tengah",
        category="kesehatan",
        sdgs=(3, 10),
        phase=Phase.DEVELOPMENT,
        launched_year=2019,
        approved_at=datetime(2020, 6, 8, 9, 0, tzinfo=WIB),
        summary=(
            "Layanan terpadu pemberdayaan orang dengan gangguan jiwa agar pulih, mandiri, "
            "dan diterima kembali oleh keluarga serta masyarakat."
        ),
        problem=(
            "Pasien yang pulang dari rumah sakit jiwa sering kambuh karena tidak ada "
            "pendampingan dan kegiatan produktif di lingkungannya."
        ),
        solution=(
            "Rumah sakit, puskesmas, dan kader desa mendampingi pasien setelah pulang, "
            "dengan pelatihan keterampilan kerja dan kunjungan rumah terjadwal."
        ),
        results="Angka kekambuhan turun dan lebih banyak pasien kembali bekerja.",
        requirements=(
            "Rumah sakit jiwa atau puskesmas dengan layanan jiwa, kader kesehatan jiwa, "
            "dan mitra pelatihan kerja."
        ),
    ),
    DemoInnovation(
        slug="mencerdaskan-si-miskin-menjadi-generasi-emas",
        title="Mencerdaskan Si Miskin Menjadi Generasi Emas",
        innovator="Dinas Sosial Provinsi Bali",
        category="pendidikan",
        sdgs=(4, 1, 10),
        phase=Phase.DEVELOPMENT,
        launched_year=2017,
        approved_at=datetime(2020, 7, 20, 9, 0, tzinfo=WIB),
        summary=(
            "Beasiswa dan pendampingan belajar bagi anak dari keluarga miskin agar tetap "
            "bersekolah hingga tuntas dan siap bekerja."
        ),
        problem=(
            "Anak dari keluarga miskin putus sekolah untuk membantu ekonomi keluarga, "
            "sehingga kemiskinan berlanjut ke generasi berikutnya."
        ),
        solution=(
            "Data keluarga miskin dipadukan dengan data sekolah; anak yang berisiko putus "
            "sekolah mendapat beasiswa, pendamping belajar, dan pelatihan keterampilan."
        ),
        results="Angka putus sekolah anak keluarga miskin menurun di kabupaten peserta.",
        requirements=(
            "Data terpadu kesejahteraan sosial, kerja sama dinas sosial dan dinas "
            "pendidikan, serta anggaran beasiswa daerah."
        ),
    ),
]


# Waiting for the ministry: a new innovation of the DIY forest unit, and an update of
# its approved one (new results), both submitted a few days before the demo is loaded.
SUBMITTED = DemoInnovation(
    slug="si-jaga-hutan",
    title="Si Jaga Hutan: Patroli Hutan Berbasis Aplikasi",
    innovator="Balai Kesatuan Pengelolaan Hutan Yogyakarta",
    category="lingkungan-hidup-kehutanan",
    sdgs=(15, 13),
    phase=Phase.CREATION,
    launched_year=2020,
    approved_at=datetime(2020, 10, 1, tzinfo=WIB),  # unused: not approved
    summary=(
        "Aplikasi ponsel untuk patroli hutan bersama masyarakat: temuan kebakaran, "
        "pembalakan liar dan satwa dilindungi dilaporkan dengan foto dan titik lokasi."
    ),
    problem=(
        "Laporan patroli ditulis di kertas dan baru sampai ke kantor berhari-hari "
        "kemudian, sehingga titik api dan perambahan terlambat ditangani."
    ),
    solution=(
        "Petugas dan kelompok tani hutan melapor lewat aplikasi yang bekerja tanpa "
        "sinyal; laporan terkirim saat tersambung dan tampil di peta kantor balai."
    ),
    results=(
        "Waktu tanggap terhadap titik api turun dari tiga hari menjadi kurang dari "
        "sehari pada uji coba di dua resor pengelolaan hutan."
    ),
    requirements=(
        "Ponsel Android untuk petugas, pelatihan kelompok tani hutan, dan server "
        "kecil atau layanan awan pemerintah daerah."
    ),
    email="kphyogyakarta@jogjaprov.go.id",
)
REVISED_SLUG = "menggapai-mimpi-sahabat-rimba"
REVISED_RESULTS = (
    "Gangguan hutan menurun, pendapatan kelompok tani hutan naik rata-rata 30 persen, "
    "kunjungan wisata alam bertambah, dan tidak ada kebakaran besar sejak 2019."
)


def _seed_submitted(innovator_user: User | None) -> list[str]:
    item = SUBMITTED
    if Innovation.objects.filter(slug=item.slug).exists():
        return []
    innovator = Institution.objects.get(name=item.innovator)
    submitted_at = timezone.now() - timedelta(days=3)
    innovation = Innovation.objects.create(
        slug=item.slug,
        title=item.title,
        innovator=innovator,
        province=innovator.province,
        category=Category.objects.get(slug=item.category),
        phase=item.phase,
        launched_year=item.launched_year,
        summary=item.summary,
        problem=item.problem,
        solution=item.solution,
        results=item.results,
        replication_requirements=item.requirements,
        contact_email=item.email,
        kipp_recognition=KippRecognition.NONE,
        status=InnovationStatus.SUBMITTED,
        created_by=innovator_user,
        submitted_at=submitted_at,
    )
    innovation.sdgs.set(SDG.objects.filter(number__in=item.sdgs))
    event = record_event(
        actor=innovator_user,
        action="innovation_submitted",
        target=innovation,
        from_status=InnovationStatus.DRAFT,
        to_status=InnovationStatus.SUBMITTED,
    )
    event.created_at = submitted_at
    event.save(update_fields=["created_at"])
    return [item.slug]


def _seed_revision(innovator_user: User | None) -> list[str]:
    innovation = Innovation.objects.filter(slug=REVISED_SLUG).first()
    if innovation is None or innovation.revisions.exists():
        return []
    submitted_at = timezone.now() - timedelta(days=2)
    revision = InnovationRevision.objects.create(
        innovation=innovation,
        data={**innovation_data(innovation), "results": REVISED_RESULTS},
        status=RevisionStatus.SUBMITTED,
        created_by=innovator_user,
        created_at=submitted_at,
        submitted_at=submitted_at,
    )
    event = record_event(
        actor=innovator_user,
        action="revision_submitted",
        target=revision,
        from_status=RevisionStatus.DRAFT,
        to_status=RevisionStatus.SUBMITTED,
    )
    event.created_at = submitted_at
    event.save(update_fields=["created_at"])
    return [f"{REVISED_SLUG} (update)"]


@transaction.atomic
def seed() -> list[str]:
    created = []
    for item in INNOVATIONS:
        if Innovation.objects.filter(slug=item.slug).exists():
            continue
        innovator = Institution.objects.get(name=item.innovator)
        innovation = Innovation.objects.create(
            slug=item.slug,
            title=item.title,
            innovator=innovator,
            province=innovator.province,
            category=Category.objects.get(slug=item.category),
            phase=item.phase,
            launched_year=item.launched_year,
            summary=item.summary,
            problem=item.problem,
            solution=item.solution,
            results=item.results,
            replication_requirements=item.requirements,
            contact_email=item.email,
            status=InnovationStatus.APPROVED,
            submitted_at=item.approved_at,
            reviewed_at=item.approved_at,
            approved_at=item.approved_at,
        )
        innovation.sdgs.set(SDG.objects.filter(number__in=item.sdgs))
        created.append(item.slug)
    innovator_user = User.objects.filter(username="inovator.diy").first()
    created += _seed_submitted(innovator_user)
    created += _seed_revision(innovator_user)
    return created
