"""Open data: the public replication cases, with their stages and indicators (read-only).

Exactly what the case pages show (replication/cases.py): approved and completed plans,
the institutions and the province, never a person, a file, a message or a note; achieved
values once the evaluation stage is verified, the legal basis and the lessons once the
institutionalisation stage is verified. The same filters as `/replication/cases/`;
cursor pages, newest plan first. Registered on the one API router (jipp/api_urls.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from innovations.api import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    CategorySerializer,
    OpenDataThrottle,
    ProvinceSerializer,
)
from replication import cases
from replication.cases import Case, CaseFilter
from replication.choices import PlanStatus
from replication.models import ReplicationPlan

PLACEHOLDER = "987654321"  # matches both slug and id URL patterns


def _absolute(serializer: serializers.Serializer, view_name: str, arg: Any) -> str:
    """An absolute URL; each pattern is resolved once per response."""
    patterns = serializer.context.setdefault("url_patterns", {})
    if view_name not in patterns:
        request = serializer.context.get("request")
        path = reverse(view_name, args=[PLACEHOLDER])
        patterns[view_name] = request.build_absolute_uri(path) if request is not None else path
    return str(patterns[view_name].replace(PLACEHOLDER, str(arg)))


class CaseInnovationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The innovation's public page.")
    innovator = serializers.CharField(
        source="innovator.name", help_text="The institution of origin."
    )
    innovator_slug = serializers.CharField(source="innovator.slug")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, innovation: Any) -> str:
        return _absolute(self, "innovations:detail", innovation.slug)


class AdopterSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class CaseForumSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField(help_text='"FRIPP ke-6 · Kalimantan Selatan".')
    url = serializers.SerializerMethodField(help_text="The forum's public page.")

    def get_name(self, forum: Any) -> str:
        from forums.display import session_name

        return session_name(forum)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, forum: Any) -> str:
        return _absolute(self, "forums:detail", forum.pk)


class StageSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="identification, learning, planning, trial, ...")
    order = serializers.IntegerField()
    status = serializers.CharField(help_text="pending, in_progress, done or verified.")
    due_date = serializers.DateField(help_text="A day in the adopting province.")
    done_on = serializers.DateField(allow_null=True)
    verified_on = serializers.DateField(allow_null=True, help_text="Verified by the ministry.")


def decimal() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=4, normalize_output=True)


class IndicatorSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField(help_text="increase (higher is better) or decrease.")
    baseline = decimal()
    baseline_date = serializers.DateField()
    target = decimal()
    achieved = serializers.DecimalField(
        max_digits=16,
        decimal_places=4,
        normalize_output=True,
        allow_null=True,
        help_text="Null until the ministry has verified the evaluation stage.",
    )
    measured_on = serializers.DateField(allow_null=True)
    reached = serializers.BooleanField(
        allow_null=True, help_text="Whether the achieved value meets the target; null if unknown."
    )
    sdg_target = serializers.CharField(help_text='An SDG target code such as "4.1", or "".')
    source = serializers.CharField(help_text="How it is measured.")


class LegalBasisSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="perda, pergub, perbup, perwali, sk_kepala_daerah, ...")
    number = serializers.CharField()
    date = serializers.DateField(allow_null=True)


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="plan.id")
    url = serializers.SerializerMethodField(help_text="The case's public page.")
    title = serializers.CharField(help_text="The local name, or the innovation's title.")
    local_name = serializers.CharField(source="plan.local_name")
    status = serializers.CharField(source="plan.status", help_text="approved or completed.")
    current_stage = serializers.SerializerMethodField(
        help_text="The first stage neither done nor verified; null once completed."
    )
    innovation = CaseInnovationSerializer(source="plan.innovation")
    province = ProvinceSerializer(source="plan.province", help_text="The adopting province.")
    adopter = AdopterSerializer(
        source="plan.adopter", allow_null=True, help_text="The adopting institution."
    )
    sector = CategorySerializer(source="plan.innovation.category")
    sdgs = serializers.ListField(
        source="plan.innovation.sdg_numbers",
        child=serializers.IntegerField(),
        help_text="The SDGs of the innovation.",
    )
    start_date = serializers.DateField(source="plan.start_date")
    target_end_date = serializers.DateField(source="plan.target_end_date")
    approved_on = serializers.SerializerMethodField()
    completed_on = serializers.SerializerMethodField()
    forum = CaseForumSerializer(allow_null=True, help_text="The FRIPP where the plan began.")
    stages = StageSerializer(many=True)
    results_verified = serializers.BooleanField(
        help_text="Whether the evaluation stage is verified (achieved values shown)."
    )
    indicators = IndicatorSerializer(many=True)
    legal_basis = serializers.SerializerMethodField(
        help_text="Once the institutionalisation stage is verified; else null."
    )
    lessons = serializers.SerializerMethodField(
        help_text="What another adopter should know; null until institutionalisation is verified."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case: Case) -> str:
        return _absolute(self, "replication:case_detail", case.plan.pk)

    @extend_schema_field(OpenApiTypes.STR)
    def get_current_stage(self, case: Case) -> str | None:
        if case.plan.status == PlanStatus.COMPLETED:
            return None
        return case.plan.current_stage or None

    @extend_schema_field(OpenApiTypes.DATE)
    def get_approved_on(self, case: Case) -> str | None:
        day = cases.local_day(case.plan.approved_at, case.plan)
        return day.isoformat() if day else None

    @extend_schema_field(OpenApiTypes.DATE)
    def get_completed_on(self, case: Case) -> str | None:
        day = cases.local_day(case.plan.completed_at, case.plan) if case.completed else None
        return day.isoformat() if day else None

    @extend_schema_field(LegalBasisSerializer(allow_null=True))
    def get_legal_basis(self, case: Case) -> dict[str, Any] | None:
        if not case.institutionalised or not case.has_legal_basis:
            return None
        return {
            "kind": case.legal_basis_kind,
            "number": case.legal_basis_number,
            "date": case.legal_basis_date.isoformat() if case.legal_basis_date else None,
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_lessons(self, case: Case) -> str | None:
        return case.lessons if case.institutionalised else None


# -- the list's JSON, written directly ---------------------------------------------------------
#
# DRF's serializers cost a field lookup, a get_attribute and a to_representation per value:
# some 2,000 calls for a page of 20 cases with their stages and indicators, the greater part
# of the response's time. The list writes the same JSON (key order, types, formats) in plain
# Python; CaseSerializer stays the schema, the one case's response, and the reference the
# tests compare the list with (test_cases_api).

_DECIMAL = decimal()
_DATE = serializers.DateField()


def _date(value: Any) -> str | None:
    return _DATE.to_representation(value) if value else None


def _decimal(value: Any) -> str | None:
    return _DECIMAL.to_representation(value) if value is not None else None


def represent(serializer: CaseSerializer, case: Case) -> dict[str, Any]:
    """What CaseSerializer(case).data holds, as plain dicts and lists."""
    from forums.display import session_name  # forums imports replication's models

    plan = case.plan
    innovation = plan.innovation
    category = innovation.category
    forum = case.forum
    return {
        "id": int(plan.pk),
        "url": _absolute(serializer, "replication:case_detail", plan.pk),
        "title": str(case.title),
        "local_name": str(plan.local_name),
        "status": str(plan.status),
        "current_stage": None
        if plan.status == PlanStatus.COMPLETED
        else (str(plan.current_stage) or None),
        "innovation": {
            "slug": str(innovation.slug),
            "title": str(innovation.title),
            "url": _absolute(serializer, "innovations:detail", innovation.slug),
            "innovator": str(innovation.innovator.name),
            "innovator_slug": str(innovation.innovator.slug),
        },
        "province": {"code": str(plan.province.code), "name": str(plan.province.name)},
        "adopter": {"name": str(plan.adopter.name), "slug": str(plan.adopter.slug)}
        if plan.adopter is not None
        else None,
        "sector": {"slug": str(category.slug), "name": str(category.name)},
        "sdgs": [int(number) for number in innovation.sdg_numbers],
        "start_date": _date(plan.start_date),
        "target_end_date": _date(plan.target_end_date),
        "approved_on": CaseSerializer.get_approved_on(serializer, case),
        "completed_on": CaseSerializer.get_completed_on(serializer, case),
        "forum": {
            "id": int(forum.pk),
            "name": session_name(forum),
            "url": _absolute(serializer, "forums:detail", forum.pk),
        }
        if forum is not None
        else None,
        "stages": [
            {
                "kind": str(stage.kind),
                "order": int(stage.order),
                "status": str(stage.status),
                "due_date": _date(stage.due_date),
                "done_on": _date(stage.done_on),
                "verified_on": _date(stage.verified_on),
            }
            for stage in case.stages
        ],
        "results_verified": bool(case.results_verified),
        "indicators": [
            {
                "name": str(item.name),
                "unit": str(item.unit),
                "direction": str(item.direction),
                "baseline": _decimal(item.baseline),
                "baseline_date": _date(item.baseline_date),
                "target": _decimal(item.target),
                "achieved": _decimal(item.achieved),
                "measured_on": _date(item.measured_on),
                "reached": None if item.reached is None else bool(item.reached),
                "sdg_target": str(item.sdg_target),
                "source": str(item.source),
            }
            for item in case.indicators
        ],
        "legal_basis": CaseSerializer.get_legal_basis(serializer, case),
        "lessons": CaseSerializer.get_lessons(serializer, case),
    }


class CasePagination(CursorPagination):
    """Cursor pages, newest plan first; a cursor that is not ours answers 400."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-id",)

    def decode_cursor(self, request: Any) -> Any:
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise self.invalid() from exc
        if cursor is not None and cursor.position is not None:
            position = str(cursor.position)
            if not position.isdigit() or len(position) > 18:
                raise self.invalid()
        return cursor

    def invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})


