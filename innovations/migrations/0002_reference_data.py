"""The 17 SDGs (TPB) and the public-service sectors innovations are filed under."""

from django.db import migrations

SDGS = [
    (1, "Tanpa Kemiskinan", "No Poverty"),
    (2, "Tanpa Kelaparan", "Zero Hunger"),
    (3, "Kehidupan Sehat dan Sejahtera", "Good Health and Well-being"),
    (4, "Pendidikan Berkualitas", "Quality Education"),
    (5, "Kesetaraan Gender", "Gender Equality"),
    (6, "Air Bersih dan Sanitasi Layak", "Clean Water and Sanitation"),
    (7, "Energi Bersih dan Terjangkau", "Affordable and Clean Energy"),
    (8, "Pekerjaan Layak dan Pertumbuhan Ekonomi", "Decent Work and Economic Growth"),
    (9, "Industri, Inovasi dan Infrastruktur", "Industry, Innovation and Infrastructure"),
    (10, "Berkurangnya Kesenjangan", "Reduced Inequalities"),
    (11, "Kota dan Permukiman yang Berkelanjutan", "Sustainable Cities and Communities"),
    (12, "Konsumsi dan Produksi yang Bertanggung Jawab", "Responsible Consumption and Production"),
    (13, "Penanganan Perubahan Iklim", "Climate Action"),
    (14, "Ekosistem Lautan", "Life Below Water"),
    (15, "Ekosistem Daratan", "Life on Land"),
    (
        16,
        "Perdamaian, Keadilan dan Kelembagaan yang Tangguh",
        "Peace, Justice and Strong Institutions",
    ),
    (17, "Kemitraan untuk Mencapai Tujuan", "Partnerships for the Goals"),
]

CATEGORIES = [
    ("kesehatan", "Kesehatan", "Health"),
    ("pendidikan", "Pendidikan", "Education"),
    ("sosial", "Sosial", "Social welfare"),
    ("lingkungan-hidup-kehutanan", "Lingkungan Hidup dan Kehutanan", "Environment and forestry"),
    ("keuangan-anggaran", "Keuangan dan Anggaran", "Finance and budgeting"),
    ("kependudukan", "Kependudukan dan Pencatatan Sipil", "Population and civil registration"),
    ("perizinan", "Perizinan dan Investasi", "Licensing and investment"),
    ("pertanian-pangan", "Pertanian dan Pangan", "Agriculture and food"),
    ("ketenagakerjaan", "Ketenagakerjaan", "Employment"),
    ("perhubungan", "Perhubungan", "Transport"),
    ("pariwisata", "Pariwisata dan Kebudayaan", "Tourism and culture"),
    ("pekerjaan-umum", "Pekerjaan Umum dan Perumahan", "Public works and housing"),
    ("ekonomi-umkm", "Ekonomi dan UMKM", "Economy and small business"),
    ("tata-kelola", "Tata Kelola Pemerintahan", "Governance and public administration"),
    ("ketertiban", "Ketertiban dan Keamanan", "Public order and safety"),
]


def load(apps, schema_editor):
    SDG = apps.get_model("innovations", "SDG")
    Category = apps.get_model("innovations", "Category")
    for number, name_id, name_en in SDGS:
        SDG.objects.update_or_create(
            number=number, defaults={"name_id": name_id, "name_en": name_en}
        )
    for slug, name_id, name_en in CATEGORIES:
        Category.objects.update_or_create(
            slug=slug, defaults={"name_id": name_id, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("innovations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
