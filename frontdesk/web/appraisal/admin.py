from django.contrib import admin

from frontdesk.web.appraisal.models import Agent, IndicatorRecord, ScorecardRecord, ScorecardRun, Site, Team


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


@admin.register(ScorecardRun)
class ScorecardRunAdmin(admin.ModelAdmin):
    list_display = ("period", "cycle", "scheme_version", "computed_at")
    list_filter = ("cycle", "scheme_version")


class IndicatorInline(admin.TabularInline):
    model = IndicatorRecord
    extra = 0
    fields = ("code", "value", "n", "score", "weight", "target", "floor", "flags")


@admin.register(ScorecardRecord)
class ScorecardRecordAdmin(admin.ModelAdmin):
    list_display = ("agent", "run", "team", "total", "grade", "rank_team", "rank_org")
    list_filter = ("run__cycle", "run__period", "grade")
    search_fields = ("agent__agent_id", "agent__name", "agent__name_zh")
    list_select_related = ("agent", "run", "team")
    raw_id_fields = ("agent", "team", "site", "run")
    inlines = (IndicatorInline,)


@admin.register(IndicatorRecord)
class IndicatorRecordAdmin(admin.ModelAdmin):
    list_display = ("scorecard", "code", "value", "n", "score", "weight")
    list_filter = ("code",)
    search_fields = ("code", "scorecard__agent__agent_id")
    list_select_related = ("scorecard__agent", "scorecard__run")
    raw_id_fields = ("scorecard",)
