"""Admin for system administrators: lists through the same scope; personal fields are not shown in clear."""

from django.contrib import admin

from yanglao.core.admin import ScopedAdmin
from yanglao.people.models import Elder, ImportJob


@admin.register(Elder)
class ElderAdmin(ScopedAdmin):
    list_display = ("name", "gender", "birth_date", "id_masked", "region", "status")
    list_filter = ("status", "living_arrangement", "economic_status")
    search_fields = ("name", "name_initials", "id_last4")
    raw_id_fields = ("region", "household")
    readonly_fields = ("id_hash", "phone_hash", "row_hash", "name_pinyin", "name_initials")
    exclude = ("id_number", "phone", "address", "registered_address")
    show_full_result_count = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "kind",
        "actor",
        "state",
        "rows",
        "created",
        "updated",
        "rejected",
        "created_at",
    )
    readonly_fields = [f.name for f in ImportJob._meta.fields]
