"""Public replication cases (DESIGN.md section 8): what an approved or completed plan shows.

One place decides what of a plan is public, for the case page, the case list, the
innovation page's "who replicates this" and the open-data API:
- only approved and completed plans (`ReplicationPlan.objects.public()`);
- never a person: no names, e-mails or phones, no evidence, messages or notes, only the
  plan's institutions, its province and the stages' dates and states;
- an indicator's achieved value once the evaluation stage is verified, the legal basis
  and the lessons once the institutionalisation stage is verified.
The list pages by keyset on the plan's id (newest first): as fast at the end as at the start.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import django_filters
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from innovations.filters import category_choices, province_choices, sdg_choices
from innovations.models import Innovation, InnovationStatus
from jipp.cache import remembered
from jipp.models import Province
from replication.choices import PlanStatus, StageKind, StageStatus
from replication.models import PUBLIC_STATUSES, ReplicationPlan, Stage
from replication.results import Direction, Indicator, LegalBasisKind
from replication.rollups import RollupCaseResult

PAGE_SIZE = 20
COUNT_CAP = 1000
PUBLIC_FORUM_STATUSES = ("scheduled", "held")
RESULTS_STAGE = StageKind.EVALUATION
LEGAL_STAGE = StageKind.INSTITUTIONALIZATION
INNOVATION_TEXT = (
    "search_vector",
    "title_vector",
    "summary",
    "problem",
    "solution",
    "results",
    "replication_requirements",
)


STATUS_CHOICES = [("in_progress", _("In progress")), ("completed", _("Completed"))]
STATUS_OF = {"in_progress": PlanStatus.APPROVED, "completed": PlanStatus.COMPLETED}
RESULTS_CHOICES = [("yes", _("With verified results"))]


def verified(kind: str) -> Exists:
    """Whether the plan's stage of this kind is verified (one index lookup a plan).

    With the sector or an SDG chosen the planner reads the plans from those; a probe of
    each into the rollup of results (below) made it hash the whole rollup instead."""
    return Exists(Stage.objects.filter(plan=OuterRef("pk"), kind=kind, status=StageStatus.VERIFIED))


def with_results(filters: dict[str, str]) -> QuerySet[RollupCaseResult]:
    """The public plans with verified results (RollupCaseResult), narrowed by the
    province and status chosen: a range of one small index, not a probe of every plan's
    stages."""
    rows = RollupCaseResult.objects.all()
    if filters.get("province"):
        code = Province.objects.filter(code=filters["province"]).values("id")[:1]
        rows = rows.filter(province_id=Subquery(code))
    if filters.get("status"):
        rows = rows.filter(status=STATUS_OF[filters["status"]])
    return rows


class CaseFilter(django_filters.FilterSet):
    """The case list's filters, plain values in the URL, shared by the page and the API."""

    province = django_filters.ChoiceFilter(
        label=_("Adopting province"),
        field_name="province__code",
        choices=province_choices,
        empty_label=_("All provinces"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="innovation__category__slug",
        choices=category_choices,
        empty_label=_("All sectors"),
    )
    sdg = django_filters.ChoiceFilter(
        label=_("SDG"), choices=sdg_choices, method="filter_sdg", empty_label=_("All SDGs")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=_("In progress and completed"),
    )
    results = django_filters.ChoiceFilter(
        label=_("Results"),
        choices=RESULTS_CHOICES,
        method="filter_results",
        empty_label=_("With or without results"),
    )

    class Meta:
        model = ReplicationPlan
        fields: list[str] = []

    def filter_sdg(
        self, queryset: QuerySet[ReplicationPlan], name: str, value: str
    ) -> QuerySet[ReplicationPlan]:
        return queryset.filter(innovation__sdg_numbers__contains=[int(value)])

    def filter_status(
        self, queryset: QuerySet[ReplicationPlan], name: str, value: str
    ) -> QuerySet[ReplicationPlan]:
        return queryset.filter(status=STATUS_OF.get(value, PlanStatus.APPROVED))

    def filter_results(
        self, queryset: QuerySet[ReplicationPlan], name: str, value: str
    ) -> QuerySet[ReplicationPlan]:
        return queryset.filter(verified(RESULTS_STAGE))

    def cleaned(self, name: str) -> str:
        """A valid value of one filter, or '' (invalid values are ignored on the page)."""
        self.form.is_valid()
        value = self.form.cleaned_data.get(name)
        return str(value) if value not in (None, "") else ""


# -- numbers ------------------------------------------------------------------------------


def number(value: Decimal | int | None) -> str:
    """12.5000 -> "12,5" in Indonesian, "12.5" in English; whole numbers without decimals."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value.quantize(Decimal(1)), decimal_pos=0, use_l10n=True)
    text = format(value.normalize(), "f")
    return number_format(value, decimal_pos=len(text.partition(".")[2]), use_l10n=True)


def headline(indicator: Indicator | IndicatorPart) -> str:
    """ "Indeks kepuasan (SKM): 72 → 85,5 indeks": the first indicator, before and after."""
    return gettext("%(name)s: %(baseline)s → %(achieved)s %(unit)s") % {
        "name": indicator.name,
        "baseline": number(indicator.baseline),
        "achieved": number(indicator.achieved),
        "unit": indicator.unit,
    }


def first_indicators(plan_ids: list[int]) -> dict[int, Indicator]:
    """The first indicator of each of these plans whose evaluation is verified: one query.

    A join on the stage's (plan, kind) key, not an EXISTS in the SELECT list: PostgreSQL
    would answer that by hashing every verified evaluation stage of the country.
    """
    if not plan_ids:
        return {}
    rows = (
        Indicator.objects.filter(
            plan_id__in=plan_ids,
            plan__stages__kind=RESULTS_STAGE,
            plan__stages__status=StageStatus.VERIFIED,
        )
        .order_by("plan_id", "order", "id")
        .distinct("plan_id")
    )
    return {row.plan_id: row for row in rows}


# -- the list -----------------------------------------------------------------------------

LIST_COLUMNS = (
    "id",
    "local_name",
    "status",
    "current_stage",
    "innovation__title",
    "innovation__slug",
    "innovation__innovator__name",
    "province__name",
    "adopter__name",
)


@dataclass(frozen=True)
class CaseRow:
    url: str
    title: str
    innovation_title: str
    innovation_url: str
    origin: str
    province: str
    adopter: str
    completed: bool
    stage: str
    headline: str
    reached: bool | None


@dataclass
class CaseResults:
    rows: list[CaseRow]
    count: int
    count_capped: bool
    filters: CaseFilter
    next_cursor: str | None = None
    has_previous: bool = False


def cursor_for(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The id a cursor carries, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = int(raw.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if 0 < value < 2**63 else None


def filtered(params: Any) -> CaseFilter:
    return CaseFilter(params, queryset=ReplicationPlan.objects.public())


def valid_filters(filters: CaseFilter, *, skip: str = "") -> QuerySet[ReplicationPlan]:
    """The public plans of the valid filters; an invalid value is ignored, like the catalogue."""
    queryset = ReplicationPlan.objects.public()
    # Each valid value through its own filter (what a second FilterSet of the valid values
    # would do, without building and validating its form again).
    for name, item in filters.filters.items():
        value = filters.cleaned(name)
        if value and name != skip:
            queryset = item.filter(queryset, value)
    return queryset


def count_key(filters: CaseFilter) -> str:
    values = sorted((name, filters.cleaned(name)) for name in filters.filters)
    return urlencode([(k, v) for k, v in values if v])


def results_only(filters: CaseFilter) -> QuerySet[RollupCaseResult] | None:
    """With verified results and no filter beyond the province and the status, the
    rollup's rows are the list: its count and its page are read from them alone."""
    values = {name: filters.cleaned(name) for name in filters.filters}
    chosen = {name for name, value in values.items() if value}
    if "results" in chosen and chosen <= {"results", "province", "status"}:
        return with_results(values)
    return None


def case_list(params: Any, *, page_size: int = PAGE_SIZE) -> CaseResults:
    """One page of the public cases as the query string asks for it."""
    filters = filtered(params)
    rollup = results_only(filters)
    # Read from the rollup, the results filter is not asked again of each plan: its probe
    # beside the rollup's ids cost PostgreSQL more to plan than the page to read.
    queryset = valid_filters(filters, skip="results" if rollup is not None else "")
    counted = queryset.order_by() if rollup is None else rollup
    count = remembered(
        f"case-count:{count_key(filters)}",
        lambda: counted.values("pk")[: COUNT_CAP + 1].count(),
    )
    after = decode_cursor(params.get("cursor", "") or "")
    page = queryset
    if rollup is not None:
        # The page's ids first, from the rollup's index in order (the planner would
        # otherwise join every matching plan before sorting them).
        ids = rollup.filter(plan_id__lt=after) if after is not None else rollup
        page = page.filter(pk__in=ids.order_by("-plan_id").values("plan_id")[: page_size + 1])
    elif after is not None:
        page = page.filter(id__lt=after)
    rows = list(page.order_by("-id").values_list(*LIST_COLUMNS, named=True)[: page_size + 1])
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = cursor_for(rows[-1].id)
    firsts = first_indicators([row.id for row in rows])
    stages = labels()["kind"]
    case_url = reverse("replication:case_detail", args=[0]).removesuffix("0/")
    innovation_url = reverse("innovations:list")
    result = []
    for row in rows:
        first = firsts.get(row.id)
        completed = row.status == PlanStatus.COMPLETED
        result.append(
            CaseRow(
                url=f"{case_url}{row.id}/",
                title=row.local_name or row.innovation__title,
                innovation_title=row.innovation__title,
                innovation_url=f"{innovation_url}{row.innovation__slug}/",
                origin=row.innovation__innovator__name,
                province=row.province__name,
                adopter=row.adopter__name or "",
                completed=completed,
                stage=stages.get(row.current_stage, ""),
                headline=headline(first) if first is not None else "",
                reached=first.reached if first is not None else None,
            )
        )
    return CaseResults(
        rows=result,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        filters=filters,
        next_cursor=next_cursor,
        has_previous=after is not None,
    )


# -- one case -----------------------------------------------------------------------------


CASE_COLUMNS = (
    "local_name",
    "status",
    "current_stage",
    "start_date",
    "target_end_date",
    "approved_at",
    "completed_at",
    "legal_basis_kind",
    "legal_basis_number",
    "legal_basis_date",
    "lessons",
    "forum",
    *(
        f"innovation__{name}"
        for name in ("slug", "title", "status", "sdg_numbers", "innovator", "category")
    ),
    "innovation__innovator__name",
    "innovation__innovator__slug",
    "province",
    "adopter__name",
    "adopter__slug",
)


def case_queryset(*, parts: bool = True) -> QuerySet[ReplicationPlan]:
    """Public plans with what a case shows, in a constant number of queries (without their
    stages and indicators if not `parts`: then case_parts() reads them)."""
    from forums.models import ForumSession  # forums imports replication's models

    queryset = (
        ReplicationPlan.objects.public()
        .select_related("innovation", "innovation__innovator", "adopter")
        # The innovation's text and search vectors are large, and no case shows them.
        .defer(*(f"innovation__{name}" for name in INNOVATION_TEXT))
        .prefetch_related(
            # Joined too, the nullable forum and its host made PostgreSQL spend 20 ms or more
            # planning the eight-table join, against 1.5 ms without them (measured at
            # 500,000 plans); asked apart, they cost one small query. The province and the
            # sector are asked apart too: joined, they made the join take 1.85 ms to plan,
            # against 0.55 ms without them (at 1,000,000 innovations), more than their two
            # small queries cost.
            Prefetch("forum", queryset=ForumSession.objects.select_related("host_province")),
            "province",
            "innovation__category",
        )
    )
    if not parts:
        # A page of cases (the API's list): only the columns a case shows, so that some
        # hundred model instances a page are built from a few fields each.
        return queryset.only(*CASE_COLUMNS)
    return queryset.prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("order")),
        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")),
    )


