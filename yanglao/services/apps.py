from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "yanglao.services"
    label = "services"
    verbose_name = "居家社区养老服务"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md)."""
        from auditlog.registry import auditlog

        from yanglao.core import importing, navigation, reference, roles
        from yanglao.core.choices import Role
        from yanglao.people import panels
        from yanglao.services import importing as services_importing
        from yanglao.services import models, services

        reference.register("services.catalogue", services.catalogue_load)
        panels.register(panels.ElderPanel("services:elder_panel", "services.view_basicservicelist"))
        importing.register(services_importing.IMPORTER)

        auditlog.register(models.CheckInRule)
        auditlog.register(models.ServiceOffering, m2m_fields={"areas"})
        auditlog.register(models.BasicServiceList)

        catalogue = [
            "services.view_serviceitem",
            "services.view_checkinrule",
            "services.view_basicservicelist",
        ]
        offerings = ["services.view_serviceoffering"]
        roles.register(
            Role.GOV_ADMIN,
            [
                *catalogue,
                *offerings,
                "services.add_checkinrule",
                "services.change_checkinrule",
                "services.add_basicservicelist",
                "services.change_basicservicelist",
            ],
        )
        roles.register(Role.GOVERNMENT, [*catalogue, *offerings])
        roles.register(
            Role.PROVIDER,
            [*catalogue, *offerings, "services.add_serviceoffering", "services.change_serviceoffering"],
        )
        for role in (Role.ADVISOR, Role.OPERATOR):
            roles.register(role, [*catalogue, *offerings])
        roles.register(Role.CAREGIVER, catalogue)

        navigation.register(
            navigation.NavItem("服务目录", "services:catalogue", "services.view_serviceitem"),
            before="core:organisation_list",
        )
        navigation.register(
            navigation.NavItem("基本养老服务清单", "services:basic_list", "services.view_basicservicelist"),
            before="core:organisation_list",
        )
        navigation.register(
            navigation.NavItem("服务机构项目", "services:offering_list", "services.view_serviceoffering"),
            before="core:organisation_list",
        )
