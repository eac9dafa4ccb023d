# ruff: noqa: S608 - the SQL below names our own tables; values go as parameters
"""Notification health: the e-mail notifications created in the last seven days, by what
became of them (sent, waiting, failed), nationally or of one province's recipients.

Counted from a rollup, not from the notifications: the outbox writes tens of thousands of
rows a week (a reminder sweep alone writes 20,000), and the dashboards read the figure on
every cold request. `jipp_rollup_notification_hour` (RollupNotificationHour) holds the
e-mail notifications per hour of creation (whole hours since 1970, UTC), recipient's
province (0: no province; -1: every province together, so the national figure reads one
row per hour and status) and status. PostgreSQL keeps it in the transaction of every
change, with statement triggers (one aggregated upsert per statement, in key order, so a
batch of 500 rows costs one write per bucket and concurrent writers lock buckets in the
same order); moving a user to another province moves the counts of their notifications.

The window is exact: the whole hours after the first one from the rollup (at most 169
rows a status), the rest of the first hour from the notifications themselves, through the
partial index notification_email_created. Unlike the dashboards' rollups of
replication/rollup_sql.py, these triggers do not obey `SET jipp.rollups = 'off'` (no bulk
load writes notifications); `rebuild_rollups` rebuilds this one too, and `check_data`
compares it with the live rows (jipp/invariants.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone

TABLE = "jipp_rollup_notification_hour"
ALL = -1  # the province_id of the rows counting every province together
WINDOW = timedelta(days=7)

# What each status counts as on the dashboards (the others are not e-mail statuses).
SHOWN = {"sent": "sent", "pending": "pending", "sending": "pending", "failed": "failed"}


def _delta(changed: str) -> str:
    """(province, hour, status, n) of the notification rows of `changed`, each with a
    `sign` (1: counted, -1: no longer), then the same summed over every province."""
    return f"""
    WITH changed AS ({changed}),
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
        SELECT {ALL}, hour, status, SUM(n)::integer FROM delta GROUP BY hour, status
    )"""


def _apply(changed: str) -> str:
    """The upsert of a statement's changes: one per bucket, in the key's order."""
    return f"""{_delta(changed)}
    INSERT INTO {TABLE} AS t (province_id, hour, status, n)
    SELECT province_id, hour, status, SUM(n)::integer FROM keyed
     GROUP BY province_id, hour, status
    HAVING SUM(n) <> 0
     ORDER BY province_id, hour, status
    ON CONFLICT (province_id, hour, status) DO UPDATE SET n = t.n + EXCLUDED.n"""


COLUMNS = "user_id, created_at, status, channel"
OLD = f"SELECT {COLUMNS}, -1 FROM old_rows"
FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION jipp_notification_health_inserted() RETURNS trigger AS $$
BEGIN
    {_apply(f"SELECT {COLUMNS}, 1 AS sign FROM new_rows")};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION jipp_notification_health_updated() RETURNS trigger AS $$
BEGIN
    {_apply(f"SELECT {COLUMNS}, 1 AS sign FROM new_rows UNION ALL {OLD}")};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION jipp_notification_health_deleted() RETURNS trigger AS $$
BEGIN
    {_apply(f"SELECT {COLUMNS}, -1 AS sign FROM old_rows")};
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
    INSERT INTO {TABLE} AS t (province_id, hour, status, n)
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

# The rollup's rows computed from the live notifications (the backfill, rebuild, drift).
LIVE = (
    _delta(f"SELECT {COLUMNS}, 1 AS sign FROM jipp_notification")
    + " SELECT province_id, hour, status, n FROM keyed"
)

REBUILD = f"DELETE FROM {TABLE}; INSERT INTO {TABLE} (province_id, hour, status, n) {LIVE};"


def rebuild() -> None:
    """The rollup computed again from the notifications (call inside a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD)


def drift(limit: int = 20) -> list[str]:
    """The rows where the rollup differs from the live notifications, described."""
    stored = f"SELECT province_id, hour, status, n FROM {TABLE} WHERE n <> 0"
    problems = []
    with connection.cursor() as cursor:
        for label, first, second in (
            ("stored, not live", stored, LIVE),
            ("live, not stored", LIVE, stored),
        ):
            cursor.execute(f"({first}) EXCEPT ALL ({second}) LIMIT {limit}")
            problems += [f"{TABLE}: {label}: {row}" for row in cursor.fetchall()]
    return problems


def _hour(moment: datetime) -> int:
    return int(moment.timestamp() // 3600)


def health(province_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """E-mail notifications created in the last seven days (from `now`), by status, of
    every recipient or of those of one province (one query: at most 169 rollup rows a
    status, and the notifications of the window's first, partial hour)."""
    since = (now or timezone.now()) - WINDOW
    first = _hour(since)  # the hour `since` falls in: counted from the notifications
    first_end = datetime.fromtimestamp((first + 1) * 3600, tz=UTC)
    if province_id is None:
        scope, join, params = f"province_id = {ALL}", "", []
    else:
        scope = "province_id = %s"
        join = "JOIN jipp_user u ON u.id = n.user_id AND u.province_id = %s"
        params = [province_id]
    sql = f"""
        SELECT status, SUM(n) FROM {TABLE}
         WHERE {scope} AND hour > %s
         GROUP BY status
        UNION ALL
        SELECT n.status, COUNT(*) FROM jipp_notification n {join}
         WHERE n.channel = 'email' AND n.created_at >= %s AND n.created_at < %s
         GROUP BY n.status
    """
    figures = {"sent": 0, "pending": 0, "failed": 0}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, first, *params, since, first_end])
        for status, n in cursor.fetchall():
            if status in SHOWN:
                figures[SHOWN[status]] += int(n)
    return figures
