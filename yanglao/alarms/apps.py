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
        from yanglao.alarms import escalation, exports  # noqa: F401  (escalation: its huey tasks)
        from yanglao.alarms.services import console
        from yanglao.core import exports as core_exports
        from yanglao.core import workflows

        auditlog.register(models.AlarmAction)  # every step, with its actor, in the audit log as well
        workflows.register(console.ALARM_WORKFLOW)
        core_exports.register(exports.ALARMS)
        handling = ["alarms.change_alarm", "alarms.view_deviceevent"]  # writes go through for_user("change")
        roles.register(Role.OPERATOR, handling)
        roles.register(Role.GOV_ADMIN, handling)
        roles.register(Role.GOVERNMENT, ["alarms.view_deviceevent"])
        navigation.register(
            navigation.NavItem("报警处置台", "alarms:console", "alarms.handle_alarm"),
            before="core:organisation_list",
        )
        navigation.register(
            navigation.NavItem("报警记录", "alarms:alarm_list", "alarms.view_alarm"),
            before="core:organisation_list",
        )
        # ---- devices, calls and SLA (设备、来电、服务水平)
        self._devices_calls_sla()
        # ---- proactive care calls and visit tasks (主动关怀、上门探视)
        from yanglao.alarms import care_exports, care_tasks  # noqa: F401 -- care_tasks: the nightly job
        from yanglao.alarms.services import care
        from yanglao.core import exports as core_exports
        from yanglao.core import reference
        from yanglao.people import services as people_services

        core_exports.register(care_exports.VISIT_TASKS)
        reference.register("alarms.care_plans", care.care_plans_load)
        people_services.register_move_hook(care.care_follows_move)
        navigation.register(
            navigation.NavItem(
                "主动关怀", "alarms:care_calls", "alarms.view_carecall", roles=(Role.OPERATOR, Role.GOV_ADMIN)
            )
        )
        navigation.register(
            navigation.NavItem(
                "上门探视任务",
                "alarms:visit_list",
                "alarms.close_visittask",
                roles=(Role.GOVERNMENT, Role.GOV_ADMIN),
            )
        )
        # ---- ingestion and rules (设备接入、报警规则)
        from yanglao.alarms.services import rules as alarm_rules
        from yanglao.core import reference

        reference.register("alarms.rules", alarm_rules.rules_load)
        navigation.register(navigation.NavItem("报警规则", "alarms:rules", "alarms.change_alarmrule"))
        _ = navigation  # each part registers its pages above

    def _devices_calls_sla(self):
        """Devices, incoming calls and the SLA report: rights, the import, the exports, the move hook, the
        person page's panel, audit wording and navigation (the "devices" part of issue 12)."""
        from yanglao.alarms import device_exports
        from yanglao.alarms import importing as alarms_importing
        from yanglao.alarms.services import devices as device_services
        from yanglao.core import audit, exports, importing, navigation, roles
        from yanglao.core.choices import Role
        from yanglao.people import panels
        from yanglao.people import services as people_services

        for role in (Role.OPERATOR, Role.GOV_ADMIN, Role.GOVERNMENT):
            roles.register(role, ["alarms.view_deviceevent"])
        roles.register(
            Role.GOV_ADMIN, ["alarms.add_slatarget", "alarms.change_slatarget", "alarms.import_device"]
        )
        importing.register(alarms_importing.IMPORTER)
        exports.register(device_exports.DEVICES)
        exports.register(device_exports.CALLS)
        people_services.register_move_hook(device_services.devices_follow_move)
        panels.register(panels.ElderPanel("alarms:elder_devices", "alarms.view_device"))
        audit.EVENT_ACTIONS.update({"device.rotate_key": "更换设备密钥"})
        audit.BATCH_ACTIONS.update(
            {
                "device.import": "批量登记智能设备",
                "device.export": "导出智能设备清单",
                "call.export": "导出通话记录",
                "alarm_sla.export": "导出接警服务水平报表",
            }
        )
        for label, url_name, permission in (
            ("智能设备", "alarms:device_list", "alarms.view_device"),
            ("通话记录", "alarms:call_list", "alarms.view_callrecord"),
            ("接警服务水平", "alarms:sla_report", "alarms.view_alarm_sla"),
        ):
            navigation.register(
                navigation.NavItem(label, url_name, permission), before="core:organisation_list"
            )

        from yanglao.alarms import indicators as module_indicators

        module_indicators.register()  # the cockpit's measures and indicators (core.indicators)