class StagePart(NamedTuple):
    """What case_of reads of a stage."""

    plan_id: int
    kind: str
    order: int
    status: str
    due_date: date
    completed_at: Any
    verified_at: Any


class IndicatorPart(NamedTuple):
    """What case_of reads of an indicator."""

    plan_id: int
    name: str
    unit: str
    direction: str
    baseline: Decimal
    baseline_date: date
    target: Decimal
    achieved: Decimal | None
    measured_on: date | None
    sdg_target: str
    source: str

    @property
    def reached(self) -> bool | None:
        return Indicator.reached.fget(self)  # type: ignore[attr-defined]


def case_parts(
    plan_ids: list[int],
) -> tuple[dict[int, list[StagePart]], dict[int, list[IndicatorPart]]]:
    """The stages and indicators of these plans as tuples, two queries: a page of cases
    read this way builds no model instance for them (some 200 a page of the API)."""
    stages: dict[int, list[StagePart]] = {pk: [] for pk in plan_ids}
    indicators: dict[int, list[IndicatorPart]] = {pk: [] for pk in plan_ids}
    rows = Stage.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "order")
    for stage in rows.values_list(*StagePart._fields):
        stages[stage[0]].append(StagePart(*stage))
    items = Indicator.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "order", "id")
    for item in items.values_list(*IndicatorPart._fields):
        indicators[item[0]].append(IndicatorPart(*item))
    return stages, indicators


