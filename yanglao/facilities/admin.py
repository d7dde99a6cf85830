"""Admin for system administrators: facilities and beds through the same scope; stays and snapshots are
history, read-only (admission and discharge go through the services).

Foreign keys to scoped models (operator, facility) are chosen by autocomplete over the admin user's own scope:
a raw-id widget looks its label up through the model's unscoped default manager, which refuses to read
(UnscopedQueryError, a 500 on every change page)."""

from django.contrib import admin

from yanglao.core.admin import ScopedAdmin
from yanglao.core.scoping import RegionScopedQuerySet
from yanglao.facilities.models import Bed, BedStay, Facility, OccupancySnapshot


class FacilitiesAdmin(ScopedAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A scoped related model offers (and accepts) only what the admin user may see."""
        queryset = db_field.related_model._default_manager.all()
        if isinstance(queryset, RegionScopedQuerySet):
            kwargs["queryset"] = queryset.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Facility)
class FacilityAdmin(FacilitiesAdmin):
    list_display = ("name", "kind", "operating_model", "region", "star_level", "licence_expiry", "is_public")
    list_filter = ("kind", "operating_model", "is_public", "open_to_community")
    search_fields = ("name", "address")
    raw_id_fields = ("region",)  # regions are reference data, not scoped
    autocomplete_fields = ("operator",)
    ordering = ("region", "name")
    show_full_result_count = False


@admin.register(Bed)
class BedAdmin(FacilitiesAdmin):
    list_display = ("facility", "building", "room", "number", "bed_type", "family_bed", "active")
    list_filter = ("bed_type", "family_bed", "active")
    search_fields = ("facility__name", "room")
    autocomplete_fields = ("facility",)
    readonly_fields = ("occupant", "occupied_since", "home_elder")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        """A registered bed keeps its facility: its stays carry the facility's scope too."""
        return (*self.readonly_fields, "facility") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:  # the admin adds institution beds only (a family care bed needs its home)
            obj.region_id, obj.operator_id = obj.facility.region_id, obj.facility.operator_id
        super().save_model(request, obj, form, change)


@admin.register(BedStay)
class BedStayAdmin(FacilitiesAdmin):
    list_display = ("bed", "admitted_on", "discharged_on")
    readonly_fields = ("bed", "elder", "admitted_on", "discharged_on", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(OccupancySnapshot)
class OccupancySnapshotAdmin(FacilitiesAdmin):
    list_display = ("facility", "date", "bed_type", "beds", "occupied")
    list_filter = ("bed_type",)
    date_hierarchy = "date"
    readonly_fields = ("facility", "date", "bed_type", "beds", "occupied")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
