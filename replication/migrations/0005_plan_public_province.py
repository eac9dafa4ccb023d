# The index of "provinces that replicate this also replicate" (innovations.similarity).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("replication", "0004_indicator_change_direction"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="replicationplan",
            index=models.Index(
                condition=models.Q(("status__in", ["approved", "completed"])),
                fields=["province", "innovation"],
                name="plan_public_province",
            ),
        ),
    ]