def get_case(pk: int) -> ReplicationPlan:
    """The public plan, or 404 for everyone (a draft is no case, even for the ministry)."""
    try:
        return get_object_or_404(case_queryset(), pk=pk)
    except (ValueError, OverflowError) as error:
        raise Http404 from error


@dataclass(frozen=True)
class StageLine:
    kind: str
    order: int
    label: str
    status: str
    status_label: str
    due_date: date
    done_on: date | None
    verified_on: date | None
    overdue: bool


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    direction: str
    direction_label: str
    baseline: Decimal
    baseline_date: date
    target: Decimal
    achieved: Decimal | None
    measured_on: date | None
    reached: bool | None
    sdg_target: str
    source: str

    # Written the Indonesian or English way when the case page shows them (the API does
    # not, and number_format is the dearest step of a case).
    @property
    def baseline_text(self) -> str:
        return number(self.baseline)

    @property
    def target_text(self) -> str:
        return number(self.target)

    @property
    def achieved_text(self) -> str:
        return number(self.achieved)


@dataclass
class Case:
    """What the public may know of one plan, every gate applied."""

    plan: ReplicationPlan
    stages: list[StageLine]
    indicators: list[IndicatorLine]
    results_verified: bool
    institutionalised: bool
    forum: Any  # the public ForumSession where the plan began, or None
    legal_basis_kind: str = ""
    legal_basis_label: str = ""
    legal_basis_number: str = ""
    legal_basis_date: date | None = None
    lessons: str = ""

    @property
    def title(self) -> str:
        return self.plan.local_name or self.plan.innovation.title

    @property
    def completed(self) -> bool:
        return self.plan.status == PlanStatus.COMPLETED

    @property
    def current_stage_label(self) -> str:
        return labels()["kind"].get(self.plan.current_stage, "")

    @property
    def innovation_public(self) -> bool:
        """An archived innovation keeps its cases, but has no page to link to."""
        return self.plan.innovation.status == InnovationStatus.APPROVED

    @property
    def forum_name(self) -> str:
        from forums.display import session_name  # forums imports replication's models

        return session_name(self.forum) if self.forum is not None else ""

    @property
    def has_legal_basis(self) -> bool:
        return bool(self.legal_basis_kind or self.legal_basis_number)


