"""The open-data API of FRIPP forums: read-only JSON, anonymous, throttled.

Scheduled and held sessions, with their presentations and announced outcomes. Drafts
never exist here (404). Cancelled sessions are left out of the list unless asked for
(`status=cancelled`), and their detail stays readable: a client that stored a
scheduled session learns that it was cancelled, and why, instead of meeting a 404.

Never shown: the meeting link, the participants, the presenters' names, the organizer,
or anything of an outcome's plan beyond its innovation and province (UU PDP; plans
are private to those who may open them).

Times are ISO 8601 in the host province's zone with its offset (WIB without a host),
with `time_zone` and `zone_label` beside them.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import ReadOnlyModelViewSet

from forums.display import session_name
from forums.models import ForumLevel, ForumSession, ForumStatus, Presentation
from innovations.api import MAX_PAGE_SIZE, PAGE_SIZE, OpenDataThrottle, ProvinceSerializer
from innovations.filters import province_choices
from innovations.models import Innovation
from replication.choices import PlanStatus
from replication.models import ReplicationPlan

API_STATUSES = [ForumStatus.SCHEDULED, ForumStatus.HELD, ForumStatus.CANCELLED]
LISTED_BY_DEFAULT = [ForumStatus.SCHEDULED, ForumStatus.HELD]


PLACEHOLDER = "987654321"  # matches both slug and id URL patterns


def _absolute(serializer: serializers.Serializer, view_name: str, arg: Any) -> str:
    """An absolute URL; each pattern is resolved once per response."""
    patterns = serializer.context.setdefault("url_patterns", {})
    if view_name not in patterns:
        request = serializer.context.get("request")
        path = reverse(view_name, args=[PLACEHOLDER])
        patterns[view_name] = request.build_absolute_uri(path) if request is not None else path
    return str(patterns[view_name].replace(PLACEHOLDER, str(arg)))


# -- serializers: every field named, none of them personal ------------------------------


class ForumInnovationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The innovation's public page.")
    api_url = serializers.SerializerMethodField(help_text="The innovation in this API.")
    innovator = serializers.CharField(source="innovator.name", read_only=True)
    innovator_slug = serializers.CharField(source="innovator.slug", read_only=True)

    class Meta:
        model = Innovation
        fields = ["slug", "title", "innovator", "innovator_slug", "url", "api_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, innovation: Innovation) -> str:
        return _absolute(self, "innovations:detail", innovation.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, innovation: Innovation) -> str:
        return _absolute(self, "innovation-detail", innovation.slug)


class PresentationSerializer(serializers.ModelSerializer):
    innovation = ForumInnovationSerializer(read_only=True)

    class Meta:
        model = Presentation
        fields = ["order", "innovation"]
        read_only_fields = fields


class OutcomeSerializer(serializers.ModelSerializer):
    """An announced intention to replicate: the innovation and the province, nothing more."""

    innovation = ForumInnovationSerializer(read_only=True)
    province = ProvinceSerializer(read_only=True)

    class Meta:
        model = ReplicationPlan
        fields = ["innovation", "province"]
        read_only_fields = fields


class ForumSessionSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text='"FRIPP ke-6 · Kalimantan Selatan".')
    host_province = ProvinceSerializer(
        read_only=True, allow_null=True, help_text="Null for national and international forums."
    )
    starts_at = serializers.SerializerMethodField(help_text="In the host province's zone.")
    ends_at = serializers.SerializerMethodField(help_text="In the host province's zone.")
    time_zone = serializers.SerializerMethodField(help_text="IANA name, e.g. Asia/Makassar.")
    zone_label = serializers.CharField(read_only=True, help_text="WIB, WITA or WIT.")
    url = serializers.SerializerMethodField(help_text="The session's public page.")
    calendar_url = serializers.SerializerMethodField(help_text="The session as an .ics file.")
    presentations = PresentationSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(
        many=True,
        read_only=True,
        help_text="Innovations a province announced it will replicate, after the forum.",
    )

    class Meta:
        model = ForumSession
        fields = [
            "id", "name", "title", "number", "level", "status", "mode", "host_province",
            "starts_at", "ends_at", "time_zone", "zone_label", "venue", "agenda",
            "cancel_reason", "url", "calendar_url", "presentations", "outcomes",
        ]  # fmt: skip
        read_only_fields = fields

    def get_name(self, session: ForumSession) -> str:
        return session_name(session)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_at(self, session: ForumSession) -> str:
        return session.starts_at.astimezone(session.tzinfo).isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends_at(self, session: ForumSession) -> str:
        return session.ends_at.astimezone(session.tzinfo).isoformat()

    def get_time_zone(self, session: ForumSession) -> str:
        return str(session.tzinfo.key)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, session: ForumSession) -> str:
        return _absolute(self, "forums:detail", session.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_calendar_url(self, session: ForumSession) -> str:
        return _absolute(self, "forums:event_ics", session.pk)


# -- filters and paging -----------------------------------------------------------------


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ForumFilter(django_filters.FilterSet):
    year = YearFilter(
        label=_("Year"), field_name="starts_at", lookup_expr="year", min_value=2000, max_value=2100
    )
    province = django_filters.ChoiceFilter(
        label=_("Host province"), field_name="host_province__code", choices=province_choices
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ForumLevel.choices)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[(status.value, status.label) for status in API_STATUSES],
        help_text=_("Scheduled and held by default; ask for cancelled ones by name."),
    )

    class Meta:
        model = ForumSession
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[ForumSession]) -> QuerySet[ForumSession]:
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=LISTED_BY_DEFAULT)
        return super().filter_queryset(queryset)


class ForumCursorPagination(CursorPagination):
    """Cursor pages, latest forum first; a bad cursor is a 400."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-starts_at", "-id")

    def decode_cursor(self, request: Any) -> Any:
        # DRF answers 404 to a cursor it cannot read and hands a forged position to the
        # database (a 500 for a malformed date): answer 400 to both.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise self.invalid() from exc
        if cursor is None or cursor.position is None:
            return cursor
        try:
            moment = parse_datetime(cursor.position) if len(cursor.position) < 64 else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.invalid()
        return cursor

    def invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})


