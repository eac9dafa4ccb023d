"""The SQL that keeps the rollups of replication/rollups.py: PostgreSQL functions and
triggers (so every write path keeps them: services, the admin, bulk_create, COPY), and the
queries that compute them from the live rows (the backfill, `rebuild_rollups`, and the
`check_data` comparison).

Buckets are local calendar months in each of Indonesia's three UTC offsets (7 WIB, 8 WITA,
9 WIT; Asia/Pontianak is WIB): a dashboard period is a year or a quarter in one zone, so it
is a whole number of its zone's months, and any period's figure is a sum over at most 12
months x 38 provinces; "by the end of the period" is a sum over the months before it.
Every timestamp is written to the three zones' buckets (three rows per change).

A bulk load may turn the triggers off for its session (`SET jipp.rollups = 'off'`, see
`rollups_off`) and rebuild the rollups at its end.

Deltas are applied row by row with upserts; what a figure reads from several tables (the
results of a plan, the moment a plan counts as cancelled) is kept per plan in a memo table
and recomputed for that plan on every change, its old contribution taken off first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from replication.choices import RESULT_STAGES

ZONES = {7: "Asia/Jakarta", 8: "Asia/Makassar", 9: "Asia/Jayapura"}
ZONE_OF = {
    "Asia/Jakarta": 7,
    "Asia/Pontianak": 7,
    "Asia/Makassar": 8,
    "Asia/Jayapura": 9,
}
# The bucket of a verified indicator whose evaluation stage has no verified_at: counted in
# the totals, in no period.
NO_MONTH = "0001-01-01"

# Moments counted per month (RollupMoment.what).
EVENT_ACTIONS = ("plan_approved", "stage_verified", "due_date_accepted")
APPROVED, COMPLETED, APPROVED_COMPLETED = "approved", "completed", "approved_completed"
VERIFIED, CANCELLED = "verified", "cancelled"

TABLES = [
    "replication_rollup_plan",
    "replication_rollup_moment",
    "replication_rollup_due",
    "replication_rollup_result",
    "replication_rollup_result_goal",
    "replication_rollup_result_part",
    "replication_rollup_cancel",
    "replication_rollup_interest",
    "replication_rollup_interest_province",
    "replication_rollup_interest_rank",
    "replication_rollup_innovation_province",
    "replication_rollup_innovation",
    "replication_rollup_innovation_status",
    "replication_rollup_open_stage",
    "replication_rollup_stage_done",
    "replication_rollup_case_result",
]

# The stages whose verification publishes results.
RESULT_KINDS = "(" + ", ".join(f"'{kind}'" for kind in RESULT_STAGES) + ")"

ZONE_VALUES = "(VALUES " + ", ".join(f"({o}, '{z}')" for o, z in ZONES.items()) + ")"
PLAN_CT = (
    "(SELECT id FROM django_content_type "
    "WHERE app_label = 'replication' AND model = 'replicationplan')"
)
STAGE_CT = (
    "(SELECT id FROM django_content_type WHERE app_label = 'replication' AND model = 'stage')"
)
REACHED = (
    "((i.direction = 'increase' AND i.achieved >= i.target) "
    "OR (i.direction = 'decrease' AND i.achieved <= i.target))"
)

# The demand view's ranks (RollupInterestRank): the open interest in approved innovations,
# in three scopes (all provinces: 0; the hub provinces: -1; each province alone: its id),
# numbered per innovation from the oldest declaration. `{where}` narrows it to some
# innovations (a trigger's refresh).
RANK_COLUMNS = "innovation_id, scope, k, category_id, oldest, since, since_next"
RANK_LOCK = 1908  # the advisory locks' first key: "the ranks of innovation <id>"
RANK_QUERY = """
WITH declared AS (
    SELECT i.innovation_id, i.province_id, i.created_at,
           COALESCE(inv.category_id, 0) AS category_id,
           p.hub_since IS NOT NULL AS hub_province
      FROM replication_interest i
      JOIN innovations_innovation inv ON inv.id = i.innovation_id AND inv.status = 'approved'
      JOIN jipp_province p ON p.id = i.province_id
     WHERE i.status = 'open' {where}
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
"""

# The ranks of some innovations computed again from their open interest (at most one row
# per province each: a few dozen rows an innovation). Two transactions changing the interest
# of one innovation (a withdrawal beside a declaration) would each compute it from a
# snapshot without the other's change: a lock per innovation, taken in id order, makes the
# second wait for the first's commit and compute from both (migration 0010).
RANK_REFRESH = f"""
CREATE OR REPLACE FUNCTION rollup_interest_rank_refresh(p_ids bigint[]) RETURNS void AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({RANK_LOCK}, mod(id, 2147483647)::integer)
       FROM (SELECT DISTINCT id FROM unnest(p_ids) AS id WHERE id IS NOT NULL) AS ids
      ORDER BY id;
    DELETE FROM replication_rollup_interest_rank WHERE innovation_id = ANY(p_ids);
    INSERT INTO replication_rollup_interest_rank ({RANK_COLUMNS})
    {RANK_QUERY.format(where="AND i.innovation_id = ANY(p_ids)")};
END $$ LANGUAGE plpgsql;
"""  # noqa: S608

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION rollup_moment_add(p_at timestamptz, p_province bigint,
                                             p_what text, p_n integer) RETURNS void AS $$
BEGIN
    IF p_at IS NULL OR p_n = 0 THEN RETURN; END IF;
    INSERT INTO replication_rollup_moment AS r (zone, what, month, province_id, n)
    SELECT z.o, p_what, date_trunc('month', p_at AT TIME ZONE z.name)::date,
           COALESCE(p_province, 0), p_n
    FROM {ZONE_VALUES} AS z(o, name)
    ON CONFLICT (zone, what, month, province_id) DO UPDATE SET n = r.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_plan_add(p_province bigint, p_status text, p_stage text,
                                           p_n integer) RETURNS void AS $$
BEGIN
    INSERT INTO replication_rollup_plan AS r (province_id, status, current_stage, n)
    VALUES (p_province, p_status, p_stage, p_n)
    ON CONFLICT (province_id, status, current_stage) DO UPDATE SET n = r.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_due_add(p_province bigint, p_due date, p_n integer)
RETURNS void AS $$
BEGIN
    INSERT INTO replication_rollup_due AS r (province_id, due_date, n)
    VALUES (p_province, p_due, p_n)
    ON CONFLICT (province_id, due_date) DO UPDATE SET n = r.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

-- An unfinished stage of an approved plan, in or out of its province's list.
CREATE OR REPLACE FUNCTION rollup_open_stage_add(p_province bigint, p_due date, p_plan bigint,
                                                 p_order integer, p_stage bigint,
                                                 p_n integer) RETURNS void AS $$
BEGIN
    PERFORM rollup_due_add(p_province, p_due, p_n);
    IF p_n > 0 THEN
        INSERT INTO replication_rollup_open_stage
            (province_id, due_date, plan_id, "order", stage_id)
        VALUES (p_province, p_due, p_plan, p_order, p_stage) ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM replication_rollup_open_stage
         WHERE province_id = p_province AND due_date = p_due AND plan_id = p_plan
           AND "order" = p_order;
    END IF;
END $$ LANGUAGE plpgsql;

-- A done stage of an approved plan, waiting for the ministry's verification.
CREATE OR REPLACE FUNCTION rollup_stage_done_add(p_province bigint, p_kind text, p_n integer)
RETURNS void AS $$
BEGIN
    INSERT INTO replication_rollup_stage_done AS r (province_id, results, n)
    VALUES (p_province, p_kind IN {RESULT_KINDS}, p_n)
    ON CONFLICT (province_id, results) DO UPDATE SET n = r.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_interest_add(p_innovation bigint, p_province bigint,
                                               p_n integer) RETURNS void AS $$
BEGIN
    INSERT INTO replication_rollup_interest AS r (innovation_id, province_id, n)
    VALUES (p_innovation, p_province, p_n)
    ON CONFLICT (innovation_id, province_id) DO UPDATE SET n = r.n + EXCLUDED.n;
    INSERT INTO replication_rollup_interest_province AS r (province_id, n)
    VALUES (p_province, p_n)
    ON CONFLICT (province_id) DO UPDATE SET n = r.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

{RANK_REFRESH}
-- An innovation's open interest counted again from the rows (it was approved or stopped
-- being, or was deleted): its old counts taken off first.
CREATE OR REPLACE FUNCTION rollup_interest_innovation(p_innovation bigint) RETURNS void AS $$
BEGIN
    UPDATE replication_rollup_interest_province p SET n = p.n - r.n
      FROM replication_rollup_interest r
     WHERE r.innovation_id = p_innovation AND p.province_id = r.province_id;
    DELETE FROM replication_rollup_interest WHERE innovation_id = p_innovation;
    INSERT INTO replication_rollup_interest (innovation_id, province_id, n)
    SELECT i.innovation_id, i.province_id, COUNT(*) FROM replication_interest i
      JOIN innovations_innovation inv ON inv.id = i.innovation_id AND inv.status = 'approved'
     WHERE i.innovation_id = p_innovation AND i.status = 'open' GROUP BY 1, 2;
    INSERT INTO replication_rollup_interest_province AS p (province_id, n)
    SELECT province_id, n FROM replication_rollup_interest WHERE innovation_id = p_innovation
    ON CONFLICT (province_id) DO UPDATE SET n = p.n + EXCLUDED.n;
    PERFORM rollup_interest_rank_refresh(ARRAY[p_innovation]);
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_result_add(p_at timestamptz, p_province bigint,
                                             p_category bigint, p_goal bigint,
                                             p_verified integer, p_reached integer)
RETURNS void AS $$
BEGIN
    INSERT INTO replication_rollup_result AS r
        (zone, month, province_id, category_id, verified, reached)
    SELECT z.o,
           COALESCE(date_trunc('month', p_at AT TIME ZONE z.name)::date, DATE '{NO_MONTH}'),
           p_province, p_category, p_verified, p_reached
    FROM {ZONE_VALUES} AS z(o, name)
    ON CONFLICT (zone, month, province_id, category_id) DO UPDATE
        SET verified = r.verified + EXCLUDED.verified, reached = r.reached + EXCLUDED.reached;
    INSERT INTO replication_rollup_result_goal AS r
        (zone, month, province_id, sdg_goal, verified, reached)
    SELECT z.o,
           COALESCE(date_trunc('month', p_at AT TIME ZONE z.name)::date, DATE '{NO_MONTH}'),
           p_province, p_goal, p_verified, p_reached
    FROM {ZONE_VALUES} AS z(o, name)
    ON CONFLICT (zone, month, province_id, sdg_goal) DO UPDATE
        SET verified = r.verified + EXCLUDED.verified, reached = r.reached + EXCLUDED.reached;
END $$ LANGUAGE plpgsql;

-- A public plan of an innovation in a province; the innovation's totals follow, its
-- provinces counted as a province's pair goes from none to some and back.
CREATE OR REPLACE FUNCTION rollup_innovation_add(p_innovation bigint, p_province bigint,
                                                 p_approved integer, p_completed integer)
RETURNS void AS $$
DECLARE
    v_after integer;
    v_before integer;
BEGIN
    IF p_approved = 0 AND p_completed = 0 THEN RETURN; END IF;
    INSERT INTO replication_rollup_innovation_province AS r
        (innovation_id, province_id, approved, completed)
    VALUES (p_innovation, p_province, p_approved, p_completed)
    ON CONFLICT (innovation_id, province_id) DO UPDATE
        SET approved = r.approved + EXCLUDED.approved,
            completed = r.completed + EXCLUDED.completed
    RETURNING r.approved + r.completed INTO v_after;
    v_before := v_after - p_approved - p_completed;
    INSERT INTO replication_rollup_innovation AS r
        (innovation_id, approved, completed, provinces, total)
    VALUES (p_innovation, p_approved, p_completed,
            (v_after > 0)::integer - (v_before > 0)::integer, p_approved + p_completed)
    ON CONFLICT (innovation_id) DO UPDATE
        SET approved = r.approved + EXCLUDED.approved,
            completed = r.completed + EXCLUDED.completed,
            provinces = r.provinces + EXCLUDED.provinces,
            total = r.total + EXCLUDED.total;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_plan_public(p_plan replication_replicationplan,
                                              p_n integer) RETURNS void AS $$
BEGIN
    IF p_plan.status IN ('approved', 'completed') THEN
        PERFORM rollup_innovation_add(
            p_plan.innovation_id, p_plan.province_id,
            CASE WHEN p_plan.status = 'approved' THEN p_n ELSE 0 END,
            CASE WHEN p_plan.status = 'completed' THEN p_n ELSE 0 END);
    END IF;
END $$ LANGUAGE plpgsql;

-- The moment a cancelled plan stops counting as approved: its approval and its first
-- plan_cancelled event both before it (figures._cancelled_before).
CREATE OR REPLACE FUNCTION rollup_refresh_cancel(p_plan bigint) RETURNS void AS $$
DECLARE
    old_province bigint;
    old_at timestamptz;
    new_province bigint;
    new_at timestamptz;
BEGIN
    DELETE FROM replication_rollup_cancel WHERE plan_id = p_plan
    RETURNING province_id, at INTO old_province, old_at;
    IF FOUND THEN
        PERFORM rollup_moment_add(old_at, old_province, '{CANCELLED}', -1);
    END IF;
    SELECT pl.province_id, GREATEST(pl.approved_at, MIN(e.created_at))
      INTO new_province, new_at
      FROM replication_replicationplan pl
      JOIN jipp_auditevent e ON e.target_type_id = {PLAN_CT} AND e.target_id = pl.id
                            AND e.action = 'plan_cancelled'
     WHERE pl.id = p_plan AND pl.status = 'cancelled' AND pl.approved_at IS NOT NULL
     GROUP BY pl.province_id, pl.approved_at;
    IF FOUND THEN
        INSERT INTO replication_rollup_cancel (plan_id, province_id, at)
        VALUES (p_plan, new_province, new_at);
        PERFORM rollup_moment_add(new_at, new_province, '{CANCELLED}', 1);
    END IF;
END $$ LANGUAGE plpgsql;

-- A plan's verified indicators (figures.verified_indicators), by SDG goal.
CREATE OR REPLACE FUNCTION rollup_refresh_results(p_plan bigint) RETURNS void AS $$
DECLARE
    part record;
BEGIN
    FOR part IN DELETE FROM replication_rollup_result_part WHERE plan_id = p_plan
                RETURNING verified_at, province_id, category_id, sdg_goal, verified, reached
    LOOP
        PERFORM rollup_result_add(part.verified_at, part.province_id, part.category_id,
                                  part.sdg_goal, -part.verified, -part.reached);
    END LOOP;
    FOR part IN
        SELECT i.plan_id AS plan_id, COALESCE(i.sdg_goal, 0) AS sdg_goal,
               pl.province_id AS province_id, COALESCE(inv.category_id, 0) AS category_id,
               st.verified_at AS verified_at, COUNT(*) AS verified,
               COUNT(*) FILTER (WHERE {REACHED}) AS reached
          FROM replication_indicator i
          JOIN replication_replicationplan pl ON pl.id = i.plan_id
          JOIN replication_stage st ON st.plan_id = pl.id AND st.kind = 'evaluation'
                                   AND st.status = 'verified'
          JOIN innovations_innovation inv ON inv.id = pl.innovation_id
         WHERE i.plan_id = p_plan AND i.achieved IS NOT NULL
           AND pl.status IN ('approved', 'completed')
         GROUP BY 1, 2, 3, 4, 5
    LOOP
        INSERT INTO replication_rollup_result_part
            (plan_id, sdg_goal, province_id, category_id, verified_at, verified, reached)
        VALUES (part.plan_id, part.sdg_goal, part.province_id, part.category_id,
                part.verified_at, part.verified, part.reached);
        PERFORM rollup_result_add(part.verified_at, part.province_id, part.category_id,
                                  part.sdg_goal, part.verified::integer,
                                  part.reached::integer);
    END LOOP;
END $$ LANGUAGE plpgsql;

-- Whether a plan is a public case with verified results (RollupCaseResult): its row
-- written, moved or taken off, and left alone when nothing changed.
CREATE OR REPLACE FUNCTION rollup_refresh_case(p_plan bigint) RETURNS void AS $$
DECLARE
    v_province bigint;
    v_status text;
BEGIN
    SELECT pl.province_id, pl.status INTO v_province, v_status
      FROM replication_replicationplan pl
     WHERE pl.id = p_plan AND pl.status IN ('approved', 'completed')
       AND EXISTS (SELECT 1 FROM replication_stage st
                    WHERE st.plan_id = pl.id AND st.kind = 'evaluation'
                      AND st.status = 'verified');
    IF FOUND THEN
        INSERT INTO replication_rollup_case_result AS r (plan_id, province_id, status)
        VALUES (p_plan, v_province, v_status)
        ON CONFLICT (plan_id) DO UPDATE
            SET province_id = EXCLUDED.province_id, status = EXCLUDED.status
            WHERE (r.province_id, r.status) IS DISTINCT FROM
                  (EXCLUDED.province_id, EXCLUDED.status);
    ELSE
        DELETE FROM replication_rollup_case_result WHERE plan_id = p_plan;
    END IF;
END $$ LANGUAGE plpgsql;

-- The province an event of EVENT_ACTIONS counts for (0: nationally only).
CREATE OR REPLACE FUNCTION rollup_event_province(p_action text, p_type bigint,
                                                 p_target bigint) RETURNS bigint AS $$
DECLARE
    found_province bigint;
BEGIN
    IF p_action = 'plan_approved' AND p_type = {PLAN_CT} THEN
        SELECT province_id INTO found_province FROM replication_replicationplan
         WHERE id = p_target;
    ELSIF p_action <> 'plan_approved' AND p_type = {STAGE_CT} THEN
        SELECT pl.province_id INTO found_province
          FROM replication_stage st JOIN replication_replicationplan pl ON pl.id = st.plan_id
         WHERE st.id = p_target;
    END IF;
    RETURN COALESCE(found_province, 0);
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_event_apply(p_action text, p_type bigint, p_target bigint,
                                              p_at timestamptz, p_n integer)
RETURNS void AS $$
BEGIN
    IF p_action IN {EVENT_ACTIONS} THEN
        IF p_type IN ({PLAN_CT}, {STAGE_CT}) THEN
            PERFORM rollup_moment_add(
                p_at, rollup_event_province(p_action, p_type, p_target), p_action, p_n);
        END IF;
    ELSIF p_action = 'plan_cancelled' AND p_type = {PLAN_CT} THEN
        PERFORM rollup_refresh_cancel(p_target);
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_on_event() RETURNS trigger AS $$
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM rollup_event_apply(OLD.action, OLD.target_type_id, OLD.target_id,
                                   OLD.created_at, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM rollup_event_apply(NEW.action, NEW.target_type_id, NEW.target_id,
                                   NEW.created_at, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A plan's stages through the plan: their verification moments count for its province,
-- their due dates while it is approved and they are unfinished.
CREATE OR REPLACE FUNCTION rollup_plan_stages(p_plan replication_replicationplan,
                                              p_n integer, p_verified boolean)
RETURNS void AS $$
DECLARE
    st record;
BEGIN
    FOR st IN SELECT id, kind, "order", status, due_date, verified_at FROM replication_stage
               WHERE plan_id = p_plan.id ORDER BY due_date LOOP
        IF p_verified THEN
            PERFORM rollup_moment_add(st.verified_at, p_plan.province_id, '{VERIFIED}', p_n);
        END IF;
        IF p_plan.status = 'approved' AND st.status IN ('pending', 'in_progress') THEN
            PERFORM rollup_open_stage_add(p_plan.province_id, st.due_date, p_plan.id,
                                          st."order", st.id, p_n);
        END IF;
        IF p_plan.status = 'approved' AND st.status = 'done' THEN
            PERFORM rollup_stage_done_add(p_plan.province_id, st.kind, p_n);
        END IF;
    END LOOP;
END $$ LANGUAGE plpgsql;

-- A plan's own moments: approved, completed, both.
CREATE OR REPLACE FUNCTION rollup_plan_moments(p_plan replication_replicationplan,
                                               p_n integer) RETURNS void AS $$
BEGIN
    PERFORM rollup_moment_add(p_plan.approved_at, p_plan.province_id, '{APPROVED}', p_n);
    PERFORM rollup_moment_add(p_plan.completed_at, p_plan.province_id, '{COMPLETED}', p_n);
    IF p_plan.approved_at IS NOT NULL AND p_plan.completed_at IS NOT NULL THEN
        PERFORM rollup_moment_add(GREATEST(p_plan.approved_at, p_plan.completed_at),
                                  p_plan.province_id, '{APPROVED_COMPLETED}', p_n);
    END IF;
END $$ LANGUAGE plpgsql;

-- Only what changed is written: a stage moving on touches its plan's two status cells,
-- not the rows of the month it was approved in (where its province's other plans count).
CREATE OR REPLACE FUNCTION rollup_on_plan() RETURNS trigger AS $$
DECLARE
    moved boolean := false;
    ev record;
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM rollup_plan_add(NEW.province_id, NEW.status, NEW.current_stage, 1);
        PERFORM rollup_plan_public(NEW, 1);
        PERFORM rollup_plan_moments(NEW, 1);
        PERFORM rollup_plan_stages(NEW, 1, true);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM rollup_plan_add(OLD.province_id, OLD.status, OLD.current_stage, -1);
        PERFORM rollup_plan_public(OLD, -1);
        PERFORM rollup_plan_moments(OLD, -1);
        PERFORM rollup_plan_stages(OLD, -1, true);
    ELSE
        moved := OLD.province_id <> NEW.province_id;
        IF moved OR OLD.status <> NEW.status OR OLD.current_stage <> NEW.current_stage THEN
            -- In the order of their keys, so that two plans crossing do not deadlock.
            IF (OLD.status, OLD.current_stage) < (NEW.status, NEW.current_stage) THEN
                PERFORM rollup_plan_add(OLD.province_id, OLD.status, OLD.current_stage, -1);
                PERFORM rollup_plan_add(NEW.province_id, NEW.status, NEW.current_stage, 1);
            ELSE
                PERFORM rollup_plan_add(NEW.province_id, NEW.status, NEW.current_stage, 1);
                PERFORM rollup_plan_add(OLD.province_id, OLD.status, OLD.current_stage, -1);
            END IF;
        END IF;
        IF moved OR OLD.status <> NEW.status OR OLD.innovation_id <> NEW.innovation_id THEN
            PERFORM rollup_plan_public(OLD, -1);
            PERFORM rollup_plan_public(NEW, 1);
        END IF;
        IF moved OR OLD.approved_at IS DISTINCT FROM NEW.approved_at
           OR OLD.completed_at IS DISTINCT FROM NEW.completed_at THEN
            PERFORM rollup_plan_moments(OLD, -1);
            PERFORM rollup_plan_moments(NEW, 1);
        END IF;
        IF moved OR (OLD.status = 'approved') <> (NEW.status = 'approved') THEN
            PERFORM rollup_plan_stages(OLD, -1, moved);
            PERFORM rollup_plan_stages(NEW, 1, moved);
        END IF;
        IF moved THEN
            -- The plan's events count for its province: move them with it.
            FOR ev IN SELECT e.action, e.created_at FROM jipp_auditevent e
                       WHERE (e.target_type_id = {PLAN_CT} AND e.target_id = NEW.id
                              AND e.action = 'plan_approved')
                          OR (e.target_type_id = {STAGE_CT} AND e.action <> 'plan_approved'
                              AND e.action IN {EVENT_ACTIONS}
                              AND e.target_id IN (SELECT id FROM replication_stage
                                                   WHERE plan_id = NEW.id)) LOOP
                PERFORM rollup_moment_add(ev.created_at, OLD.province_id, ev.action, -1);
                PERFORM rollup_moment_add(ev.created_at, NEW.province_id, ev.action, 1);
            END LOOP;
        END IF;
    END IF;
    IF TG_OP <> 'UPDATE' OR moved OR OLD.status <> NEW.status
       OR OLD.approved_at IS DISTINCT FROM NEW.approved_at THEN
        PERFORM rollup_refresh_cancel(COALESCE(NEW.id, OLD.id));
    END IF;
    IF TG_OP <> 'UPDATE' OR moved OR OLD.status <> NEW.status
       OR OLD.innovation_id <> NEW.innovation_id THEN
        PERFORM rollup_refresh_results(COALESCE(NEW.id, OLD.id));
    END IF;
    IF TG_OP <> 'UPDATE' OR moved OR OLD.status <> NEW.status THEN
        PERFORM rollup_refresh_case(COALESCE(NEW.id, OLD.id));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- What a stage adds through its plan: its verification moment for the plan's province,
-- its due date while the plan is approved and the stage unfinished.
CREATE OR REPLACE FUNCTION rollup_stage_apply(p_stage replication_stage, p_n integer)
RETURNS void AS $$
DECLARE
    pl record;
BEGIN
    SELECT province_id, status INTO pl FROM replication_replicationplan
     WHERE id = p_stage.plan_id;
    IF NOT FOUND THEN RETURN; END IF;  -- its plan is gone and took it off, or not yet here
    PERFORM rollup_moment_add(p_stage.verified_at, pl.province_id, '{VERIFIED}', p_n);
    IF pl.status = 'approved' AND p_stage.status IN ('pending', 'in_progress') THEN
        PERFORM rollup_open_stage_add(pl.province_id, p_stage.due_date, p_stage.plan_id,
                                      p_stage."order", p_stage.id, p_n);
    END IF;
    IF pl.status = 'approved' AND p_stage.status = 'done' THEN
        PERFORM rollup_stage_done_add(pl.province_id, p_stage.kind, p_n);
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_on_stage() RETURNS trigger AS $$
DECLARE
    pl record;
    old_due date;
    new_due date;
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    IF TG_OP = 'UPDATE' AND OLD.plan_id = NEW.plan_id THEN
        IF (OLD.kind, OLD.status, OLD.due_date, OLD.verified_at, OLD."order")
           IS NOT DISTINCT FROM
           (NEW.kind, NEW.status, NEW.due_date, NEW.verified_at, NEW."order") THEN
            RETURN NULL;
        END IF;
        -- Only what changed is written: starting a stage touches no row at all.
        SELECT province_id, status INTO pl FROM replication_replicationplan
         WHERE id = NEW.plan_id;
        IF FOUND THEN
            IF OLD.verified_at IS DISTINCT FROM NEW.verified_at THEN
                PERFORM rollup_moment_add(OLD.verified_at, pl.province_id, '{VERIFIED}', -1);
                PERFORM rollup_moment_add(NEW.verified_at, pl.province_id, '{VERIFIED}', 1);
            END IF;
            IF pl.status = 'approved' AND (OLD.status = 'done' OR NEW.status = 'done')
               AND (OLD.status, OLD.kind) IS DISTINCT FROM (NEW.status, NEW.kind) THEN
                IF OLD.status = 'done' THEN
                    PERFORM rollup_stage_done_add(pl.province_id, OLD.kind, -1);
                END IF;
                IF NEW.status = 'done' THEN
                    PERFORM rollup_stage_done_add(pl.province_id, NEW.kind, 1);
                END IF;
            END IF;
            IF pl.status = 'approved' THEN
                IF OLD.status IN ('pending', 'in_progress') THEN old_due := OLD.due_date; END IF;
                IF NEW.status IN ('pending', 'in_progress') THEN new_due := NEW.due_date; END IF;
                IF old_due IS DISTINCT FROM new_due OR OLD."order" <> NEW."order" THEN
                    IF old_due IS NOT NULL THEN
                        PERFORM rollup_open_stage_add(pl.province_id, old_due, OLD.plan_id,
                                                      OLD."order", OLD.id, -1);
                    END IF;
                    IF new_due IS NOT NULL THEN
                        PERFORM rollup_open_stage_add(pl.province_id, new_due, NEW.plan_id,
                                                      NEW."order", NEW.id, 1);
                    END IF;
                END IF;
            END IF;
        END IF;
        IF OLD.kind = 'evaluation' OR NEW.kind = 'evaluation' THEN
            PERFORM rollup_refresh_results(NEW.plan_id);
            IF (OLD.kind, OLD.status) IS DISTINCT FROM (NEW.kind, NEW.status) THEN
                PERFORM rollup_refresh_case(NEW.plan_id);
            END IF;
        END IF;
        RETURN NULL;
    END IF;
    -- Inserted, deleted, or moved to another plan.
    IF TG_OP <> 'INSERT' THEN
        PERFORM rollup_stage_apply(OLD, -1);
        IF OLD.kind = 'evaluation' THEN
            PERFORM rollup_refresh_results(OLD.plan_id);
            PERFORM rollup_refresh_case(OLD.plan_id);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM rollup_stage_apply(NEW, 1);
        IF NEW.kind = 'evaluation' THEN
            PERFORM rollup_refresh_results(NEW.plan_id);
            PERFORM rollup_refresh_case(NEW.plan_id);
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_on_indicator() RETURNS trigger AS $$
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.plan_id, OLD.direction, OLD.target, OLD.achieved, OLD.sdg_goal)
           IS NOT DISTINCT FROM
           (NEW.plan_id, NEW.direction, NEW.target, NEW.achieved, NEW.sdg_goal) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM rollup_refresh_results(OLD.plan_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.plan_id <> OLD.plan_id) THEN
        PERFORM rollup_refresh_results(NEW.plan_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_innovation_status_add(p_province bigint, p_status text,
                                                        p_n integer) RETURNS void AS $$
BEGIN
    INSERT INTO replication_rollup_innovation_status AS r (province_id, status, n)
    VALUES (COALESCE(p_province, 0), p_status, p_n)
    ON CONFLICT (province_id, status) DO UPDATE SET n = r.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_on_innovation() RETURNS trigger AS $$
DECLARE
    v_plan bigint;
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM rollup_innovation_status_add(NEW.province_id, NEW.status, 1);
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM rollup_innovation_status_add(OLD.province_id, OLD.status, -1);
        PERFORM rollup_interest_innovation(OLD.id);
        RETURN NULL;
    END IF;
    IF (OLD.province_id, OLD.status) IS DISTINCT FROM (NEW.province_id, NEW.status) THEN
        PERFORM rollup_innovation_status_add(OLD.province_id, OLD.status, -1);
        PERFORM rollup_innovation_status_add(NEW.province_id, NEW.status, 1);
    END IF;
    IF (OLD.status = 'approved') <> (NEW.status = 'approved') THEN
        -- Its open interest counts while it is approved.
        PERFORM rollup_interest_innovation(NEW.id);
    ELSIF OLD.category_id IS DISTINCT FROM NEW.category_id THEN
        PERFORM rollup_interest_rank_refresh(ARRAY[NEW.id]);  -- the ranks carry the sector
    END IF;
    IF OLD.category_id IS DISTINCT FROM NEW.category_id THEN
        FOR v_plan IN SELECT DISTINCT part.plan_id FROM replication_rollup_result_part part
                        JOIN replication_replicationplan pl ON pl.id = part.plan_id
                       WHERE pl.innovation_id = NEW.id LOOP
            PERFORM rollup_refresh_results(v_plan);
        END LOOP;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rollup_on_interest() RETURNS trigger AS $$
DECLARE
    approved boolean;
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    -- Only the interest in approved innovations counts (what the dashboards show).
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
        SELECT status = 'approved' INTO approved FROM innovations_innovation
         WHERE id = OLD.innovation_id;
        IF approved THEN
            PERFORM rollup_interest_add(OLD.innovation_id, OLD.province_id, -1);
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'open' THEN
        SELECT status = 'approved' INTO approved FROM innovations_innovation
         WHERE id = NEW.innovation_id;
        IF approved THEN
            PERFORM rollup_interest_add(NEW.innovation_id, NEW.province_id, 1);
        END IF;
    END IF;
    IF (TG_OP <> 'INSERT' AND OLD.status = 'open') OR (TG_OP <> 'DELETE' AND NEW.status = 'open')
    THEN
        PERFORM rollup_interest_rank_refresh(ARRAY[
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.innovation_id END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.innovation_id END]);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A province becomes a hub or stops being one: the hub ranks of the innovations it is
-- interested in.
CREATE OR REPLACE FUNCTION rollup_on_province() RETURNS trigger AS $$
BEGIN
    IF current_setting('jipp.rollups', true) = 'off' THEN RETURN NULL; END IF;
    PERFORM rollup_interest_rank_refresh(ARRAY(
        SELECT innovation_id FROM replication_interest
         WHERE province_id = NEW.id AND status = 'open'));
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""  # noqa: S608

TRIGGERS = """
CREATE TRIGGER rollup_plan AFTER INSERT OR UPDATE OR DELETE ON replication_replicationplan
    FOR EACH ROW EXECUTE FUNCTION rollup_on_plan();
CREATE TRIGGER rollup_stage AFTER INSERT OR UPDATE OR DELETE ON replication_stage
    FOR EACH ROW EXECUTE FUNCTION rollup_on_stage();
CREATE TRIGGER rollup_indicator AFTER INSERT OR UPDATE OR DELETE ON replication_indicator
    FOR EACH ROW EXECUTE FUNCTION rollup_on_indicator();
CREATE TRIGGER rollup_innovation AFTER INSERT OR UPDATE OR DELETE ON innovations_innovation
    FOR EACH ROW EXECUTE FUNCTION rollup_on_innovation();
CREATE TRIGGER rollup_interest AFTER INSERT OR UPDATE OR DELETE ON replication_interest
    FOR EACH ROW EXECUTE FUNCTION rollup_on_interest();
CREATE TRIGGER rollup_province AFTER UPDATE OF hub_since ON jipp_province
    FOR EACH ROW WHEN ((OLD.hub_since IS NULL) <> (NEW.hub_since IS NULL))
    EXECUTE FUNCTION rollup_on_province();
CREATE TRIGGER rollup_event_insert AFTER INSERT ON jipp_auditevent
    FOR EACH ROW WHEN (NEW.action IN
        ('plan_approved', 'stage_verified', 'due_date_accepted', 'plan_cancelled'))
    EXECUTE FUNCTION rollup_on_event();
CREATE TRIGGER rollup_event_change AFTER UPDATE OR DELETE ON jipp_auditevent
    FOR EACH ROW EXECUTE FUNCTION rollup_on_event();
"""

TRIGGER_TABLES = {
    "rollup_plan": "replication_replicationplan",
    "rollup_stage": "replication_stage",
    "rollup_indicator": "replication_indicator",
    "rollup_innovation": "innovations_innovation",
    "rollup_interest": "replication_interest",
    "rollup_province": "jipp_province",
    "rollup_event_insert": "jipp_auditevent",
    "rollup_event_change": "jipp_auditevent",
}

DROP = (
    "\n".join(
        f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in TRIGGER_TABLES.items()
    )
    + """
DROP FUNCTION IF EXISTS rollup_on_plan, rollup_on_stage, rollup_on_indicator,
    rollup_on_innovation, rollup_on_interest, rollup_on_event, rollup_plan_stages,
    rollup_plan_moments, rollup_stage_apply, rollup_event_apply, rollup_event_province,
    rollup_refresh_results, rollup_refresh_case,
    rollup_refresh_cancel, rollup_plan_public, rollup_innovation_add, rollup_result_add,
    rollup_interest_add, rollup_interest_rank_refresh, rollup_interest_innovation,
    rollup_on_province, rollup_innovation_status_add, rollup_open_stage_add, rollup_due_add,
    rollup_plan_add, rollup_moment_add, rollup_stage_done_add;
"""
)

# Partial indexes for the few rows after a moment (the state "now", within this month).
INDEXES = """
CREATE INDEX IF NOT EXISTS rollup_plan_approved_at ON replication_replicationplan (approved_at)
    WHERE approved_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS rollup_plan_completed_at
    ON replication_replicationplan (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS rollup_stage_verified_at ON replication_stage (verified_at)
    WHERE verified_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS rollup_cancel_at ON replication_rollup_cancel (at);
"""
DROP_INDEXES = """
DROP INDEX IF EXISTS rollup_plan_approved_at;
DROP INDEX IF EXISTS rollup_plan_completed_at;
DROP INDEX IF EXISTS rollup_stage_verified_at;
"""

# -- the live aggregates: what each rollup must hold ------------------------------------------

LIVE_CANCEL = f"""
SELECT pl.id, pl.province_id, GREATEST(pl.approved_at, MIN(e.created_at))
  FROM replication_replicationplan pl
  JOIN jipp_auditevent e ON e.target_type_id = {PLAN_CT} AND e.target_id = pl.id
                        AND e.action = 'plan_cancelled'
 WHERE pl.status = 'cancelled' AND pl.approved_at IS NOT NULL
 GROUP BY pl.id
"""  # noqa: S608

LIVE_PLAN = """
SELECT province_id, status, current_stage, COUNT(*) FROM replication_replicationplan
 GROUP BY 1, 2, 3
"""

LIVE_MOMENT = f"""
WITH moments(at, province_id, what) AS (
    SELECT approved_at, province_id, '{APPROVED}' FROM replication_replicationplan
     WHERE approved_at IS NOT NULL
    UNION ALL
    SELECT completed_at, province_id, '{COMPLETED}' FROM replication_replicationplan
     WHERE completed_at IS NOT NULL
    UNION ALL
    SELECT GREATEST(approved_at, completed_at), province_id, '{APPROVED_COMPLETED}'
      FROM replication_replicationplan
     WHERE approved_at IS NOT NULL AND completed_at IS NOT NULL
    UNION ALL
    SELECT st.verified_at, pl.province_id, '{VERIFIED}'
      FROM replication_stage st JOIN replication_replicationplan pl ON pl.id = st.plan_id
     WHERE st.verified_at IS NOT NULL
    UNION ALL
    SELECT c.at, c.province_id, '{CANCELLED}' FROM ({LIVE_CANCEL}) AS c(plan_id, province_id, at)
    UNION ALL
    SELECT e.created_at,
           COALESCE(CASE WHEN e.action = 'plan_approved' THEN
                             CASE WHEN e.target_type_id = {PLAN_CT} THEN pl.province_id END
                         WHEN e.target_type_id = {STAGE_CT} THEN spl.province_id END, 0),
           e.action
      FROM jipp_auditevent e
      LEFT JOIN replication_replicationplan pl ON pl.id = e.target_id
      LEFT JOIN replication_stage st ON st.id = e.target_id
      LEFT JOIN replication_replicationplan spl ON spl.id = st.plan_id
     WHERE e.action IN {EVENT_ACTIONS} AND e.target_type_id IN ({PLAN_CT}, {STAGE_CT})
)
SELECT z.o, m.what, date_trunc('month', m.at AT TIME ZONE z.name)::date, m.province_id,
       COUNT(*)
  FROM moments m CROSS JOIN {ZONE_VALUES} AS z(o, name)
 GROUP BY 1, 2, 3, 4
"""  # noqa: S608

LIVE_DUE = """
SELECT pl.province_id, st.due_date, COUNT(*)
  FROM replication_stage st JOIN replication_replicationplan pl ON pl.id = st.plan_id
 WHERE pl.status = 'approved' AND st.status IN ('pending', 'in_progress')
 GROUP BY 1, 2
"""

LIVE_OPEN_STAGE = """
SELECT pl.province_id, st.due_date, st.plan_id, st."order", st.id
  FROM replication_stage st JOIN replication_replicationplan pl ON pl.id = st.plan_id
 WHERE pl.status = 'approved' AND st.status IN ('pending', 'in_progress')
"""

LIVE_STAGE_DONE = f"""
SELECT pl.province_id, st.kind IN {RESULT_KINDS}, COUNT(*)
  FROM replication_stage st JOIN replication_replicationplan pl ON pl.id = st.plan_id
 WHERE pl.status = 'approved' AND st.status = 'done'
 GROUP BY 1, 2
"""  # noqa: S608

LIVE_CASE_RESULT = """
SELECT pl.id, pl.province_id, pl.status FROM replication_replicationplan pl
 WHERE pl.status IN ('approved', 'completed')
   AND EXISTS (SELECT 1 FROM replication_stage st
                WHERE st.plan_id = pl.id AND st.kind = 'evaluation' AND st.status = 'verified')
"""

LIVE_RESULT_PART = f"""
SELECT i.plan_id, COALESCE(i.sdg_goal, 0), pl.province_id, COALESCE(inv.category_id, 0),
       st.verified_at, COUNT(*), COUNT(*) FILTER (WHERE {REACHED})
  FROM replication_indicator i
  JOIN replication_replicationplan pl ON pl.id = i.plan_id
  JOIN replication_stage st ON st.plan_id = pl.id AND st.kind = 'evaluation'
                           AND st.status = 'verified'
  JOIN innovations_innovation inv ON inv.id = pl.innovation_id
 WHERE i.achieved IS NOT NULL AND pl.status IN ('approved', 'completed')
 GROUP BY 1, 2, 3, 4, 5
"""  # noqa: S608

LIVE_RESULT = f"""
SELECT z.o,
       COALESCE(date_trunc('month', p.verified_at AT TIME ZONE z.name)::date,
                DATE '{NO_MONTH}'),
       p.province_id, p.category_id, SUM(p.verified), SUM(p.reached)
  FROM ({LIVE_RESULT_PART})
       AS p(plan_id, sdg_goal, province_id, category_id, verified_at, verified, reached)
 CROSS JOIN {ZONE_VALUES} AS z(o, name)
 GROUP BY 1, 2, 3, 4
"""  # noqa: S608

LIVE_RESULT_GOAL = f"""
SELECT z.o,
       COALESCE(date_trunc('month', p.verified_at AT TIME ZONE z.name)::date,
                DATE '{NO_MONTH}'),
       p.province_id, p.sdg_goal, SUM(p.verified), SUM(p.reached)
  FROM ({LIVE_RESULT_PART})
       AS p(plan_id, sdg_goal, province_id, category_id, verified_at, verified, reached)
 CROSS JOIN {ZONE_VALUES} AS z(o, name)
 GROUP BY 1, 2, 3, 4
"""  # noqa: S608

LIVE_INNOVATION_PROVINCE = """
SELECT innovation_id, province_id, COUNT(*) FILTER (WHERE status = 'approved'),
       COUNT(*) FILTER (WHERE status = 'completed')
  FROM replication_replicationplan WHERE status IN ('approved', 'completed')
 GROUP BY 1, 2
"""

LIVE_INNOVATION = f"""
SELECT innovation_id, SUM(approved), SUM(completed), COUNT(*), SUM(approved + completed)
  FROM ({LIVE_INNOVATION_PROVINCE}) AS pair(innovation_id, province_id, approved, completed)
 GROUP BY 1
"""  # noqa: S608

LIVE_INTEREST = """
SELECT i.innovation_id, i.province_id, COUNT(*) FROM replication_interest i
  JOIN innovations_innovation inv ON inv.id = i.innovation_id AND inv.status = 'approved'
 WHERE i.status = 'open' GROUP BY 1, 2
"""

LIVE_INTEREST_PROVINCE = """
SELECT i.province_id, COUNT(*) FROM replication_interest i
  JOIN innovations_innovation inv ON inv.id = i.innovation_id AND inv.status = 'approved'
 WHERE i.status = 'open' GROUP BY 1
"""

LIVE_INTEREST_RANK = RANK_QUERY.format(where="")

LIVE_INNOVATION_STATUS = """
SELECT COALESCE(province_id, 0), status, COUNT(*) FROM innovations_innovation GROUP BY 1, 2
"""

# (table, its columns, the live query, the count columns: rows where all are 0 are empty)
LIVE = [
    (
        "replication_rollup_plan",
        "province_id, status, current_stage, n",
        LIVE_PLAN,
        ["n"],
    ),
    (
        "replication_rollup_moment",
        "zone, what, month, province_id, n",
        LIVE_MOMENT,
        ["n"],
    ),
    ("replication_rollup_due", "province_id, due_date, n", LIVE_DUE, ["n"]),
    (
        "replication_rollup_open_stage",
        'province_id, due_date, plan_id, "order", stage_id',
        LIVE_OPEN_STAGE,
        [],
    ),
    ("replication_rollup_stage_done", "province_id, results, n", LIVE_STAGE_DONE, ["n"]),
    ("replication_rollup_case_result", "plan_id, province_id, status", LIVE_CASE_RESULT, []),
    (
        "replication_rollup_cancel",
        "plan_id, province_id, at",
        LIVE_CANCEL,
        [],
    ),
    (
        "replication_rollup_result_part",
        "plan_id, sdg_goal, province_id, category_id, verified_at, verified, reached",
        LIVE_RESULT_PART,
        [],
    ),
    (
        "replication_rollup_result",
        "zone, month, province_id, category_id, verified, reached",
        LIVE_RESULT,
        ["verified", "reached"],
    ),
    (
        "replication_rollup_result_goal",
        "zone, month, province_id, sdg_goal, verified, reached",
        LIVE_RESULT_GOAL,
        ["verified", "reached"],
    ),
    (
        "replication_rollup_interest",
        "innovation_id, province_id, n",
        LIVE_INTEREST,
        ["n"],
    ),
    (
        "replication_rollup_interest_province",
        "province_id, n",
        LIVE_INTEREST_PROVINCE,
        ["n"],
    ),
    ("replication_rollup_interest_rank", RANK_COLUMNS, LIVE_INTEREST_RANK, []),
    (
        "replication_rollup_innovation_province",
        "innovation_id, province_id, approved, completed",
        LIVE_INNOVATION_PROVINCE,
        ["approved", "completed"],
    ),
    (
        "replication_rollup_innovation",
        "innovation_id, approved, completed, provinces, total",
        LIVE_INNOVATION,
        ["approved", "completed", "provinces", "total"],
    ),
    (
        "replication_rollup_innovation_status",
        "province_id, status, n",
        LIVE_INNOVATION_STATUS,
        ["n"],
    ),
]

REBUILD = (
    "TRUNCATE "
    + ", ".join(TABLES)
    + ";\n"
    + "".join(f"INSERT INTO {table} ({columns}) {query};\n" for table, columns, query, _ in LIVE)
)

# The interest's rollups alone (migration 0008 backfills them).
INTEREST_TABLES = [
    "replication_rollup_interest",
    "replication_rollup_interest_province",
    "replication_rollup_interest_rank",
]
REBUILD_INTEREST = (
    "TRUNCATE "
    + ", ".join(INTEREST_TABLES)
    + ";\n"
    + "".join(
        f"INSERT INTO {table} ({columns}) {query};\n"
        for table, columns, query, _ in LIVE
        if table in INTEREST_TABLES
    )
)


@contextmanager
def rollups_off() -> Iterator[None]:
    """The triggers skip this session's writes (a bulk load); the rollups are rebuilt at
    the end, in one transaction, also when the load failed half-way."""
    with connection.cursor() as cursor:
        cursor.execute("SET jipp.rollups = 'off'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jipp.rollups")
        with transaction.atomic():
            rebuild()


def rebuild() -> None:
    """Every rollup computed again from the live rows (call inside a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD)


def drift(limit: int = 20) -> list[str]:
    """The rows where a rollup differs from its live aggregate, described."""
    problems = []
    with connection.cursor() as cursor:
        for table, columns, query, counts in LIVE:
            nonzero = " OR ".join(f"{name} <> 0" for name in counts) or "true"
            stored = f"SELECT {columns} FROM {table} WHERE {nonzero}"  # noqa: S608
            for label, first, second in (
                ("stored, not live", stored, query),
                ("live, not stored", query, stored),
            ):
                cursor.execute(f"({first}) EXCEPT ALL ({second}) LIMIT {limit}")
                for row in cursor.fetchall():
                    problems.append(f"{table}: {label}: {row}")
    return problems
