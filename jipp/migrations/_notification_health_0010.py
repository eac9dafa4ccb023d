"""Frozen copy of the SQL of jipp/notification_health.py as migration 0010 installed it:
later edits of that module need a new migration with a new copy, as replication/migrations
do for rollup_sql.py."""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION jipp_notification_health_inserted() RETURNS trigger AS $$
BEGIN

    WITH changed AS (SELECT user_id, created_at, status, channel, 1 AS sign FROM new_rows),
    delta AS (
        SELECT COALESCE(u.province_id, 0) AS province_id,
               floor(extract(epoch FROM r.created_at) / 3600)::bigint AS hour,
               r.status, SUM(r.sign)::integer AS n
          FROM changed r
          LEFT JOIN jipp_user u ON u.id = r.user_id
         WHERE r.channel = 'email'
         GROUP BY 1, 2, 3
    ),
    keyed AS (
        SELECT province_id, hour, status, n FROM delta
        UNION ALL
        SELECT -1, hour, status, SUM(n)::integer FROM delta GROUP BY hour, status
    )
    INSERT INTO jipp_rollup_notification_hour AS t (province_id, hour, status, n)
    SELECT province_id, hour, status, SUM(n)::integer FROM keyed
     GROUP BY province_id, hour, status
    HAVING SUM(n) <> 0
     ORDER BY province_id, hour, status
    ON CONFLICT (province_id, hour, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION jipp_notification_health_updated() RETURNS trigger AS $$
BEGIN

    WITH changed AS (SELECT user_id, created_at, status, channel, 1 AS sign FROM new_rows UNION ALL SELECT user_id, created_at, status, channel, -1 FROM old_rows),
    delta AS (
        SELECT COALESCE(u.province_id, 0) AS province_id,
               floor(extract(epoch FROM r.created_at) / 3600)::bigint AS hour,
               r.status, SUM(r.sign)::integer AS n
          FROM changed r
          LEFT JOIN jipp_user u ON u.id = r.user_id
         WHERE r.channel = 'email'
         GROUP BY 1, 2, 3
    ),
    keyed AS (
        SELECT province_id, hour, status, n FROM delta
        UNION ALL
        SELECT -1, hour, status, SUM(n)::integer FROM delta GROUP BY hour, status
    )
    INSERT INTO jipp_rollup_notification_hour AS t (province_id, hour, status, n)
    SELECT province_id, hour, status, SUM(n)::integer FROM keyed
     GROUP BY province_id, hour, status
    HAVING SUM(n) <> 0
     ORDER BY province_id, hour, status
    ON CONFLICT (province_id, hour, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION jipp_notification_health_deleted() RETURNS trigger AS $$
BEGIN

    WITH changed AS (SELECT user_id, created_at, status, channel, -1 AS sign FROM old_rows),
    delta AS (
        SELECT COALESCE(u.province_id, 0) AS province_id,
               floor(extract(epoch FROM r.created_at) / 3600)::bigint AS hour,
               r.status, SUM(r.sign)::integer AS n
          FROM changed r
          LEFT JOIN jipp_user u ON u.id = r.user_id
         WHERE r.channel = 'email'
         GROUP BY 1, 2, 3
    ),
    keyed AS (
        SELECT province_id, hour, status, n FROM delta
        UNION ALL
        SELECT -1, hour, status, SUM(n)::integer FROM delta GROUP BY hour, status
    )
    INSERT INTO jipp_rollup_notification_hour AS t (province_id, hour, status, n)
    SELECT province_id, hour, status, SUM(n)::integer FROM keyed
     GROUP BY province_id, hour, status
    HAVING SUM(n) <> 0
     ORDER BY province_id, hour, status
    ON CONFLICT (province_id, hour, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A user moved to another province: their e-mail notifications' counts move with them.
CREATE OR REPLACE FUNCTION jipp_notification_health_user_moved() RETURNS trigger AS $$
BEGIN
    WITH mine AS (
        SELECT floor(extract(epoch FROM created_at) / 3600)::bigint AS hour, status,
               COUNT(*)::integer AS n
          FROM jipp_notification
         WHERE user_id = NEW.id AND channel = 'email'
         GROUP BY 1, 2
    ),
    keyed AS (
        SELECT COALESCE(OLD.province_id, 0) AS province_id, hour, status, -n AS n FROM mine
        UNION ALL
        SELECT COALESCE(NEW.province_id, 0), hour, status, n FROM mine
    )
    INSERT INTO jipp_rollup_notification_hour AS t (province_id, hour, status, n)
    SELECT province_id, hour, status, n FROM keyed
     ORDER BY province_id, hour, status
    ON CONFLICT (province_id, hour, status) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

TRIGGERS = """
CREATE TRIGGER notification_health_inserted AFTER INSERT ON jipp_notification
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jipp_notification_health_inserted();
CREATE TRIGGER notification_health_updated AFTER UPDATE ON jipp_notification
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jipp_notification_health_updated();
CREATE TRIGGER notification_health_deleted AFTER DELETE ON jipp_notification
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jipp_notification_health_deleted();
CREATE TRIGGER notification_health_user_moved AFTER UPDATE OF province_id ON jipp_user
    FOR EACH ROW WHEN (OLD.province_id IS DISTINCT FROM NEW.province_id)
    EXECUTE FUNCTION jipp_notification_health_user_moved();
"""

DROP = """
DROP TRIGGER IF EXISTS notification_health_inserted ON jipp_notification;
DROP TRIGGER IF EXISTS notification_health_updated ON jipp_notification;
DROP TRIGGER IF EXISTS notification_health_deleted ON jipp_notification;
DROP TRIGGER IF EXISTS notification_health_user_moved ON jipp_user;
DROP FUNCTION IF EXISTS jipp_notification_health_inserted();
DROP FUNCTION IF EXISTS jipp_notification_health_updated();
DROP FUNCTION IF EXISTS jipp_notification_health_deleted();
DROP FUNCTION IF EXISTS jipp_notification_health_user_moved();
"""

REBUILD = """DELETE FROM jipp_rollup_notification_hour; INSERT INTO jipp_rollup_notification_hour (province_id, hour, status, n)
    WITH changed AS (SELECT user_id, created_at, status, channel, 1 AS sign FROM jipp_notification),
    delta AS (
        SELECT COALESCE(u.province_id, 0) AS province_id,
               floor(extract(epoch FROM r.created_at) / 3600)::bigint AS hour,
               r.status, SUM(r.sign)::integer AS n
          FROM changed r
          LEFT JOIN jipp_user u ON u.id = r.user_id
         WHERE r.channel = 'email'
         GROUP BY 1, 2, 3
    ),
    keyed AS (
        SELECT province_id, hour, status, n FROM delta
        UNION ALL
        SELECT -1, hour, status, SUM(n)::integer FROM delta GROUP BY hour, status
    ) SELECT province_id, hour, status, n FROM keyed;"""
