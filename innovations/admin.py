from django.contrib import admin

from innovations.kit import KitDocument
from innovations.models import SDG, Category, Innovation, InnovationRevision


@admin.register(SDG)
class SDGAdmin(admin.ModelAdmin):
    list_display = ["number", "name_id", "name_en"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_id", "name_en", "slug"]
    search_fields = ["name_id", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["title", "innovator", "province", "category", "phase", "status", "approved_at"]
    list_filter = ["status", "phase", "kipp_recognition", "category", "province"]
    search_fields = ["title", "slug", "innovator__name"]
    list_select_related = ["innovator", "province", "category"]
    autocomplete_fields = ["innovator"]
    filter_horizontal = ["sdgs"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "created_at", "submitted_at", "reviewed_at", "approved_at"]
    date_hierarchy = "approved_at"


@admin.register(InnovationRevision)
class InnovationRevisionAdmin(admin.ModelAdmin):
    list_display = ["innovation", "status", "created_at", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["innovation"]
    raw_id_fields = ["innovation", "created_by", "reviewed_by"]


@admin.register(KitDocument)
class KitDocumentAdmin(admin.ModelAdmin):
    # Decisions go through the review queue (innovations.kit_services): they keep the
    # innovation's readiness and notify the innovators; here they are only read.
    list_display = ["title", "innovation", "kind", "status", "created_at", "decided_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["title", "innovation__title"]
    list_select_related = ["innovation"]
    raw_id_fields = ["innovation", "replaces", "uploaded_by", "decided_by"]
    readonly_fields = ["status", "decided_by", "decided_at", "note", "content_type", "size"]
