"""The admin shows appeals, adjustments and the audit log, and changes none of them: an appeal
changes only through ``workflow`` (which writes the audit log in the same transaction), adjustments
and audit entries are append-only. A forged POST is refused (403) like on any view-only admin."""

from django.contrib import admin

from frontdesk.web.appeals.models import Adjustment, Appeal, AuditEntry
from frontdesk.web.appraisal.admin import ViewOnlyAdmin


@admin.register(Appeal)
class AppealAdmin(ViewOnlyAdmin):
    list_display = ("id", "agent", "indicator", "status", "filed_at", "deadline", "decided_by", "decided_at")
    list_filter = ("status", "indicator__scorecard__run__cycle__period")
    search_fields = ("agent__agent_id", "agent__name", "agent__name_zh", "reason")
    list_select_related = ("agent", "indicator", "decided_by")


@admin.register(Adjustment)
class AdjustmentAdmin(ViewOnlyAdmin):
    list_display = (
        "appeal",
        "indicator",
        "value_before",
        "value_after",
        "total_before",
        "total_after",
        "by",
        "at",
    )
    list_filter = ("carried_over",)
    list_select_related = ("appeal__agent", "appeal__indicator", "indicator", "by")


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdmin):
    list_display = ("at", "by", "action", "object_type", "object_id", "appeal")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "by__username")
    list_select_related = ("by", "appeal__agent", "appeal__indicator")
