"""The institutions that own synthetic innovations (see innovations.synthetic).

Central ministries and agencies, every provincial government, real regencies and cities,
and their offices (OPD), each with the sector it mostly innovates in. They are made with
the slug prefix "gen-" and reused by later runs.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from django.utils.text import slugify

from innovations.synthetic_text import table
from jipp.models import Institution, Province

SLUG_PREFIX = "gen-"

# Kemendagri code | a few real regencies | cities of each province.
PLACES = table("""
11|Aceh Besar,Pidie,Aceh Utara|Banda Aceh,Lhokseumawe
12|Deli Serdang,Langkat,Karo|Medan,Binjai
13|Agam,Tanah Datar,Pesisir Selatan|Padang,Bukittinggi
14|Kampar,Siak,Bengkalis|Pekanbaru,Dumai
15|Muaro Jambi,Batang Hari,Kerinci|Jambi,Sungai Penuh
16|Ogan Ilir,Banyuasin,Musi Banyuasin|Palembang,Prabumulih
17|Rejang Lebong,Seluma,Kaur|Bengkulu
18|Lampung Selatan,Pringsewu,Tulang Bawang|Bandar Lampung,Metro
19|Bangka,Belitung,Bangka Barat|Pangkalpinang
21|Bintan,Karimun,Natuna|Batam,Tanjungpinang
31|Kepulauan Seribu|Jakarta Selatan,Jakarta Timur,Jakarta Barat
32|Bandung,Bogor,Garut,Sumedang,Kuningan|Bandung,Bekasi,Cimahi
33|Banyumas,Klaten,Kudus,Wonosobo|Semarang,Surakarta,Magelang
34|Sleman,Bantul,Kulon Progo,Gunungkidul|Yogyakarta
35|Banyuwangi,Sidoarjo,Lamongan,Malang,Trenggalek|Surabaya,Malang,Madiun
36|Tangerang,Serang,Pandeglang|Tangerang Selatan,Cilegon
51|Badung,Gianyar,Tabanan|Denpasar
52|Lombok Barat,Lombok Timur,Sumbawa|Mataram,Bima
53|Kupang,Sikka,Manggarai Barat|Kupang
61|Kubu Raya,Sambas,Ketapang|Pontianak,Singkawang
62|Kotawaringin Barat,Kapuas,Pulang Pisau|Palangka Raya
63|Banjar,Tabalong,Hulu Sungai Tengah,Tanah Laut|Banjarmasin,Banjarbaru
64|Kutai Kartanegara,Berau,Paser|Samarinda,Balikpapan,Bontang
65|Bulungan,Malinau,Nunukan|Tarakan
71|Minahasa,Bolaang Mongondow,Minahasa Utara|Manado,Bitung
72|Donggala,Poso,Banggai|Palu
73|Gowa,Bantaeng,Bone,Luwu Utara|Makassar,Parepare
74|Kolaka,Konawe,Wakatobi|Kendari,Baubau
75|Gorontalo,Boalemo,Pohuwato|Gorontalo
76|Mamuju,Polewali Mandar,Majene|
81|Maluku Tengah,Seram Bagian Barat,Buru|Ambon,Tual
82|Halmahera Barat,Halmahera Utara,Pulau Morotai|Ternate,Tidore Kepulauan
91|Biak Numfor,Kepulauan Yapen,Jayapura|Jayapura
92|Manokwari,Teluk Bintuni,Fakfak|
93|Merauke,Boven Digoel,Mappi|
94|Nabire,Mimika,Paniai|
95|Jayawijaya,Lanny Jaya,Tolikara|
96|Sorong,Raja Ampat,Sorong Selatan|Sorong
""")
# The offices (OPD) of every regional government | the sector they mostly innovate in.
UNITS = table("""
Dinas Kesehatan|kesehatan
Rumah Sakit Umum Daerah|kesehatan
Dinas Pendidikan|pendidikan
Dinas Sosial|sosial
Dinas Lingkungan Hidup|lingkungan-hidup-kehutanan
Badan Pengelolaan Keuangan Daerah|keuangan-anggaran
Dinas Pertanian dan Pangan|pertanian-pangan
Dinas Kependudukan dan Pencatatan Sipil|kependudukan
Dinas Penanaman Modal dan Perizinan|perizinan
Dinas Tenaga Kerja|ketenagakerjaan
Dinas Perhubungan|perhubungan
Dinas Pariwisata|pariwisata
Dinas Pekerjaan Umum dan Penataan Ruang|pekerjaan-umum
Dinas Koperasi dan UMKM|ekonomi-umkm
Badan Perencanaan Pembangunan Daerah|tata-kelola
Dinas Komunikasi dan Informatika|tata-kelola
Satuan Polisi Pamong Praja|ketertiban
Badan Penanggulangan Bencana Daerah|ketertiban
""")
# Central bodies: kind | sector | name.
CENTRAL = table("""
ministry|kesehatan|Kementerian Kesehatan
ministry|pendidikan|Kementerian Pendidikan Dasar dan Menengah
ministry|sosial|Kementerian Sosial
ministry|lingkungan-hidup-kehutanan|Kementerian Kehutanan
ministry|kependudukan|Kementerian Dalam Negeri
ministry|pertanian-pangan|Kementerian Pertanian
ministry|ketenagakerjaan|Kementerian Ketenagakerjaan
ministry|perhubungan|Kementerian Perhubungan
ministry|pariwisata|Kementerian Pariwisata
ministry|pekerjaan-umum|Kementerian Pekerjaan Umum
ministry|ekonomi-umkm|Kementerian Usaha Mikro, Kecil, dan Menengah
ministry|tata-kelola|Kementerian Komunikasi dan Digital
ministry|ketertiban|Kementerian Hukum
ministry|sosial|Kementerian Agama
agency|tata-kelola|Badan Pusat Statistik
agency|tata-kelola|Badan Kepegawaian Negara
agency|tata-kelola|Lembaga Administrasi Negara
agency|kesehatan|Badan Pengawas Obat dan Makanan
agency|ketertiban|Badan Nasional Penanggulangan Bencana
agency|perizinan|Badan Koordinasi Penanaman Modal
agency|lingkungan-hidup-kehutanan|Badan Meteorologi, Klimatologi, dan Geofisika
soe|ekonomi-umkm|PT Pos Indonesia
soe|pekerjaan-umum|PT Perusahaan Listrik Negara
soe|perhubungan|PT Kereta Api Indonesia
soe|pertanian-pangan|Perum Bulog
""")


class Spec(NamedTuple):
    """An institution the generator can make."""

    name: str
    kind: str
    code: str  # province code, "" for central bodies
    sector: str  # category slug it mostly works in; "" for a whole government
    area: str  # how the text names where it works
    place: str  # short, for titles
    parent: str = ""  # slug of its government

    @property
    def slug(self) -> str:
        return f"{SLUG_PREFIX}{self.code or '00'}-{slugify(self.name)}"[:200]


def institution_specs(provinces: dict[str, str], seed: int) -> list[Spec]:
    """Every institution there is to make: provincial governments first, the rest shuffled."""
    governments = {
        code: Spec(f"Pemerintah Provinsi {name}", "province_gov", code, "", name, name)
        for code, name in provinces.items()
    }
    rest = [
        Spec(name, kind, "", sector, "seluruh Indonesia", "Nusantara")
        for kind, sector, name in CENTRAL
    ]
    for code, regencies, cities in PLACES:
        if code not in provinces:
            continue
        province = governments[code]
        local = [province]
        rest.append(
            Spec(
                f"Bank Pembangunan Daerah {provinces[code]}",
                "regional_soe",
                code,
                "keuangan-anggaran",
                province.area,
                province.place,
            )
        )
        for level, kind, names in (
            ("Kabupaten", "regency_gov", regencies),
            ("Kota", "city_gov", cities),
        ):
            for name in filter(None, names.split(",")):
                local.append(
                    Spec(f"Pemerintah {level} {name}", kind, code, "", f"{level} {name}", name)
                )
        rest += local[1:]
        for gov in local:
            rest += [
                Spec(
                    f"{unit} {'Provinsi ' if gov is province else ''}{gov.area}",
                    gov.kind,
                    code,
                    sector,
                    gov.area,
                    gov.place,
                    gov.slug,
                )
                for unit, sector in UNITS
            ]
    random.Random(seed).shuffle(rest)  # noqa: S311 (test data, not secrets)
    # One of each kind, government or office, comes first: a small run has every level.
    leaders = {(spec.kind, bool(spec.parent)): spec for spec in reversed(rest)}
    first = list(governments.values()) + sorted(leaders.values())
    return first + [spec for spec in rest if spec not in leaders.values()]


def make_innovators(count: int, seed: int) -> list[tuple[Institution, Spec]]:
    """The first `count` specs as institutions (made once, then reused), with their parents."""
    specs = institution_specs(dict(Province.objects.values_list("code", "name")), seed)
    chosen = specs[:count]
    missing = {s.parent for s in chosen} - {s.slug for s in chosen}
    chosen += [spec for spec in specs if spec.slug in missing]
    province_ids = dict(Province.objects.values_list("code", "id"))
    for offices in (False, True):  # governments before their offices
        batch = [s for s in chosen if bool(s.parent) == offices]
        parents = dict(
            Institution.objects.filter(slug__in={s.parent for s in batch}).values_list("slug", "id")
        )
        Institution.objects.bulk_create(
            [
                Institution(
                    name=s.name,
                    slug=s.slug,
                    kind=s.kind,
                    province_id=province_ids.get(s.code),
                    parent_id=parents.get(s.parent),
                )
                for s in batch
                if not s.parent or s.parent in parents
            ],
            ignore_conflicts=True,  # made by an earlier run, or a real one has that name
        )
    made = Institution.objects.in_bulk([s.slug for s in chosen], field_name="slug")
    return [(made[s.slug], s) for s in chosen if s.slug in made]
