# Indexes of a province's dashboard (its oldest open interest) and of the Bappeda's work
# count of returned stages, read on every page.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("replication", "0008_interest_demand_rollup")]

    operations = [
        migrations.AddIndex(
            model_name="interest",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["province", "created_at", "id"],
                name="interest_open_by_province",
            ),
        ),
        migrations.AddIndex(
            model_name="stage",
            index=models.Index(
                condition=models.Q(
                    ("status", "in_progress"), models.Q(("return_note", ""), _negated=True)
                ),
                fields=["plan"],
                name="stage_returned",
            ),
        ),
    ]
