from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "yanglao.services"
    label = "services"
    verbose_name = "居家社区养老服务"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.core import exports as core_exports
        from yanglao.core import importing, navigation, reference, roles, workflows
        from yanglao.core.choices import Role
        from yanglao.people import panels
        from yanglao.services import exports, models, services
        from yanglao.services import importing as services_importing

        auditlog.register(models.CheckInRule)
        auditlog.register(models.ServiceOffering, m2m_fields={"areas"})
        auditlog.register(models.BasicServiceList)
        auditlog.register(models.ServiceOrder)
        auditlog.register(models.MonthlyAllowance)
        auditlog.register(models.Caregiver)
        auditlog.register(models.ServiceAlert)
        auditlog.register(models.QualitySetting)
        auditlog.register(models.FollowUpCall)
        auditlog.register(models.Complaint)

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

        # Quality monitoring (服务质量实时监控), follow-up calls and complaints.
        watch = ["services.view_servicealert", "services.view_qualitysetting", "services.view_complaint"]
        handle = ["services.handle_servicealert"]
        calls = ["services.view_followupcall", "services.add_followupcall"]
        roles.register(
            Role.GOV_ADMIN,
            [
                *watch,
                *handle,
                *calls,
                "services.add_qualitysetting",
                "services.change_qualitysetting",
                "services.resolve_complaint",
            ],
        )
        roles.register(Role.GOVERNMENT, [*watch, *handle, *calls, "services.resolve_complaint"])
        roles.register(
            Role.PROVIDER,
            [*watch, *handle, "services.reply_complaint", "services.resolve_complaint"],
        )
        for role in (Role.ADVISOR, Role.OPERATOR):
            roles.register(
                role,
                [*calls, "services.view_complaint", "services.add_complaint", "services.rate_complaint"],
            )
        roles.register(
            Role.FAMILY,
            [
                "services.view_serviceorder",
                "services.view_complaint",
                "services.add_complaint",
                "services.rate_complaint",
            ],
        )

        reference.register("services.catalogue", services.catalogue_load)
        importing.register(services_importing.IMPORTER)
        workflows.register(services.ORDER_WORKFLOW)
        workflows.register(services.COMPLAINT_WORKFLOW)
        core_exports.register(exports.ALERTS)
        core_exports.register(exports.COMPLAINTS)
        panels.register(panels.ElderPanel("services:elder_panel", "services.view_basicservicelist"))

        for label, url_name, permission in (
            ("服务目录", "services:catalogue", "services.view_serviceitem"),
            ("基本养老服务清单", "services:basic_list", "services.view_basicservicelist"),
            ("服务机构项目", "services:offering_list", "services.view_serviceoffering"),
            ("服务工单", "services:order_list", "services.view_serviceorder"),
            ("服务回访", "services:follow_ups", "services.add_followupcall"),
            ("服务投诉", "services:complaint_list", "services.view_complaint"),
        ):
            navigation.register(
                navigation.NavItem(label, url_name, permission), before="core:organisation_list"
            )

        def watches(user, provider: bool) -> bool:
            if not user.has_perm("services.view_servicealert"):
                return False
            return user.is_superuser or (user.role == Role.PROVIDER) == provider

        for label, url_name, provider in (
            ("服务监控", "services:monitor", True),
            ("服务质量监管", "services:supervision", False),
        ):
            navigation.register(
                navigation.NavItem(
                    label, url_name, visible=lambda user, provider=provider: watches(user, provider)
                ),
                before="services:complaint_list",
            )
