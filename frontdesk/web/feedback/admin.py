"""The admin edits 360 templates and QA forms; answers and links are never edited by hand."""

from django.contrib import admin

from frontdesk.web.feedback.models import Competency, Criterion, QAForm, Template


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 1


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "scale_max")
    inlines = (CompetencyInline,)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1


@admin.register(QAForm)
class QAFormAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "method", "active")
    list_filter = ("method", "active")
    inlines = (CriterionInline,)
