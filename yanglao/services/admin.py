from django.contrib import admin

from yanglao.services.models import ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    """The catalogue is shipped data (``yanglao load-catalogue``); admins may retire an item, not rename it."""

    list_display = ("code", "name", "service_type", "unit", "standard_minutes", "skill", "active")
    list_filter = ("service_type", "active")
    readonly_fields = ("code", "name", "service_type", "unit", "standard_minutes", "skill", "shipped")
