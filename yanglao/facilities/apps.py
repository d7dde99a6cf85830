from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "yanglao.facilities"
    label = "facilities"
    verbose_name = "养老设施与床位"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.core import exports as core_exports
        from yanglao.core import importing, navigation, roles, workflows
        from yanglao.core.choices import Role
        from yanglao.facilities import exports, models, services
        from yanglao.facilities import importing as facility_importing
        from yanglao.people import services as people_services

        auditlog.register(models.Facility)
        auditlog.register(models.Bed)
        auditlog.register(models.BedStay)

        staff = [
            "facilities.view_facility",
            "facilities.view_bed",
            "facilities.view_bedstay",
            "facilities.view_occupancysnapshot",
        ]
        for role in (Role.GOV_ADMIN, Role.GOVERNMENT):
            roles.register(role, [*staff, "facilities.add_facility", "facilities.change_facility"])
        roles.register(
            Role.PROVIDER,
            [
                *staff,
                "facilities.change_facility",
                "facilities.add_bed",
                "facilities.change_bed",
                "facilities.add_bedstay",
                "facilities.change_bedstay",
            ],
        )
        for role in (Role.OPERATOR, Role.ADVISOR, Role.CAREGIVER):
            roles.register(role, ["facilities.view_facility"])

        core_exports.register(exports.FACILITIES)
        importing.register(facility_importing.IMPORTER)
        workflows.register(services.BED_WORKFLOW)
        people_services.register_move_hook(services.family_beds_follow_move)

        navigation.register(
            navigation.NavItem("养老设施", "facilities:list", "facilities.view_facility"),
            before="core:organisation_list",
        )
        navigation.register_panel(navigation.HomePanel("facilities:home_panel", "facilities.change_facility"))

        from yanglao.facilities import indicators as module_indicators

        module_indicators.register()  # the cockpit's measures and indicators (core.indicators)
