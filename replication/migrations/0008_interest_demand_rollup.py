"""The demand view's rollups (issue 19): open interest per province (the totals) and the
ranks of each innovation's open interest (replication/rollups.py, RollupInterestRank); the
triggers of 0007 installed again with the functions that keep them; a backfill."""

from django.db import migrations, models

from replication.migrations import _rollup_sql_0007 as before
from replication.migrations import _rollup_sql_0008 as rollup_sql


class Migration(migrations.Migration):
    dependencies = [
        ("replication", "0007_rollups"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupInterestProvince",
            fields=[
                ("province_id", models.IntegerField(primary_key=True, serialize=False)),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_interest_province",
            },
        ),
        migrations.CreateModel(
            name="RollupInterestRank",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "innovation_id",
                        "scope",
                        "k",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("innovation_id", models.BigIntegerField()),
                ("scope", models.IntegerField()),
                ("k", models.SmallIntegerField()),
                ("category_id", models.IntegerField()),
                ("oldest", models.DateTimeField()),
                ("since", models.DateTimeField()),
                ("since_next", models.DateTimeField(null=True)),
            ],
            options={
                "db_table": "replication_rollup_interest_rank",
                "indexes": [
                    models.Index(
                        fields=["scope", "k", "oldest", "innovation_id"],
                        include=("since", "since_next"),
                        name="rollup_interest_rank",
                    ),
                    models.Index(
                        fields=["scope", "category_id", "k", "oldest", "innovation_id"],
                        include=("since", "since_next"),
                        name="rollup_interest_rank_sector",
                    ),
                ],
            },
        ),
        migrations.RunSQL(
            before.DROP + rollup_sql.FUNCTIONS + rollup_sql.TRIGGERS,
            rollup_sql.DROP + before.FUNCTIONS + before.TRIGGERS,
        ),
        # The new tables filled, and their statistics gathered for the demand view's plans.
        migrations.RunSQL(
            rollup_sql.REBUILD_INTEREST
            + "ANALYZE replication_rollup_interest_province, replication_rollup_interest_rank;",
            migrations.RunSQL.noop,
        ),
    ]
