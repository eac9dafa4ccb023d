"""The titles' words for the pickers' typos (jipp.names.Vocabulary), kept by triggers.

A statement trigger for inserts (a bulk COPY of generate_data adds each batch's words in
one statement) and a row trigger for a changed title; then every existing title's words.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

# The words of a title: upper case, split on anything but letters and digits, as
# jipp.names splits what is typed.
FUNCTIONS = """
CREATE FUNCTION innovations_title_words_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_titleword (word)
    SELECT DISTINCT w FROM new_rows, regexp_split_to_table(upper(new_rows.title), '[^[:alnum:]]+') AS w
    WHERE w <> '' AND length(w) <= 200
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION innovations_title_words_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_titleword (word)
    SELECT DISTINCT w FROM regexp_split_to_table(upper(NEW.title), '[^[:alnum:]]+') AS w
    WHERE w <> '' AND length(w) <= 200
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER innovations_title_words_inserted AFTER INSERT ON innovations_innovation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION innovations_title_words_inserted();
CREATE TRIGGER innovations_title_words_changed AFTER UPDATE OF title ON innovations_innovation
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION innovations_title_words_changed();

INSERT INTO innovations_titleword (word)
SELECT DISTINCT w FROM innovations_innovation, regexp_split_to_table(upper(title), '[^[:alnum:]]+') AS w
WHERE w <> '' AND length(w) <= 200
ON CONFLICT DO NOTHING;
"""

DROP = """
DROP TRIGGER IF EXISTS innovations_title_words_inserted ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_title_words_changed ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_title_words_inserted();
DROP FUNCTION IF EXISTS innovations_title_words_changed();
"""


class Migration(migrations.Migration):
    dependencies = [("innovations", "0011_also_replicated")]

    operations = [
        migrations.CreateModel(
            name="TitleWord",
            fields=[("word", models.CharField(max_length=200, primary_key=True, serialize=False))],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass("word", name="gin_trgm_ops"),
                        name="title_word_trgm",
                    )
                ]
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
