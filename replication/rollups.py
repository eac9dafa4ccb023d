"""Rollups: the dashboards' counts, kept by PostgreSQL in the transaction of every change.

The tables are written only by the triggers of replication/rollup_sql.py (created by the
migration 0007_rollups, which also backfills them) and by `rebuild_rollups` after a bulk
load; Python only reads them (replication.dashboard.figures). `check_data` asserts that
each equals its live aggregate.

Provinces and categories are plain integers (0: none), not foreign keys: the counts must
never block a delete nor cascade.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


class ReadOnly(models.Model):
    """Written by PostgreSQL alone."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        fields = self._meta.concrete_fields
        return ", ".join(f"{field.name}={getattr(self, field.attname)}" for field in fields)

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(f"{type(self).__name__} is kept by PostgreSQL triggers; do not save it")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is kept by PostgreSQL triggers; do not delete")


class RollupPlan(ReadOnly):
    """Plans per province x status x current stage."""

    pk = models.CompositePrimaryKey("province_id", "status", "current_stage")
    province_id = models.IntegerField()
    status = models.CharField(max_length=16)
    current_stage = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_plan"


class RollupStageDone(ReadOnly):
    """Done stages of approved plans, waiting for the ministry's verification, per province;
    `results`: evaluation and institutionalisation (RESULT_STAGES), the others apart. The
    menu counts them on every ministry page."""

    pk = models.CompositePrimaryKey("province_id", "results")
    province_id = models.IntegerField()
    results = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_stage_done"


class RollupMoment(ReadOnly):
    """What happened per local month (in the zone of UTC offset `zone`) x province x kind:
    the events of EVENT_ACTIONS, and the moments plans were approved, completed, both,
    cancelled after approval, and stages verified (rollup_sql)."""

    pk = models.CompositePrimaryKey("zone", "what", "month", "province_id")
    zone = models.SmallIntegerField()
    what = models.CharField(max_length=24)
    month = models.DateField()
    province_id = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_moment"


class RollupDue(ReadOnly):
    """Unfinished stages of approved plans per province x due date."""

    pk = models.CompositePrimaryKey("province_id", "due_date")
    province_id = models.IntegerField()
    due_date = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_due"


class RollupResult(ReadOnly):
    """Verified indicators of public plans (and those that reached their target) per local
    month of the evaluation stage's verification x province x sector (0: none): the
    results by sector, and their totals."""

    pk = models.CompositePrimaryKey("zone", "month", "province_id", "category_id")
    zone = models.SmallIntegerField()
    month = models.DateField()
    province_id = models.IntegerField()
    category_id = models.IntegerField()
    verified = models.IntegerField(default=0)
    reached = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_result"


class RollupResultGoal(ReadOnly):
    """The same per SDG goal (0: an indicator without an SDG target): results by goal."""

    pk = models.CompositePrimaryKey("zone", "month", "province_id", "sdg_goal")
    zone = models.SmallIntegerField()
    month = models.DateField()
    province_id = models.IntegerField()
    sdg_goal = models.IntegerField()
    verified = models.IntegerField(default=0)
    reached = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_result_goal"


class RollupResultPart(ReadOnly):
    """A plan's share of RollupResult, so that a change takes the old share off first."""

    pk = models.CompositePrimaryKey("plan_id", "sdg_goal")
    plan_id = models.BigIntegerField()
    sdg_goal = models.IntegerField()
    province_id = models.IntegerField()
    category_id = models.IntegerField()
    verified_at = models.DateTimeField(null=True)
    verified = models.IntegerField(default=0)
    reached = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_result_part"


class RollupCancel(ReadOnly):
    """A cancelled plan that had been approved, and the moment it stopped counting as
    approved (its approval and its first plan_cancelled event both past)."""

    plan_id = models.BigIntegerField(primary_key=True)
    province_id = models.IntegerField()
    at = models.DateTimeField()

    class Meta:
        db_table = "replication_rollup_cancel"


class RollupInterest(ReadOnly):
    """Open declared interest per innovation x province."""

    pk = models.CompositePrimaryKey("innovation_id", "province_id")
    innovation_id = models.BigIntegerField()
    province_id = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_interest"
        indexes = [models.Index(fields=["province_id"], name="rollup_interest_province")]


