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
        auditlog.register(models.Settlement)
        auditlog.register(models.SettlementException)
        auditlog.register(models.SettlementAdjustment)
        auditlog.register(models.Caregiver)
        auditlog.register(models.ServiceAlert)
        auditlog.register(models.QualitySetting)
        auditlog.register(models.FollowUpCall)
        auditlog.register(models.Complaint)
        auditlog.register(models.ServicePlan)

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
        # Monthly settlement: the provider makes it, the street checks it, the district approves and adjusts.
        settle_view = [
            "services.view_settlement",
            "services.view_settlementexception",
            "services.view_settlementadjustment",
        ]
        roles.register(Role.PROVIDER, [*settle_view, "services.add_settlement", "services.submit_settlement"])
        roles.register(
            Role.GOVERNMENT, [*settle_view, "services.check_settlement", "services.decide_settlement"]
        )
        roles.register(
            Role.GOV_ADMIN,
            [
                *settle_view,
                "services.check_settlement",
                "services.decide_settlement",
                "services.approve_settlement",
                "services.adjust_settlement",
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
        # Family accounts (journey 3): they see and order for their linked people only (scope_elder_field);
        # change_serviceorder lets them cancel under the order workflow's own cancel rule, nothing more
        # (every other transition names its own permission or the caregiver it went to).
        plans = ["services.view_serviceplan", "services.add_serviceplan", "services.change_serviceplan"]
        roles.register(
            Role.FAMILY,
            [
                "services.view_serviceorder",
                "services.view_complaint",
                "services.add_complaint",
                "services.rate_complaint",
                "services.add_serviceorder",
                "services.change_serviceorder",
                "services.view_monthlyallowance",
                *plans,
            ],
        )
        for role in (Role.GOV_ADMIN, Role.GOVERNMENT, Role.ADVISOR, Role.OPERATOR):
            roles.register(role, plans)
        roles.register(Role.PROVIDER, ["services.view_serviceplan"])

        # A caregiver reads the reports on her own jobs (the job page); the provider reads its caregivers'.
        roles.register(Role.CAREGIVER, ["services.view_visitaction"])
        roles.register(Role.PROVIDER, ["services.view_visitaction"])

        reference.register("services.catalogue", services.catalogue_load)
        importing.register(services_importing.IMPORTER)
        workflows.register(services.ORDER_WORKFLOW)
        workflows.register(services.COMPLAINT_WORKFLOW)
        workflows.register(services.SETTLEMENT_WORKFLOW)
        core_exports.register(exports.ALERTS)
        core_exports.register(exports.COMPLAINTS)
        panels.register(panels.ElderPanel("services:elder_panel", "services.view_basicservicelist"))

        for label, url_name, permission in (
            ("服务目录", "services:catalogue", "services.view_serviceitem"),
            ("基本养老服务清单", "services:basic_list", "services.view_basicservicelist"),
            ("服务机构项目", "services:offering_list", "services.view_serviceoffering"),
            ("服务工单", "services:order_list", "services.view_serviceorder"),
            ("结算管理", "services:settlement_list", "services.view_settlement"),
            ("护理员名册", "services:caregiver_list", "services.add_caregiver"),
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
        # Only caregivers take orders (accept_serviceorder): their phone page.
        navigation.register(
            navigation.NavItem("今日工单", "services:care_today", "services.accept_serviceorder"),
            before="services:catalogue",
        )
        # A family account's navigation is its phone pages only; its home page shows 我的家人.
        family = (Role.FAMILY,)
        for label, url_name, permission in (
            ("我的家人", "services:family_home", "services.view_serviceorder"),
            ("预约服务", "services:family_order_new", "services.add_serviceorder"),
            ("周期服务计划", "services:family_plans", "services.view_serviceplan"),
        ):
            navigation.register(navigation.NavItem(label, url_name, permission, roles=family))
        navigation.register(navigation.NavItem("绑定家人", "people:family_join", roles=family))
        navigation.restrict_role(Role.FAMILY)
        navigation.register_panel(
            navigation.HomePanel("services:family_panel", "services.view_serviceorder", roles=family)
        )

        from yanglao.services import indicators as module_indicators

        module_indicators.register()  # the cockpit's measures and indicators (core.indicators)
