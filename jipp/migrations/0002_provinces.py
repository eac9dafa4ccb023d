"""The 38 provinces: Kemendagri and BPS codes, capital, time zone and JIPP hub status."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"


def load_provinces(apps, schema_editor):
    Province = apps.get_model("jipp", "Province")
    with DATA.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Province.objects.update_or_create(
                code=row["kemendagri_code"],
                defaults={
                    "bps_code": row["bps_code"],
                    "name": row["name"],
                    "capital": row["capital"],
                    "timezone": row["timezone"],
                    "hub_since": int(row["jipp_hub_since"]) if row["jipp_hub_since"] else None,
                    "hub_decree": row["jipp_hub_decree"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("jipp", "0001_initial")]

    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