LIST_DESCRIPTION = """Approved and completed replication plans, as on `/replication/cases/`.

Filters: `province` (Kemendagri code), `category` (sector slug), `sdg` (1-17), `status`
(`in_progress` or `completed`), `results=yes` (evaluation verified). Cursor pages, the
newest plan first: follow `next` until it is null. An invalid filter value answers 400."""


@extend_schema(tags=["replication"])
class CaseViewSet(ReadOnlyModelViewSet):
    """Public replication cases: where an innovation is replicated, how far, with what results."""

    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    serializer_class = CaseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    pagination_class = CasePagination
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[ReplicationPlan]:
        return cases.case_queryset()

    def filter_queryset(self, queryset: QuerySet[ReplicationPlan]) -> QuerySet[ReplicationPlan]:
        if self.action != "list":
            return queryset  # a case is found by its id alone
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not filterset.is_valid():
            raise filter_utils.translate_validation(filterset.errors)
        return filterset.qs

    @extend_schema(description=LIST_DESCRIPTION)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(cases.case_queryset(parts=False))
        page = self.paginate_queryset(queryset) or []
        stages, indicators = cases.case_parts([plan.pk for plan in page])
        serializer = CaseSerializer(context=self.get_serializer_context())
        data = [
            represent(serializer, cases.case_of(plan, (stages[plan.pk], indicators[plan.pk])))
            for plan in page
        ]
        return self.get_paginated_response(data)

    @extend_schema(description="One public replication case; any other plan answers 404.")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(cases.case_of(self.get_object())).data)
