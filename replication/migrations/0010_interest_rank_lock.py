"""The demand view's ranks (0008) computed under a lock per innovation: two transactions
changing one innovation's interest at once (a withdrawal beside a declaration) each computed
them from a snapshot without the other's change. The function's SQL is frozen here as
applied; replication/rollup_sql.py (RANK_REFRESH) holds the current one."""

from django.db import migrations

LOCKED = """
CREATE OR REPLACE FUNCTION rollup_interest_rank_refresh(p_ids bigint[]) RETURNS void AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1908, mod(id, 2147483647)::integer)
       FROM (SELECT DISTINCT id FROM unnest(p_ids) AS id WHERE id IS NOT NULL) AS ids
      ORDER BY id;
    DELETE FROM replication_rollup_interest_rank WHERE innovation_id = ANY(p_ids);
    INSERT INTO replication_rollup_interest_rank (innovation_id, scope, k, category_id, oldest, since, since_next)

WITH declared AS (
    SELECT i.innovation_id, i.province_id, i.created_at,
           COALESCE(inv.category_id, 0) AS category_id,
           p.hub_since IS NOT NULL AS hub_province
      FROM replication_interest i
      JOIN innovations_innovation inv ON inv.id = i.innovation_id AND inv.status = 'approved'
      JOIN jipp_province p ON p.id = i.province_id
     WHERE i.status = 'open' AND i.innovation_id = ANY(p_ids)
), scoped AS (
    SELECT 0 AS scope, innovation_id, category_id, created_at FROM declared
    UNION ALL
    SELECT -1, innovation_id, category_id, created_at FROM declared WHERE hub_province
    UNION ALL
    SELECT province_id, innovation_id, category_id, created_at FROM declared
)
SELECT innovation_id, scope, (row_number() OVER w)::smallint, category_id,
       first_value(created_at) OVER w, created_at, lead(created_at) OVER w
  FROM scoped
WINDOW w AS (PARTITION BY innovation_id, scope ORDER BY created_at)
;
END $$ LANGUAGE plpgsql;
"""

UNLOCKED = """
CREATE OR REPLACE FUNCTION rollup_interest_rank_refresh(p_ids bigint[]) RETURNS void AS $$
BEGIN
    DELETE FROM replication_rollup_interest_rank WHERE innovation_id = ANY(p_ids);
    INSERT INTO replication_rollup_interest_rank (innovation_id, scope, k, category_id, oldest, since, since_next)

WITH declared AS (
    SELECT i.innovation_id, i.province_id, i.created_at,
           COALESCE(inv.category_id, 0) AS category_id,
           p.hub_since IS NOT NULL AS hub_province
      FROM replication_interest i
      JOIN innovations_innovation inv ON inv.id = i.innovation_id AND inv.status = 'approved'
      JOIN jipp_province p ON p.id = i.province_id
     WHERE i.status = 'open' AND i.innovation_id = ANY(p_ids)
), scoped AS (
    SELECT 0 AS scope, innovation_id, category_id, created_at FROM declared
    UNION ALL
    SELECT -1, innovation_id, category_id, created_at FROM declared WHERE hub_province
    UNION ALL
    SELECT province_id, innovation_id, category_id, created_at FROM declared
)
SELECT innovation_id, scope, (row_number() OVER w)::smallint, category_id,
       first_value(created_at) OVER w, created_at, lead(created_at) OVER w
  FROM scoped
WINDOW w AS (PARTITION BY innovation_id, scope ORDER BY created_at)
;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("replication", "0009_dashboard_work_indexes"),
    ]

    operations = [migrations.RunSQL(LOCKED, UNLOCKED)]
