"""Admin for system administrators: lists through the same scope; personal fields are not shown in clear."""

from django.contrib import admin

from yanglao.core.admin import ReadOnlyScopedAdmin
from yanglao.people.models import Elder, ElderTransfer


@admin.register(Elder)
class ElderAdmin(ReadOnlyScopedAdmin):
    """Read-only: registering, correcting, moving and deaths go through people.services (dated, audited)."""

    list_display = ("name", "gender", "age", "id_masked", "region", "ability_state", "status")
    list_filter = ("status", "living_arrangement", "economic_status")
    search_fields = ("name", "name_initials", "id_last4")
    exclude = (
        "id_number",
        "phone",
        "address",
        "registered_address",
        "birth_date",
        "lat",
        "lng",
        "id_hash",
        "phone_hash",
        "row_hash",
    )
    readonly_fields = ("id_masked", "age")
    show_full_result_count = False


@admin.register(ElderTransfer)
class ElderTransferAdmin(ReadOnlyScopedAdmin):
    list_display = ("elder", "from_region", "to_region", "date", "status", "requested_at")
    list_filter = ("status",)
    exclude = ("address",)
