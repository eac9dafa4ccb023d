"""The vocabulary and sentences of synthetic innovations (see innovations.synthetic).

Indonesian public-service words by sector, and sentence templates. General words are
drawn with weight 1/rank (Zipf-like): a handful are in nearly every innovation. No word
here may have the stem of the broad search word ("layan": pelayanan, layanan, melayani,
terlayani...) or be the selective one: the generator alone decides which innovations
carry them.
"""

from __future__ import annotations

import itertools
import random
import re


def table(text: str) -> list[list[str]]:
    """Rows of "a|b|c" lines."""
    return [line.strip().split("|") for line in text.strip().splitlines()]


# Sectors: category slug | weight | main SDG | its words.
SECTORS = {slug: (int(weight), int(sdg), words.split(",")) for slug, weight, sdg, words in table("""
kesehatan|18|3|puskesmas,posyandu,bidan,pasien,obat,vaksin,imunisasi,stunting,gizi,ibu hamil,balita
pendidikan|12|4|guru,siswa,sekolah,literasi,perpustakaan,beasiswa,kelas,kurikulum,madrasah
sosial|9|1|disabilitas,kemiskinan,bantuan sosial,lansia,anak yatim,rehabilitasi sosial
lingkungan-hidup-kehutanan|7|15|sampah,sungai,hutan,kompos,daur ulang,banjir,gambut,bank sampah
keuangan-anggaran|5|16|pajak,retribusi,anggaran,belanja daerah,kas daerah,aset,pendapatan
kependudukan|9|16|akta kelahiran,akta kematian,KTP,kartu keluarga,data kependudukan,KIA
perizinan|7|8|izin usaha,investasi,izin bangunan,investor,reklame,perizinan
pertanian-pangan|6|2|petani,pupuk,benih,sawah,panen,pangan,ternak,irigasi,nelayan,ikan
ketenagakerjaan|3|8|pekerja,lowongan kerja,pencari kerja,magang,sertifikasi,upah
perhubungan|4|11|angkutan umum,parkir,terminal,bus sekolah,kendaraan,lalu lintas,pelabuhan
pariwisata|4|8|wisata,wisatawan,budaya,kerajinan,festival,homestay,kuliner
pekerjaan-umum|4|6|jalan,jembatan,drainase,sanitasi,rumah layak huni,air bersih,irigasi
ekonomi-umkm|6|8|UMKM,koperasi,modal usaha,produk lokal,pemasaran,pasar,kredit,wirausaha
tata-kelola|10|16|aparatur,birokrasi,arsip,rapat,kinerja,pengawasan,perencanaan,e-office
ketertiban|3|16|bencana,kebakaran,keamanan,patroli,ketertiban umum,relawan,evakuasi
""")}  # fmt: skip
NOUNS = """masyarakat desa warga data informasi aplikasi digital anak sekolah keluarga
petugas pemerintah kecamatan kelurahan program sistem akses waktu biaya dokumen antrean
laporan pengaduan kader relawan perempuan lansia pemuda rumah jalan air pasar usaha
lingkungan komunitas ponsel internet kartu surat nomor peta lokasi jaringan platform
anggaran transparansi partisipasi kolaborasi pelatihan kemitraan mitra kantor loket
wilayah kampung dusun kabupaten kota provinsi nasional sektor swasta tokoh agama adat
kelompok sukarelawan mahasiswa pelajar rekening tabungan transaksi pembayaran tagihan
jadwal kunjungan pendampingan sosialisasi edukasi konsultasi verifikasi validasi arsip
dasbor server formulir persyaratan prosedur standar mutu kinerja evaluasi survei
kepuasan keluhan indeks capaian target sasaran""".split()  # noqa: SIM905 (most common first)
NOUN_WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(NOUNS) + 1)))
VERBS = """meningkatkan mempercepat memudahkan memangkas mendekatkan memantau mendata
mengintegrasikan menghubungkan memperluas memperkuat menyederhanakan mengurangi mencegah
mendampingi mendorong menjangkau melibatkan mengoptimalkan memberdayakan""".split()  # noqa: SIM905
ADJS = """terpadu cepat mudah gratis daring mandiri terintegrasi tepat transparan akurat
ramah inklusif berkelanjutan murah aman sehat bersih cerdas responsif""".split()  # noqa: SIM905
SI = "Cantik Cepat Manis Jempol Pintar Sigap Ramah Tangguh Cermat Peduli Jago Bijak".split()  # noqa: SIM905
PROGRAMS = "Gerakan Gerai Rumah Kampung Pojok Klinik Mobil Pos Bank Kelas Sahabat".split()  # noqa: SIM905
REGULATIONS = ["peraturan bupati", "peraturan wali kota", "peraturan gubernur", "SK kepala dinas"]

