"""Admin for system administrators: the cockpit's tables, read-only. Targets are written through their pages
(versions, scope, audit) and facts only by the aggregation job."""

from django.contrib import admin

from yanglao.core.admin import ReadOnlyScopedAdmin
from yanglao.dashboard.models import MeasureFact, MeasureRun, PlanTarget


@admin.register(PlanTarget)
class PlanTargetAdmin(ReadOnlyScopedAdmin):
    list_display = ("region", "indicator", "comparator", "value", "target_year", "version", "superseded_at")
    list_filter = ("indicator", "target_year", "withdrawn")
    ordering = ("region", "indicator", "target_year", "version")


@admin.register(MeasureFact)
class MeasureFactAdmin(ReadOnlyScopedAdmin):
    list_display = ("period", "region", "measure", "dim", "value", "source")
    list_filter = ("measure", "source")
    ordering = ("-period", "region", "measure", "dim")
    show_full_result_count = False


@admin.register(MeasureRun)
class MeasureRunAdmin(admin.ModelAdmin):
    list_display = ("period", "measure", "source", "rows", "computed_at")
    list_filter = ("source", "measure")
    ordering = ("-period", "measure")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
