"""The open-data API of approved innovations: read-only JSON, anonymous, throttled.

The list reads exactly what the catalogue page reads: the same filters
(`InnovationFilter`), the same Indonesian full-text search and the same bounded ranking
(`innovations.search`), and only the columns it shows (never the search vectors), in a
constant number of queries whatever the page size.

Paging, as the page does it:
- browsing (no `q`, or `sort=newest` / `sort=title`): cursor pages, as fast at the end
  of the registry as at its start; follow `next` until it is null;
- a search sorted by relevance (the default when `q` is given): numbered pages
  (`page=2`) of the ranked candidates, a bounded set (`search.RANK_CANDIDATES`), with a
  `count` of that set.

Only approved innovations exist here: anything else answers 404. No personal data:
the serializers name every field they show, and none of them is a person's.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from redis.exceptions import RedisError
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle
from rest_framework.viewsets import ReadOnlyModelViewSet

from innovations import search
from innovations.filters import InnovationFilter
from innovations.kit import KitDocument, KitStatus
from innovations.models import SDG, Category, Innovation
from jipp.models import Institution, Province

logger = logging.getLogger(__name__)

PAGE_SIZE = search.PAGE_SIZE
MAX_PAGE_SIZE = 100
NEWEST = ("-approved_at", "-id")
BY_TITLE = ("title", "id")


# -- serializers: every field named, none of them personal ------------------------------


def absolute(serializer: serializers.Serializer, view_name: str, slug: str) -> str:
    """The absolute URL of a page by slug; the URL pattern is resolved once per response."""
    patterns = serializer.context.setdefault("url_patterns", {})
    if view_name not in patterns:
        request = serializer.context.get("request")
        path = reverse(view_name, args=["-slug-"])
        patterns[view_name] = request.build_absolute_uri(path) if request is not None else path
    return patterns[view_name].replace("-slug-", slug)


class InnovatorSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The innovator's public profile page.")

    class Meta:
        model = Institution
        fields = ["name", "slug", "kind", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, institution: Institution) -> str:
        return absolute(self, "innovations:innovator", institution.slug)


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the language of the request.")

    class Meta:
        model = Category
        fields = ["slug", "name"]
        read_only_fields = fields


class SDGSerializer(serializers.ModelSerializer):
    class Meta:
        model = SDG
        fields = ["number", "name_id", "name_en"]
        read_only_fields = fields


class KitDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The file's download address, or the link itself when is_link is true."
    )
    is_link = serializers.BooleanField(read_only=True, help_text="A link to another site.")
    size = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="In bytes; null for a link."
    )
    content_type = serializers.CharField(
        read_only=True, help_text="The file's checked content type; empty for a link."
    )

    class Meta:
        model = KitDocument
        fields = ["kind", "title", "language", "url", "is_link", "size", "content_type"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document: KitDocument) -> str:
        if document.url:
            return document.url
        request = self.context.get("request")
        path = document.get_download_url()
        return request.build_absolute_uri(path) if request is not None else path


class InnovationListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The innovation's public page.")
    innovator = InnovatorSerializer(read_only=True)
    province = ProvinceSerializer(
        read_only=True, allow_null=True, help_text="Of origin; null for central bodies."
    )
    category = CategorySerializer(read_only=True)
    sdgs = serializers.ListField(
        source="sdg_numbers",
        child=serializers.IntegerField(),
        read_only=True,
        help_text="The numbers of the Sustainable Development Goals it serves.",
    )
    kit_complete = serializers.BooleanField(
        source="is_kit_complete",
        read_only=True,
        help_text="Ready to replicate: the approved kit has an SOP, a regulation and a "
        "budget document, and there is an institutional contact.",
    )

    class Meta:
        model = Innovation
        fields = [
            "id", "slug", "title", "summary", "url", "innovator", "province", "category",
            "phase", "launched_year", "kipp_recognition", "kipp_year", "sdgs", "approved_at",
            "kit_complete",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, innovation: Innovation) -> str:
        return absolute(self, "innovations:detail", innovation.slug)


class InnovationDetailSerializer(InnovationListSerializer):
    sdgs = SDGSerializer(many=True, read_only=True)
    kit = KitDocumentSerializer(
        source="approved_kit",
        many=True,
        read_only=True,
        help_text="The approved documents of the replication kit, by kind.",
    )

    class Meta(InnovationListSerializer.Meta):
        fields = [
            *InnovationListSerializer.Meta.fields,
            "problem", "solution", "results", "replication_requirements",
            "contact_email", "website", "kit",
        ]  # fmt: skip
        read_only_fields = fields


# -- paging -----------------------------------------------------------------------------


class InnovationCursorPagination(CursorPagination):
    """Cursor pages, newest first or by title (`sort=title`); a bad cursor is a 400."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = NEWEST

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return BY_TITLE if getattr(view, "sort", "") == "title" else NEWEST

    def decode_cursor(self, request: Any) -> Any:
        # DRF answers 404 to a cursor it cannot read, and hands a forged position straight
        # to the database (a 500 for a malformed date): check both, answer 400.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise self.invalid() from exc
        if cursor is None or cursor.position is None:
            return cursor
        position = cursor.position
        if len(position) > 300 or "\x00" in position:
            raise self.invalid()
        if self.ordering[0] == "-approved_at":
            try:
                moment = parse_datetime(position)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                raise self.invalid()
        return cursor

    def invalid(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})


