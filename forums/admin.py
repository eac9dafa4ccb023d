from django.contrib import admin

from forums.models import ForumSession, Participant, Presentation


class PresentationInline(admin.TabularInline):
    model = Presentation
    extra = 0
    raw_id_fields = ("innovation",)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("institution", "user", "answered_by")


@admin.register(ForumSession)
class ForumSessionAdmin(admin.ModelAdmin):
    """For operators; forum admins run sessions in the portal, where notices go out."""

    list_display = ("title", "number", "host_province", "starts_at", "mode", "status", "sequence")
    list_filter = ("status", "level", "mode", "host_province")
    search_fields = ("title", "venue")
    date_hierarchy = "starts_at"
    raw_id_fields = ("organizer",)
    readonly_fields = ("sequence", "created_at", "updated_at")
    inlines = [PresentationInline, ParticipantInline]
