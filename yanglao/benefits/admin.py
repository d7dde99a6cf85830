from django.contrib import admin

from yanglao.benefits import models


@admin.register(models.PaymentFileLayout)
class PaymentFileLayoutAdmin(admin.ModelAdmin):
    """A district enters its bank's fixed layout here (fields, widths in bytes, encoding)."""

    list_display = ("region", "bank", "encoding", "header", "updated_at")

    def get_queryset(self, request):
        return models.PaymentFileLayout.objects.for_user(request.user)


@admin.register(models.BenefitPolicy)
class BenefitPolicyAdmin(admin.ModelAdmin):
    """Read-only: versions are made by ``services.policy_save`` (the page), never edited in place."""

    list_display = ("name", "code", "region", "version", "effective_from", "effective_to")

    def get_queryset(self, request):
        return models.BenefitPolicy.objects.for_user(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
