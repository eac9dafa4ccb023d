"""Each filter's index carries the other filters' columns: a filtered count reads the
index alone (docs/PERFORMANCE.md). Not atomic: each index is dropped and built in its own
transaction, so the table is not locked for reading while the four are built."""

from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("innovations", "0012_title_words")]

    operations = [
        migrations.RemoveIndex(
            model_name="innovation",
            name="innovation_province_newest",
        ),
        migrations.RemoveIndex(
            model_name="innovation",
            name="innovation_category_newest",
        ),
        migrations.RemoveIndex(
            model_name="innovation",
            name="innovation_year_newest",
        ),
        migrations.RemoveIndex(
            model_name="innovation",
            name="innovation_kipp_newest",
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["province", "-approved_at", "-id"],
                include=(
                    "category",
                    "launched_year",
                    "kipp_recognition",
                    "phase",
                    "innovator",
                    "sdg_numbers",
                    "is_kit_complete",
                ),
                name="innovation_province_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["category", "-approved_at", "-id"],
                include=(
                    "province",
                    "launched_year",
                    "kipp_recognition",
                    "phase",
                    "innovator",
                    "sdg_numbers",
                    "is_kit_complete",
                ),
                name="innovation_category_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["launched_year", "-approved_at", "-id"],
                include=(
                    "province",
                    "category",
                    "kipp_recognition",
                    "phase",
                    "innovator",
                    "sdg_numbers",
                    "is_kit_complete",
                ),
                name="innovation_year_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["kipp_recognition", "-approved_at", "-id"],
                include=(
                    "province",
                    "category",
                    "launched_year",
                    "phase",
                    "innovator",
                    "sdg_numbers",
                    "is_kit_complete",
                ),
                name="innovation_kipp_newest",
            ),
        ),
    ]
