"""The dashboards' rollups (issue 19): tables, the triggers that keep them, a backfill."""

from django.db import migrations, models

from replication.migrations import _rollup_sql_0007 as rollup_sql


class Migration(migrations.Migration):
    dependencies = [
        ("replication", "0006_work_count_indexes"),
        ("innovations", "0010_kit_reserved_slug"),
        ("jipp", "0009_export_queued_at"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupCancel",
            fields=[
                ("plan_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("province_id", models.IntegerField()),
                ("at", models.DateTimeField()),
            ],
            options={
                "db_table": "replication_rollup_cancel",
            },
        ),
        migrations.CreateModel(
            name="RollupDue",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "province_id",
                        "due_date",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("province_id", models.IntegerField()),
                ("due_date", models.DateField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_due",
            },
        ),
        migrations.CreateModel(
            name="RollupInnovationStatus",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "province_id",
                        "status",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("province_id", models.IntegerField()),
                ("status", models.CharField(max_length=24)),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_innovation_status",
            },
        ),
        migrations.CreateModel(
            name="RollupMoment",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "zone",
                        "what",
                        "month",
                        "province_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("zone", models.SmallIntegerField()),
                ("what", models.CharField(max_length=24)),
                ("month", models.DateField()),
                ("province_id", models.IntegerField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_moment",
            },
        ),
        migrations.CreateModel(
            name="RollupOpenStage",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "province_id",
                        "due_date",
                        "plan_id",
                        "order",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("province_id", models.IntegerField()),
                ("due_date", models.DateField()),
                ("plan_id", models.BigIntegerField()),
                ("order", models.SmallIntegerField()),
                ("stage_id", models.BigIntegerField()),
            ],
            options={
                "db_table": "replication_rollup_open_stage",
            },
        ),
        migrations.CreateModel(
            name="RollupPlan",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "province_id",
                        "status",
                        "current_stage",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("province_id", models.IntegerField()),
                ("status", models.CharField(max_length=16)),
                ("current_stage", models.CharField(max_length=24)),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_plan",
            },
        ),
        migrations.CreateModel(
            name="RollupResult",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "zone",
                        "month",
                        "province_id",
                        "category_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("zone", models.SmallIntegerField()),
                ("month", models.DateField()),
                ("province_id", models.IntegerField()),
                ("category_id", models.IntegerField()),
                ("verified", models.IntegerField(default=0)),
                ("reached", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_result",
            },
        ),
        migrations.CreateModel(
            name="RollupResultGoal",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "zone",
                        "month",
                        "province_id",
                        "sdg_goal",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("zone", models.SmallIntegerField()),
                ("month", models.DateField()),
                ("province_id", models.IntegerField()),
                ("sdg_goal", models.IntegerField()),
                ("verified", models.IntegerField(default=0)),
                ("reached", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_result_goal",
            },
        ),
        migrations.CreateModel(
            name="RollupResultPart",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "plan_id",
                        "sdg_goal",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("plan_id", models.BigIntegerField()),
                ("sdg_goal", models.IntegerField()),
                ("province_id", models.IntegerField()),
                ("category_id", models.IntegerField()),
                ("verified_at", models.DateTimeField(null=True)),
                ("verified", models.IntegerField(default=0)),
                ("reached", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_result_part",
            },
        ),
        migrations.CreateModel(
            name="RollupInnovation",
            fields=[
                ("innovation_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("approved", models.IntegerField(default=0)),
                ("completed", models.IntegerField(default=0)),
                ("provinces", models.IntegerField(default=0)),
                ("total", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_innovation",
                "indexes": [
                    models.Index(
                        models.OrderBy(models.F("total"), descending=True),
                        models.F("innovation_id"),
                        name="rollup_innovation_top",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RollupInnovationProvince",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "innovation_id",
                        "province_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("innovation_id", models.BigIntegerField()),
                ("province_id", models.IntegerField()),
                ("approved", models.IntegerField(default=0)),
                ("completed", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_innovation_province",
                "indexes": [
                    models.Index(
                        fields=["province_id", "innovation_id"], name="rollup_innovation_prov"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RollupInterest",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "innovation_id",
                        "province_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("innovation_id", models.BigIntegerField()),
                ("province_id", models.IntegerField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "db_table": "replication_rollup_interest",
                "indexes": [models.Index(fields=["province_id"], name="rollup_interest_province")],
            },
        ),
        migrations.RunSQL(rollup_sql.INDEXES, rollup_sql.DROP_INDEXES),
        migrations.RunSQL(rollup_sql.FUNCTIONS + rollup_sql.TRIGGERS, rollup_sql.DROP),
        migrations.RunSQL(rollup_sql.REBUILD, migrations.RunSQL.noop),
    ]
