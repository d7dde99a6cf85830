from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "yanglao.alarms"
    label = "alarms"
    verbose_name = "应急呼叫"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.alarms import models
        from yanglao.core import navigation, roles
        from yanglao.core.choices import Role

        # Devices' keys are stored hashed and never in a diff; call numbers are personal data.
        auditlog.register(models.Device, exclude_fields=["key_hash", "last_seen_at", "battery", "online"])
        auditlog.register(models.Alarm)
        auditlog.register(models.AlarmRule)
        auditlog.register(models.CareCallPlan)
        auditlog.register(models.CareCall)
        auditlog.register(models.VisitTask)
        auditlog.register(models.CallRecord, exclude_fields=["number", "number_hash"])

        read = [
            "alarms.view_device",
            "alarms.view_alarm",
            "alarms.view_alarmaction",
            "alarms.view_callrecord",
            "alarms.view_carecall",
            "alarms.view_visittask",
            "alarms.view_alarmrule",
            "alarms.view_carecallplan",
            "alarms.view_alarm_sla",
        ]
        roles.register(
            Role.OPERATOR,
            [
                *read,
                "alarms.handle_alarm",
                "alarms.add_alarmaction",
                "alarms.add_callrecord",
                "alarms.change_callrecord",
                "alarms.change_carecall",
                "alarms.add_visittask",
            ],
        )
        roles.register(
            Role.GOV_ADMIN,
            [
                *read,
                "alarms.handle_alarm",
                "alarms.supervise_alarm",
                "alarms.export_alarm_sla",
                "alarms.manage_device",
                "alarms.add_device",
                "alarms.change_device",
                "alarms.add_alarmrule",
                "alarms.change_alarmrule",
                "alarms.add_carecallplan",
                "alarms.change_carecallplan",
                "alarms.add_visittask",
                "alarms.close_visittask",
            ],
        )
        roles.register(
            Role.GOVERNMENT,
            [*read, "alarms.add_visittask", "alarms.close_visittask", "alarms.export_alarm_sla"],
        )
        roles.register(
            Role.PROVIDER,
            ["alarms.view_device", "alarms.manage_device", "alarms.add_device", "alarms.change_device"],
        )

        # ---- console and alarms (报警处置)
        # ---- devices, calls and SLA (设备、来电、服务水平)
        # ---- proactive care calls and visit tasks (主动关怀、上门探视)
        # ---- ingestion and rules (设备接入、报警规则)
        from yanglao.alarms.services import rules as alarm_rules
        from yanglao.core import reference

        reference.register("alarms.rules", alarm_rules.rules_load)
        navigation.register(navigation.NavItem("报警规则", "alarms:rules", "alarms.change_alarmrule"))
        _ = navigation  # each part registers its pages above
