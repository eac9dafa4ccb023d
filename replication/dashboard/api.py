"""Open data: the public replication figures, by province and by innovation (read-only).

Exactly what /replication/ shows: approved and completed plans only, counted; never a
plan, a person or a draft. Registered on the one API router (jipp/api_urls.py).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from innovations.api import OpenDataThrottle
from replication.dashboard import figures
from replication.dashboard.figures import InnovationFigures, ProvinceFigures, Scope


class ProvinceFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(source="province.code", help_text="Kemendagri code.")
    name = serializers.CharField(source="province.name")
    is_hub = serializers.BooleanField(source="province.is_hub", help_text="A JIPP hub.")
    approved = serializers.SerializerMethodField(help_text="Approved plans, under way.")
    completed = serializers.SerializerMethodField(help_text="Plans with every stage verified.")
    total = serializers.SerializerMethodField(help_text="approved + completed.")

    def get_approved(self, item: ProvinceFigures) -> int:
        return item.values["approved"]

    def get_completed(self, item: ProvinceFigures) -> int:
        return item.values["completed"]

    def get_total(self, item: ProvinceFigures) -> int:
        return item.values["total"]


class InnovationFiguresSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    innovator = serializers.CharField(help_text="The institution that owns the innovation.")
    url = serializers.SerializerMethodField(help_text="The innovation's public page.")
    approved = serializers.IntegerField(help_text="Approved plans, under way.")
    completed = serializers.IntegerField(help_text="Plans with every stage verified.")
    provinces = serializers.IntegerField(help_text="Provinces with such a plan.")
    total = serializers.IntegerField(help_text="approved + completed.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item: InnovationFigures) -> str:
        path = reverse("innovations:detail", args=[item.slug])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class FiguresPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:  # a page past the end, or not a number
            raise ValidationError({self.page_query_param: [str(exc)]}) from exc


@extend_schema(tags=["replication"])
class ProvinceFiguresViewSet(GenericViewSet):
    """Approved and completed replication plans of each of the 38 provinces."""

    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    serializer_class = ProvinceFiguresSerializer
    pagination_class = None

    @extend_schema(description="All 38 provinces, by Kemendagri code; no paging.")
    def list(self, request: Request) -> Response:
        rows = figures.public_by_province(figures.provinces())
        return Response(self.get_serializer(rows, many=True).data)


@extend_schema(tags=["replication"])
class InnovationFiguresViewSet(GenericViewSet):
    """Approved innovations by number of approved and completed replications, most first."""

    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    serializer_class = InnovationFiguresSerializer
    pagination_class = FiguresPagination

    @extend_schema(
        description="Paged by number (`page`). `province` (a Kemendagri code) counts only "
        "that province's plans; an unknown code answers 400.",
        parameters=[
            OpenApiParameter("province", str, description="Kemendagri code, e.g. 63."),
        ],
    )
    def list(self, request: Request) -> Response:
        code = request.query_params.get("province", "")
        scope = Scope()
        if code:
            row = next((row for row in figures.provinces() if row.code == code), None)
            if row is None:
                raise ValidationError({"province": ["Unknown province code."]})
            scope = Scope(row)
        page = self.paginate_queryset(figures.innovation_rows(scope))
        items = figures.as_innovation_figures(page)
        return self.get_paginated_response(self.get_serializer(items, many=True).data)