class RollupInterestProvince(ReadOnly):
    """Open declared interest in approved innovations per province: the demand view's
    totals (38 rows, whatever the interest)."""

    province_id = models.IntegerField(primary_key=True)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_interest_province"


class RollupInterestRank(ReadOnly):
    """The open interest in an approved innovation numbered from the oldest declaration
    (k = 1, 2, ...) in three scopes: all provinces (scope 0), the hub provinces (-1), and
    each province alone (its id; there k is 1). One row per interest and scope.

    An innovation has exactly k interests declared by a moment T when its row k was
    declared by T (`since`) and its row k + 1 (`since_next`) was not, so the demand view
    reads "innovations with k interests older than T, the longest waiting first" along an
    index, level by level, for any age, without grouping the interest."""

    pk = models.CompositePrimaryKey("innovation_id", "scope", "k")
    innovation_id = models.BigIntegerField()
    scope = models.IntegerField()
    k = models.SmallIntegerField()
    category_id = models.IntegerField()  # 0: none
    oldest = models.DateTimeField()  # of row 1: the order within a level
    since = models.DateTimeField()
    since_next = models.DateTimeField(null=True)

    class Meta:
        db_table = "replication_rollup_interest_rank"
        indexes = [
            models.Index(
                fields=["scope", "k", "oldest", "innovation_id"],
                include=["since", "since_next"],
                name="rollup_interest_rank",
            ),
            models.Index(
                fields=["scope", "category_id", "k", "oldest", "innovation_id"],
                include=["since", "since_next"],
                name="rollup_interest_rank_sector",
            ),
        ]


class RollupInnovationProvince(ReadOnly):
    """Approved and completed plans per innovation x province (the most replicated, of a
    province)."""

    pk = models.CompositePrimaryKey("innovation_id", "province_id")
    innovation_id = models.BigIntegerField()
    province_id = models.IntegerField()
    approved = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_innovation_province"
        indexes = [
            models.Index(fields=["province_id", "innovation_id"], name="rollup_innovation_prov"),
            # A province's most replicated innovations read along it, however many it has.
            models.Index(
                F("province_id"),
                (F("approved") + F("completed")).desc(),
                F("innovation_id"),
                name="rollup_innovation_prov_total",
            ),
        ]


class RollupInnovation(ReadOnly):
    """Approved and completed plans per innovation, the provinces they are in, and their
    total: the most replicated nationally, read from its index."""

    innovation_id = models.BigIntegerField(primary_key=True)
    approved = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    provinces = models.IntegerField(default=0)
    total = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_innovation"
        indexes = [
            models.Index(models.F("total").desc(), "innovation_id", name="rollup_innovation_top")
        ]


class RollupInnovationStatus(ReadOnly):
    """Innovations per origin province (0: central bodies) x status."""

    pk = models.CompositePrimaryKey("province_id", "status")
    province_id = models.IntegerField()
    status = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        db_table = "replication_rollup_innovation_status"


class RollupOpenStage(ReadOnly):
    """Each unfinished stage of an approved plan, by province and due date: a province's
    next due stages read along this key, however many plans it has."""

    pk = models.CompositePrimaryKey("province_id", "due_date", "plan_id", "order")
    province_id = models.IntegerField()
    due_date = models.DateField()
    plan_id = models.BigIntegerField()
    order = models.SmallIntegerField()
    stage_id = models.BigIntegerField()

    class Meta:
        db_table = "replication_rollup_open_stage"


class RollupCaseResult(ReadOnly):
    """Each public plan whose evaluation stage is verified (the case list's "with verified
    results"), with its province and status: the list and its count read this index
    instead of probing the stages of every public plan of a province."""

    plan_id = models.BigIntegerField(primary_key=True)
    province_id = models.IntegerField()
    status = models.CharField(max_length=12)

    class Meta:
        db_table = "replication_rollup_case_result"
        indexes = [
            models.Index(
                fields=["province_id", "plan_id"],
                include=["status"],
                name="rollup_case_result_province",
            )
        ]