_labels: dict[str | None, dict[str, dict[str, str]]] = {}


def labels() -> dict[str, dict[str, str]]:
    """The choices' labels in the current language, translated once per process.

    get_FOO_display() translates on every call: a list of cases would translate
    hundreds of labels a page.
    """
    language = get_language()
    if language not in _labels:
        _labels[language] = {
            name: {value: str(label) for value, label in choices}
            for name, choices in (
                ("kind", StageKind.choices),
                ("stage_status", StageStatus.choices),
                ("direction", Direction.choices),
                ("legal", LegalBasisKind.choices),
            )
        }
    return _labels[language]


def local_day(moment: Any, plan: ReplicationPlan) -> date | None:
    return moment.astimezone(plan.province.tzinfo).date() if moment else None


def case_of(
    plan: ReplicationPlan,
    parts: tuple[list[StagePart], list[IndicatorPart]] | None = None,
) -> Case:
    """The case of a plan read by case_queryset(): no further query (its stages and
    indicators from case_parts() if given)."""
    stages: list[Any] = list(plan.stages.all()) if parts is None else parts[0]
    items: list[Any] = list(plan.indicators.all()) if parts is None else parts[1]
    status_of = {stage.kind: stage.status for stage in stages}
    results = status_of.get(RESULTS_STAGE) == StageStatus.VERIFIED
    legal = status_of.get(LEGAL_STAGE) == StageStatus.VERIFIED
    today = plan.local_today()
    names = labels()
    lines = [
        StageLine(
            kind=stage.kind,
            order=stage.order,
            label=names["kind"].get(stage.kind, stage.kind),
            status=stage.status,
            status_label=names["stage_status"].get(stage.status, stage.status),
            due_date=stage.due_date,
            done_on=local_day(stage.completed_at, plan),
            verified_on=local_day(stage.verified_at, plan),
            overdue=plan.status == PlanStatus.APPROVED
            and stage.status in (StageStatus.PENDING, StageStatus.IN_PROGRESS)
            and stage.due_date < today,
        )
        for stage in stages
    ]
    indicators = [
        IndicatorLine(
            name=item.name,
            unit=item.unit,
            direction=item.direction,
            direction_label=names["direction"].get(item.direction, item.direction),
            baseline=item.baseline,
            baseline_date=item.baseline_date,
            target=item.target,
            achieved=item.achieved if results else None,
            measured_on=item.measured_on if results else None,
            reached=item.reached if results else None,
            sdg_target=item.sdg_target,
            source=item.source,
        )
        for item in items
    ]
    forum = plan.forum if plan.forum and plan.forum.status in PUBLIC_FORUM_STATUSES else None
    case = Case(
        plan=plan,
        stages=lines,
        indicators=indicators,
        results_verified=results,
        institutionalised=legal,
        forum=forum,
    )
    if legal:
        case.legal_basis_kind = plan.legal_basis_kind
        case.legal_basis_label = names["legal"].get(plan.legal_basis_kind, "")
        case.legal_basis_number = plan.legal_basis_number
        case.legal_basis_date = plan.legal_basis_date
        case.lessons = plan.lessons
    return case


