"""The innovator's level of government stored on the innovation, kept by triggers.

The catalogue's `innovator_kind` filter read the institutions through a join, so a count
of `sdg=3&year=2020&innovator_kind=city` read 20,700 entries of the year's index at
1,000,000 innovations to find 1,001; with the kind on the row, one index keyed by kind and
year answers it (docs/PERFORMANCE.md).

Triggers keep the column in the same transaction as the change: an innovation inserted or
given another innovator (or written with another kind, say by a stale full save) takes its
innovator's; an institution inserted (fixtures may insert it after its innovations, the
foreign keys being deferred) or changing kind passes it to its innovations. The mapping
is frozen here as it stood (innovations.models.INNOVATOR_KINDS); check_data compares the
column with the live one (innovations.invariants).
"""

from django.db import migrations, models

# innovations.models.INNOVATOR_KINDS, inverted: institution kind -> level of government.
LEVELS = {
    "ministry": "central",
    "agency": "central",
    "soe": "central",
    "province_gov": "province",
    "regional_soe": "province",
    "regency_gov": "regency",
    "city_gov": "city",
}
CASE = " ".join(f"WHEN '{kind}' THEN '{level}'" for kind, level in LEVELS.items())

FUNCTIONS = f"""
CREATE FUNCTION innovations_level_of(institution_kind text) RETURNS varchar
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE institution_kind {CASE} ELSE '' END $$;

UPDATE innovations_innovation AS i SET innovator_kind = innovations_level_of(j.kind)
FROM jipp_institution AS j
WHERE j.id = i.innovator_id AND innovations_level_of(j.kind) <> i.innovator_kind;

CREATE FUNCTION innovations_innovator_kind_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.innovator_kind := coalesce(
        (SELECT innovations_level_of(kind) FROM jipp_institution WHERE id = NEW.innovator_id),
        ''
    );
    RETURN NEW;
END $$;

CREATE FUNCTION innovations_innovator_kind_institution() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE innovations_innovation SET innovator_kind = innovations_level_of(NEW.kind)
    WHERE innovator_id = NEW.id AND innovator_kind <> innovations_level_of(NEW.kind);
    RETURN NULL;
END $$;

CREATE TRIGGER innovations_innovator_kind_inserted BEFORE INSERT ON innovations_innovation
    FOR EACH ROW EXECUTE FUNCTION innovations_innovator_kind_row();
CREATE TRIGGER innovations_innovator_kind_changed BEFORE UPDATE ON innovations_innovation
    FOR EACH ROW WHEN (
        OLD.innovator_id IS DISTINCT FROM NEW.innovator_id
        OR OLD.innovator_kind IS DISTINCT FROM NEW.innovator_kind
    )
    EXECUTE FUNCTION innovations_innovator_kind_row();
CREATE TRIGGER innovations_innovator_kind_institution_inserted
    AFTER INSERT ON jipp_institution
    FOR EACH ROW EXECUTE FUNCTION innovations_innovator_kind_institution();
CREATE TRIGGER innovations_innovator_kind_institution_changed
    AFTER UPDATE OF kind ON jipp_institution
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION innovations_innovator_kind_institution();
"""  # noqa: S608 (CASE is built from the constants above, no outside input)

DROP = """
DROP TRIGGER IF EXISTS innovations_innovator_kind_inserted ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_innovator_kind_changed ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_innovator_kind_institution_inserted ON jipp_institution;
DROP TRIGGER IF EXISTS innovations_innovator_kind_institution_changed ON jipp_institution;
DROP FUNCTION IF EXISTS innovations_innovator_kind_row();
DROP FUNCTION IF EXISTS innovations_innovator_kind_institution();
DROP FUNCTION IF EXISTS innovations_level_of(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0013_filter_index_columns"),
        ("jipp", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="innovation",
            name="innovator_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("central", "Central government"),
                    ("province", "Provincial government"),
                    ("regency", "Regency government"),
                    ("city", "City government"),
                ],
                default="",
                editable=False,
                max_length=10,
                verbose_name="level of government",
            ),
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["innovator_kind", "launched_year", "-approved_at", "-id"],
                include=(
                    "province",
                    "category",
                    "kipp_recognition",
                    "phase",
                    "innovator",
                    "sdg_numbers",
                    "is_kit_complete",
                ),
                name="innovation_kind_year_newest",
            ),
        ),
    ]
