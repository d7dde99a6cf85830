from django.apps import AppConfig


class LtcConfig(AppConfig):
    name = "yanglao.ltc"
    label = "ltc"
    verbose_name = "长期护理保险"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.assessment import services as assessment_services
        from yanglao.core import exports as core_exports
        from yanglao.core import navigation, roles, workflows
        from yanglao.core.choices import Role
        from yanglao.ltc import exports, models, services
        from yanglao.people import panels

        auditlog.register(models.LtcScheme)
        auditlog.register(models.LtcApplication, exclude_fields=["history"])
        auditlog.register(models.CarePlan)
        auditlog.register(models.LtcSettlement, exclude_fields=["history"])
        auditlog.register(models.LtcVisitIssue)

        read = [
            "ltc.view_ltcscheme",
            "ltc.view_ltcapplication",
            "ltc.view_careplan",
            "ltc.view_ltcsettlement",
            "ltc.view_ltcsettlementline",
            "ltc.view_ltcvisitissue",
        ]
        roles.register(Role.GOVERNMENT, [*read, "ltc.add_ltcapplication", "ltc.change_ltcapplication"])
        roles.register(
            Role.ADVISOR, ["ltc.view_ltcapplication", "ltc.view_careplan", "ltc.add_ltcapplication"]
        )
        roles.register(
            Role.GOV_ADMIN,
            [
                *read,
                "ltc.add_ltcapplication",
                "ltc.change_ltcapplication",
                "ltc.add_careplan",
                "ltc.change_careplan",
                "ltc.approve_ltcsettlement",
                "ltc.export_ltcsettlement",
            ],
        )
        roles.register(
            Role.PROVIDER,
            [
                "ltc.view_careplan",
                "ltc.view_ltcsettlement",
                "ltc.view_ltcsettlementline",
                "ltc.view_ltcvisitissue",
                "ltc.add_ltcsettlement",
                "ltc.export_ltcsettlement",
            ],
        )
        roles.register(Role.FAMILY, ["ltc.view_ltcapplication", "ltc.view_careplan"])

        core_exports.register(exports.APPLICATIONS)
        workflows.register(services.SETTLEMENT_WORKFLOW)
        assessment_services.register_approval_hook(services.on_assessment_approved)

        navigation.register(
            navigation.NavItem("长护险", "ltc:application_list", "ltc.view_ltcapplication"),
            before="alarms:console",
        )
        navigation.register(
            navigation.NavItem("长护险结算", "ltc:settlement_list", "ltc.view_ltcsettlement"),
            before="alarms:console",
        )
        navigation.register(
            navigation.NavItem("长护险", "ltc:family", "ltc.view_ltcapplication", roles=(Role.FAMILY,))
        )
        panels.register(panels.ElderPanel("ltc:elder_panel", "ltc.view_ltcapplication"))

        from yanglao.ltc import indicators as module_indicators

        module_indicators.register()  # the cockpit's measures and indicators (core.indicators)