# Sentences: {n} general word, {c} sector word, {v} verb, {a} adjective, {p} area,
# {y} year launched, {k} a number, {r} regulation, {w} the broad word.
PROBLEM = """Sebelumnya {n} {c} di {p} sulit dijangkau karena {n} {a} belum tersedia.
Banyak {n} harus menunggu berhari-hari untuk urusan {c} dan {n}.
Data {c} tersebar di berbagai {n} sehingga {n} tidak {a}.
Angka {c} di wilayah ini masih tinggi dan {n} belum mendapat {n} yang {a}.
Jarak ke {n} jauh sehingga biaya {c} bagi {n} menjadi mahal.
Koordinasi antara {n} dan {n} lemah sehingga {c} sering terlambat.""".splitlines()
SOLUTION = """Inovasi ini {v} {n} {c} melalui {n} {a}.
Petugas {v} {c} secara {a} dengan memanfaatkan {n} dan {n}.
{n} dan {n} bekerja sama {v} {c} di setiap {n}.
Warga cukup mengisi formulir di {n} lalu {n} {c} diproses secara {a}.
Setiap {n} memiliki kader yang {v} {n} {c} setiap bulan.
Sistem ini {v} {n} {c} dengan {n} {a} sejak {y}.""".splitlines()
RESULTS = """Sejak {y}, waktu pengurusan {c} turun dari {k} hari menjadi satu hari.
Cakupan {c} naik {k} persen dan {n} merasa lebih puas.
Lebih dari {k} ribu {n} telah merasakan manfaat {n} {a}.
Biaya yang dikeluarkan {n} berkurang {k} persen setelah {n} {a} diterapkan.
Indeks kepuasan {n} meningkat dan {c} kini tercatat secara {a}.""".splitlines()
REQUIREMENTS = """Daerah yang mereplikasi perlu anggaran sekitar Rp {k} juta per tahun.
Diperlukan payung hukum berupa {r} tentang {c} {a}.
Dibutuhkan {k} orang petugas terlatih serta {n} dan koneksi internet yang stabil.
Replikasi memerlukan kerja sama dengan {n} setempat dan dukungan {n}.
Aplikasi dapat dipasang di ponsel Android; {n} perlu dilatih selama {k} hari.""".splitlines()
BROAD = """Inovasi ini {v} {w} {c} bagi {n} di {p}.
Kualitas {w} {c} kepada {n} menjadi lebih {a}.
Standar {w} {n} disusun bersama {n} agar lebih {a}.""".splitlines()
SLOT = re.compile(r"\{(\w)\}")


class Writer:
    """Fills the templates for one innovation after another from one seeded Random."""

    def __init__(self, rng: random.Random, broad: str, selective: str) -> None:
        self.rng, self.broad, self.selective = rng, broad, selective
        self.sector: list[str] = []
        self.area = ""
        self.year = 2020
        self.nouns: list[str] = []
        self.parts: dict[str, list[str]] = {}  # template -> [text, slot, text, slot, ..., text]

    def noun(self) -> str:
        if not self.nouns:  # drawn many at a time: much faster than one by one
            self.nouns = self.rng.choices(NOUNS, cum_weights=NOUN_WEIGHTS, k=4096)
        return self.nouns.pop()

    def word(self, slot: str) -> str:
        rng = self.rng
        if slot == "n":
            return self.noun()
        if slot == "c":
            return rng.choice(self.sector)
        if slot == "k":
            return str(rng.randint(2, 90))
        if slot == "y":
            return str(self.year)
        if slot == "p":
            return self.area
        if slot == "w":  # the broad word, or another of its stem
            return self.broad if rng.random() < 0.7 else "layanan"
        return rng.choice({"v": VERBS, "a": ADJS, "r": REGULATIONS}[slot])

    def sentence(self, template: str, capital: bool = True) -> str:
        parts = self.parts.get(template)
        if parts is None:
            parts = self.parts[template] = SLOT.split(template)
        text = "".join([self.word(part) if i % 2 else part for i, part in enumerate(parts)])
        return text[0].upper() + text[1:] if capital else text

    def paragraph(self, templates: list[str], low: int, high: int) -> str:
        chosen = self.rng.sample(templates, self.rng.randint(low, high))
        return " ".join(self.sentence(template) for template in chosen)

    def selective_sentence(self) -> str:
        return f"Warga menanam {self.selective} di pesisir {self.area} untuk mencegah abrasi."

    def title(self, place: str, broad: bool, selective: bool) -> str:
        rng = self.rng
        sector = rng.choice(self.sector)
        sector = sector if sector[:2].isupper() else sector.title()
        if selective:
            kind = rng.choice(["Rehabilitasi", "Kampung", "Sahabat"])
            return f"{kind} {self.selective.title()} {place}"
        if broad:
            return rng.choice(
                [
                    f"{self.broad.title()} {sector} {rng.choice(ADJS).title()}",
                    f"Si {rng.choice(SI)} {self.broad.title()} {sector}",
                    f"{rng.choice(PROGRAMS)} {self.broad.title()} {sector} {place}",
                ]
            )
        noun = self.noun().title()
        return rng.choice(
            [
                f"Si {rng.choice(SI)} {sector}",
                f"{rng.choice(PROGRAMS)} {sector} {place}",
                f"{noun} {rng.choice(ADJS).title()} {place}",
                f"E-{sector}",
                f"Lapor {noun} {sector}",
                f"{sector} Online",
            ]
        )
