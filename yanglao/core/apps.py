from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yanglao.core"
    label = "core"
    verbose_name = "基础数据与权限"

    def ready(self):
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.db.models.signals import pre_save

        from yanglao.core import audit, models

        # Commands and jobs name their actor (audit.acting_as); before auditlog's per-request receiver.
        pre_save.connect(audit.fill_actor, sender=LogEntry, dispatch_uid="yanglao.audit.fill_actor")

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

        from yanglao.core import indicators

        indicators.register_measure(indicators.RESIDENTS)