# -- "who replicates this" on an innovation's page -----------------------------------------


@dataclass(frozen=True)
class Replication:
    url: str
    province: str
    adopter: str
    completed: bool
    stage: str
    headline: str
    reached: bool | None


# The innovation's public plans by province, each with its first indicator when its
# evaluation is verified (first_indicators, as a lateral join): one statement, written
# out because the innovation's page is among the most read and building it with the ORM
# (two querysets) cost more than running it.
REPLICATIONS = f"""
SELECT p.id, province.name, adopter.name, p.status, p.current_stage,
       {", ".join(f"first.{column}" for column in IndicatorPart._fields)}
  FROM replication_replicationplan p
  JOIN jipp_province province ON province.id = p.province_id
  LEFT JOIN jipp_institution adopter ON adopter.id = p.adopter_id
  LEFT JOIN LATERAL (
        SELECT {", ".join(IndicatorPart._fields)} FROM replication_indicator i
         WHERE i.plan_id = p.id AND EXISTS (
               SELECT 1 FROM replication_stage s
                WHERE s.plan_id = p.id AND s.kind = %(stage)s AND s.status = %(verified)s)
         ORDER BY i."order", i.id LIMIT 1) first ON true
 WHERE p.innovation_id = %(innovation)s AND p.status = ANY(%(public)s)
 ORDER BY province.name, p.id
"""  # noqa: S608 - the columns are IndicatorPart's names


def replications_of(innovation: Innovation) -> list[Replication]:
    """The innovation's public plans by province: stage or completion, headline result."""
    params: dict[str, Any] = {
        "innovation": innovation.pk,
        "public": list(PUBLIC_STATUSES),
        "stage": RESULTS_STAGE,
        "verified": StageStatus.VERIFIED,
    }
    with connection.cursor() as cursor:
        cursor.execute(REPLICATIONS, params)
        rows = cursor.fetchall()
    kinds = labels()["kind"]
    result = []
    for pk, province, adopter, status, stage, *indicator in rows:
        first = IndicatorPart(*indicator) if indicator[0] is not None else None
        result.append(
            Replication(
                url=reverse("replication:case_detail", args=[pk]),
                province=province,
                adopter=adopter or "",
                completed=status == PlanStatus.COMPLETED,
                stage=kinds.get(stage, ""),
                headline=headline(first) if first is not None else "",
                reached=first.reached if first is not None else None,
            )
        )
    return result
