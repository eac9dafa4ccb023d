# A province's most replicated innovations read along an index of their totals, not sorted
# from all of its pairs (replication.dashboard.figures.innovation_rows).

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("replication", "0010_interest_rank_lock")]

    operations = [
        migrations.AddIndex(
            model_name="rollupinnovationprovince",
            index=models.Index(
                models.F("province_id"),
                models.OrderBy(
                    django.db.models.expressions.CombinedExpression(
                        models.F("approved"), "+", models.F("completed")
                    ),
                    descending=True,
                ),
                models.F("innovation_id"),
                name="rollup_innovation_prov_total",
            ),
        ),
    ]