# -- the view ---------------------------------------------------------------------------


def api_sessions() -> QuerySet[ForumSession]:
    """Public sessions with everything a response shows, in three queries."""
    innovation = ("innovation__innovator",)
    return (
        ForumSession.objects.filter(status__in=API_STATUSES)
        .select_related("host_province")
        .prefetch_related(
            Prefetch(
                "presentations",
                queryset=Presentation.objects.select_related(*innovation).order_by("order", "id"),
            ),
            Prefetch(
                "outcomes",
                queryset=ReplicationPlan.objects.exclude(status=PlanStatus.CANCELLED)
                .select_related(*innovation, "province")
                .order_by("province__name", "innovation__title", "id"),
            ),
        )
    )


@extend_schema(tags=["forums"])
class ForumSessionViewSet(ReadOnlyModelViewSet):
    """FRIPP forum sessions: scheduled and held, with presentations and outcomes."""

    queryset = ForumSession.objects.none()
    serializer_class = ForumSessionSerializer
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ForumFilter
    pagination_class = ForumCursorPagination

    def get_queryset(self) -> QuerySet[ForumSession]:
        return api_sessions()

    def filter_queryset(self, queryset: QuerySet[ForumSession]) -> QuerySet[ForumSession]:
        if self.action != "list":
            return queryset  # a detail is found by its id alone, cancelled ones too
        return super().filter_queryset(queryset)

    @extend_schema(
        description="Forum sessions, latest first, in cursor pages (follow `next` until "
        "it is null). Scheduled and held ones unless `status` names others; an invalid "
        "filter value answers 400 with the reason, per parameter."
    )
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().list(request, *args, **kwargs)

    @extend_schema(description="One forum session; a cancelled one shows its reason.")
    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().retrieve(request, *args, **kwargs)
