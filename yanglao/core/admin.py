"""Django admin for system administrators; every scoped model lists through for_user like the pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from yanglao.core.models import ApiToken, ImportJob, Organisation, Region, User


class ScopedAdmin(admin.ModelAdmin):
    """Lists and edits only what the admin user may see."""

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user).order_by(*(self.ordering or ("pk",)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices of a scoped related model come through the same scope (an unscoped one would raise)."""
        related = db_field.remote_field.model
        if hasattr(related.objects, "for_user") and "queryset" not in kwargs:
            kwargs["queryset"] = related.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ScopedAdmin):
    """For records whose every write is a service with rules (registry, stays): the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "generated")
    list_filter = ("level", "generated")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    show_full_result_count = False


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ("name", "kind", "ownership", "region", "credit_code", "licence_expiry", "is_active")
    list_filter = ("kind", "ownership", "is_active")
    search_fields = ("name", "credit_code", "address")
    raw_id_fields = ("region",)
    ordering = ("region", "name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    raw_id_fields = ("organisation",)
    filter_horizontal = ("groups", "user_permissions")
    autocomplete_fields = ()
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("养老平台", {"fields": ("full_name", "role", "organisation", "regions")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "regions":
            kwargs["queryset"] = Region.objects.exclude(level="village")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix", "last_used_at")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "title",
        "actor",
        "state",
        "rows",
        "created",
        "updated",
        "rejected",
        "created_at",
    )
    readonly_fields = [f.name for f in ImportJob._meta.fields]
