"""The Django admin. A closed cycle is read-only here too: its cycle, runs, scorecards and indicator
results show without save or delete buttons, and a forged POST is refused (403). Cycles, their
runs and their history are never edited here at all: states change on the cycles page, runs are
made by computing."""

from django.contrib import admin

from frontdesk.web.appraisal.models import (
    Agent,
    Cycle,
    CycleTransition,
    IndicatorRecord,
    SchemeAcknowledgement,
    ScorecardRecord,
    ScorecardRun,
    Site,
    Team,
)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("site_id", "name", "name_zh", "city", "timezone")
    search_fields = ("site_id", "name", "name_zh", "city")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("team_id", "name", "name_zh", "parent", "site", "timezone")
    list_filter = ("site",)
    search_fields = ("team_id", "name", "name_zh")
    filter_horizontal = ("supervisors",)


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("agent_id", "name", "name_zh", "team", "site", "hire_date", "active", "user")
    list_filter = ("active", "site", "team")
    search_fields = ("agent_id", "name", "name_zh", "user__username")
    list_select_related = ("team", "site", "user")
    raw_id_fields = ("user",)


class ViewOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TransitionInline(admin.TabularInline):
    model = CycleTransition
    extra = 0
    fields = ("at", "from_state", "to_state", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cycle)
class CycleAdmin(ViewOnlyAdmin):
    list_display = ("period", "kind", "state", "state_changed_at", "created_at")
    list_filter = ("kind", "state")
    search_fields = ("period",)
    inlines = (TransitionInline,)


@admin.register(CycleTransition)
class CycleTransitionAdmin(ViewOnlyAdmin):
    list_display = ("cycle", "from_state", "to_state", "at", "by", "note")
    list_filter = ("to_state", "cycle__kind")
    list_select_related = ("cycle", "by")


@admin.register(ScorecardRun)
class ScorecardRunAdmin(ViewOnlyAdmin):
    list_display = ("cycle", "number", "superseded", "scheme_version", "computed_at")
    list_filter = ("cycle__kind", "superseded", "scheme_version")
    list_select_related = ("cycle",)


class FrozenWhenClosedAdmin(admin.ModelAdmin):
    """Editable while the row's cycle is open; view-only once it is closed."""

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.in_closed_cycle())

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.in_closed_cycle())


class IndicatorInline(admin.TabularInline):
    model = IndicatorRecord
    extra = 0
    fields = ("code", "value", "n", "score", "weight", "target", "floor", "flags")

    # ``obj`` is the scorecard the inline sits in.
    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not (obj and obj.in_closed_cycle())

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.in_closed_cycle())

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.in_closed_cycle())


@admin.register(ScorecardRecord)
class ScorecardRecordAdmin(FrozenWhenClosedAdmin):
    list_display = ("agent", "run", "team", "total", "grade", "rank_team", "rank_org")
    list_filter = ("run__cycle__kind", "run__cycle__period", "run__superseded", "grade")
    search_fields = ("agent__agent_id", "agent__name", "agent__name_zh")
    list_select_related = ("agent", "run__cycle", "team")
    raw_id_fields = ("agent", "team", "site", "run")
    inlines = (IndicatorInline,)


@admin.register(IndicatorRecord)
class IndicatorRecordAdmin(FrozenWhenClosedAdmin):
    list_display = ("scorecard", "code", "value", "n", "score", "weight")
    list_filter = ("code",)
    search_fields = ("code", "scorecard__agent__agent_id")
    list_select_related = ("scorecard__agent", "scorecard__run__cycle")
    raw_id_fields = ("scorecard",)


@admin.register(SchemeAcknowledgement)
class SchemeAcknowledgementAdmin(ViewOnlyAdmin):
    """A person's "I have read this": evidence for the scheme's acceptance, so never edited here."""

    list_display = ("user", "scheme_version", "acknowledged_at")
    list_filter = ("scheme_version",)
    search_fields = ("user__username", "scheme_version")
    list_select_related = ("user",)
