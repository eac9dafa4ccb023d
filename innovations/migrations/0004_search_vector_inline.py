"""Keep the search vector in the row, and let the long text sections go to TOAST instead.

A row of an innovation is about 2.8 kB, over PostgreSQL's 2 kB TOAST threshold. By
default the largest column, the search vector, is moved out of line, so every full-text
check behind a ranked search read two more pages. STORAGE MAIN makes PostgreSQL move
the text sections first: a broad search's candidate scan took 16 ms before and 6 ms
after, at 100,000 innovations (docs/PERFORMANCE.md). Rows written before this
migration keep their layout until the table is rewritten (VACUUM FULL).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("innovations", "0003_catalogue_indexes")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE innovations_innovation ALTER COLUMN search_vector SET STORAGE MAIN",
            "ALTER TABLE innovations_innovation ALTER COLUMN search_vector SET STORAGE EXTENDED",
        ),
    ]
