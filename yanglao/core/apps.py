from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yanglao.core"
    label = "core"
    verbose_name = "基础数据与权限"

    def ready(self):
        from auditlog.registry import auditlog

        from yanglao.core import models

        # Field diffs for every model holding personal or money data; secrets never enter the log.
        auditlog.register(models.Organisation, mask_fields=["contact_phone"])
        auditlog.register(
            models.User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"regions", "groups"},
        )
        auditlog.register(models.ApiToken, exclude_fields=["key_hash", "last_used_at"])
        from yanglao.core import exports, list_exports

        exports.register(list_exports.ORGANISATIONS)
