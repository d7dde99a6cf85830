from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yanglao.people"
    label = "people"
    verbose_name = "老年人信息库"

    def ready(self):
        from auditlog.registry import auditlog

        from yanglao.core import audit, navigation, roles
        from yanglao.core import exports as core_exports
        from yanglao.core.choices import Role
        from yanglao.people import models, selectors

        sensitive = ["id_number", "phone", "address", "registered_address", "birth_date", "lat", "lng"]
        auditlog.register(
            models.Elder,
            mask_fields=sensitive,
            exclude_fields=["id_hash", "phone_hash", "row_hash", "name_pinyin", "name_initials", "medicines"],
        )
        auditlog.register(models.EmergencyContact, mask_fields=["phone"], exclude_fields=["phone_hash"])
        auditlog.register(models.LifeEvent)
        auditlog.register(models.ElderTransfer, mask_fields=["address"])
        auditlog.register(models.FamilyLink)
        auditlog.register(models.FamilyInvitation, exclude_fields=["code_hash"])
        from yanglao.core import workflows
        from yanglao.people import services

        workflows.register(services.TRANSFER_WORKFLOW)

        registry = [
            "people.view_elder",
            "people.add_elder",
            "people.change_elder",
            "people.export_elder",
            "people.view_lifeevent",
        ]
        transfers = ["people.view_eldertransfer", "people.add_eldertransfer", "people.change_eldertransfer"]
        roles.register(Role.GOV_ADMIN, [*registry, *transfers, "people.reveal_elder"])
        roles.register(Role.GOVERNMENT, [*registry, *transfers, "people.reveal_elder"])
        roles.register(Role.OPERATOR, ["people.view_elder", "people.reveal_elder"])
        roles.register(Role.ADVISOR, ["people.view_elder"])
        roles.register(Role.ASSESSOR, ["people.view_elder"])
        # Family accounts (家属绑定): the street or community hands out codes and links accounts; a family
        # account sees its linked people and its own links (scoped by people.FamilyLink).
        family_staff = [
            "people.view_familylink",
            "people.add_familylink",
            "people.change_familylink",
            "people.view_familyinvitation",
        ]
        roles.register(Role.GOVERNMENT, family_staff)
        roles.register(Role.ADVISOR, family_staff)
        roles.register(Role.GOV_ADMIN, ["people.view_familylink"])
        roles.register(Role.FAMILY, ["people.view_elder", "people.view_familylink"])
        from yanglao.people import exports

        core_exports.register(exports.ELDERS)
        from yanglao.core import importing
        from yanglao.people import services

        importing.register(services.ELDERS_IMPORTER)
        importing.register(services.DEATHS_IMPORTER)
        audit.register_person_lookup(selectors.elder_audit_targets)
        from yanglao.people import panels

        panels.register(panels.ElderPanel("people:family_panel", "people.view_familylink"))
        navigation.register_panel(navigation.HomePanel("people:elder_counts", "people.view_elder"))
        navigation.register_region_link(
            navigation.RegionLink("老年人", "people:elder_list", "people.view_elder")
        )
        navigation.register(
            navigation.NavItem("老年人", "people:elder_list", "people.view_elder"),
            before="core:organisation_list",
        )
        navigation.register(
            navigation.NavItem("迁出转移", "people:transfer_list", "people.view_eldertransfer"),
            before="core:organisation_list",
        )

        from yanglao.people import indicators as module_indicators

        module_indicators.register()  # the cockpit's measures and indicators (core.indicators)
