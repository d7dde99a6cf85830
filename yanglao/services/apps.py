from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "yanglao.services"
    label = "services"
    verbose_name = "居家社区养老服务"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.core import importing, navigation, reference, roles, workflows
        from yanglao.core.choices import Role
        from yanglao.people import panels
        from yanglao.services import importing as services_importing
        from yanglao.services import models, services

        auditlog.register(models.CheckInRule)
        auditlog.register(models.ServiceOffering, m2m_fields={"areas"})
        auditlog.register(models.BasicServiceList)
        # The family's confirmation code is a secret and the visit's positions are the home's: not in diffs.
        auditlog.register(
            models.ServiceOrder,
            exclude_fields=[
                "confirm_code",
                "checkin_lat",
                "checkin_lng",
                "checkout_lat",
                "checkout_lng",
                "photo_files",
            ],
        )
        auditlog.register(models.MonthlyAllowance)
        auditlog.register(models.Caregiver)

        catalogue = [
            "services.view_serviceitem",
            "services.view_checkinrule",
            "services.view_basicservicelist",
        ]
        offerings = ["services.view_serviceoffering"]
        orders = ["services.view_serviceorder", "services.add_serviceorder", "services.change_serviceorder"]
        district = [
            "services.add_checkinrule",
            "services.change_checkinrule",
            "services.add_basicservicelist",
            "services.change_basicservicelist",
            "services.review_serviceorder",
            "services.approve_serviceorder",
        ]
        roles.register(Role.GOV_ADMIN, [*catalogue, *offerings, *orders, *district])
        roles.register(Role.GOVERNMENT, [*catalogue, *offerings, *orders, "services.review_serviceorder"])
        roles.register(
            Role.PROVIDER,
            [
                *catalogue,
                *offerings,
                "services.add_serviceoffering",
                "services.change_serviceoffering",
                "services.view_serviceorder",
                "services.change_serviceorder",
                "services.dispatch_serviceorder",
                "services.view_caregiver",
                "services.add_caregiver",
                "services.change_caregiver",
            ],
        )
        for role in (Role.ADVISOR, Role.OPERATOR):
            roles.register(role, [*catalogue, *offerings, *orders])
        roles.register(
            Role.CAREGIVER,
            [
                *catalogue,
                "services.view_serviceorder",
                "services.change_serviceorder",
                "services.accept_serviceorder",
            ],
        )

        # A caregiver reads the reports on her own jobs (the job page); the provider reads its caregivers'.
        roles.register(Role.CAREGIVER, ["services.view_visitaction"])
        roles.register(Role.PROVIDER, ["services.view_visitaction"])

        reference.register("services.catalogue", services.catalogue_load)
        importing.register(services_importing.IMPORTER)
        workflows.register(services.ORDER_WORKFLOW)
        panels.register(panels.ElderPanel("services:elder_panel", "services.view_basicservicelist"))

        for label, url_name, permission in (
            ("服务目录", "services:catalogue", "services.view_serviceitem"),
            ("基本养老服务清单", "services:basic_list", "services.view_basicservicelist"),
            ("服务机构项目", "services:offering_list", "services.view_serviceoffering"),
            ("服务工单", "services:order_list", "services.view_serviceorder"),
        ):
            navigation.register(
                navigation.NavItem(label, url_name, permission), before="core:organisation_list"
            )
        # Only caregivers take orders (accept_serviceorder): their phone page.
        navigation.register(
            navigation.NavItem("今日工单", "services:care_today", "services.accept_serviceorder"),
            before="services:catalogue",
        )
