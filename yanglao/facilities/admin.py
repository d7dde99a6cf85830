"""Admin for system administrators: facilities and beds through the same scope; stays and snapshots are
history, read-only (admission and discharge go through the services)."""

from django.contrib import admin

from yanglao.core.admin import ScopedAdmin
from yanglao.facilities.models import Bed, BedStay, Facility, OccupancySnapshot


@admin.register(Facility)
class FacilityAdmin(ScopedAdmin):
    list_display = ("name", "kind", "operating_model", "region", "star_level", "licence_expiry", "is_public")
    list_filter = ("kind", "operating_model", "is_public", "open_to_community")
    search_fields = ("name", "address")
    raw_id_fields = ("region", "operator")
    ordering = ("region", "name")
    show_full_result_count = False


@admin.register(Bed)
class BedAdmin(ScopedAdmin):
    list_display = ("facility", "building", "room", "number", "bed_type", "family_bed", "active")
    list_filter = ("bed_type", "family_bed", "active")
    search_fields = ("facility__name", "room")
    raw_id_fields = ("facility",)
    readonly_fields = ("occupant", "occupied_since", "home_elder")
    show_full_result_count = False


@admin.register(BedStay)
class BedStayAdmin(ScopedAdmin):
    list_display = ("bed", "admitted_on", "discharged_on")
    readonly_fields = ("bed", "elder", "admitted_on", "discharged_on", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(OccupancySnapshot)
class OccupancySnapshotAdmin(ScopedAdmin):
    list_display = ("facility", "date", "bed_type", "beds", "occupied")
    list_filter = ("bed_type",)
    date_hierarchy = "date"
    readonly_fields = ("facility", "date", "bed_type", "beds", "occupied")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