class RankedPagination(PageNumberPagination):
    """Numbered pages of a search ranked by relevance: its candidate set is bounded."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:  # a page that is not a number, or past the last one
            raise ValidationError({self.page_query_param: [exc.detail]}) from exc


# -- throttling -------------------------------------------------------------------------


class OpenDataThrottle(AnonRateThrottle):
    """The anonymous rate (settings: "anon"), kept in Redis.

    With Redis down the API keeps answering, unthrottled, rather than failing: the
    same choice the portal makes for its notifications.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))
        except RedisError:
            logger.warning("API throttle skipped: the cache is unreachable", exc_info=True)
            return True


# -- the view ---------------------------------------------------------------------------


def with_list_columns(queryset: QuerySet[Innovation]) -> QuerySet[Innovation]:
    """What a list item shows, in one query (SDG numbers are a column of the row)."""
    return queryset.select_related("innovator", "province", "category").only(
        *search.LIST_COLUMNS, "sdg_numbers"
    )


LIST_DESCRIPTION = """Approved innovations, filtered like the catalogue page `/innovations/`.

Without `q`, or with `sort=newest` or `sort=title`, pages are cursor pages: follow
`next` until it is null. A search (`q`) sorted by relevance (its default) is paged by
number instead (`page`), over its best matches (a bounded set whose size is `count`);
that response adds `count`.
An invalid filter value answers 400 with the reason, per parameter."""


@extend_schema(tags=["innovations"])
class InnovationViewSet(ReadOnlyModelViewSet):
    """Approved public-service innovations of the national registry."""

    queryset = Innovation.objects.public()
    lookup_field = "slug"
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    filter_backends = [DjangoFilterBackend]
    filterset_class = InnovationFilter
    pagination_class = InnovationCursorPagination
    sort = "newest"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve":
            return InnovationDetailSerializer
        return InnovationListSerializer

    def get_queryset(self) -> QuerySet[Innovation]:
        queryset = Innovation.objects.public()
        if self.action == "retrieve":
            approved_kit = KitDocument.objects.filter(status=KitStatus.APPROVED).order_by(
                "kind", "-created_at", "-id"
            )
            return (
                queryset.select_related("innovator", "province", "category")
                .prefetch_related(
                    "sdgs", Prefetch("kit_documents", approved_kit, to_attr="approved_kit")
                )
                .defer("search_vector", "title_vector")
            )
        return with_list_columns(queryset)

    def filter_queryset(self, queryset: QuerySet[Innovation]) -> QuerySet[Innovation]:
        """The catalogue's filters, then its search: matching, or ranked by relevance."""
        if self.action != "list":
            return queryset  # a detail is found by its slug alone
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not filterset.is_valid():
            raise filter_utils.translate_validation(filterset.errors)
        queryset = filterset.qs
        text = (filterset.form.cleaned_data.get("q") or "").strip()
        sort = filterset.form.cleaned_data.get("sort") or ("relevance" if text else "newest")
        if sort == "relevance" and not text:
            sort = "newest"
        self.sort = sort
        if sort == "relevance":
            return with_list_columns(search.in_order(search.ranked_ids(queryset, text)))
        return search.matching(queryset, text)

    @property
    def paginator(self) -> Any:
        # Chosen after filter_queryset has read `sort`: a ranked list has no cursor.
        if not hasattr(self, "_paginator"):
            ranked = self.sort == "relevance"
            self._paginator = RankedPagination() if ranked else InnovationCursorPagination()
        return self._paginator

    @extend_schema(
        description=LIST_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "page", int, description="Page number: only for a search sorted by relevance."
            )
        ],
    )
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().list(request, *args, **kwargs)

    @extend_schema(description="One approved innovation, with its full text and contact.")
    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().retrieve(request, *args, **kwargs)
