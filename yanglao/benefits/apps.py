from django.apps import AppConfig


def _district_staff(user) -> bool:
    """Batches are a district's (or a city's): a street's staff work on claims and the person page instead."""
    if not user.has_perm("benefits.view_paymentbatch"):
        return False
    # scope_ranges is cached on the request's user (the page's own scoped reads computed it already).
    return user.is_superuser or any(lo[6:] == "000000" for lo, _hi in user.scope_ranges())


class BenefitsConfig(AppConfig):
    name = "yanglao.benefits"
    label = "benefits"
    verbose_name = "老年福利补贴"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.benefits import exports, models, services
        from yanglao.core import exports as core_exports
        from yanglao.core import navigation, roles, workflows
        from yanglao.core.choices import Role
        from yanglao.people import panels
        from yanglao.people import services as people_services

        auditlog.register(models.BenefitPolicy)
        auditlog.register(models.BenefitApplication)
        auditlog.register(models.PaymentBatch, exclude_fields=["by_policy", "history"])
        auditlog.register(models.BenefitAdjustment)
        auditlog.register(models.Recovery)
        auditlog.register(
            models.PayeeAccount, mask_fields=["account_number"], exclude_fields=["account_hash"]
        )
        auditlog.register(models.PaymentFileLayout)

        read = [
            "benefits.view_benefitpolicy",
            "benefits.view_benefitapplication",
            "benefits.view_paymentbatch",
            "benefits.view_payment",
            "benefits.view_batchfinding",
            "benefits.view_paymentstop",
            "benefits.view_benefitadjustment",
            "benefits.view_recovery",
            "benefits.view_payeeaccount",
        ]
        community = [
            *read,
            "benefits.add_benefitapplication",
            "benefits.change_benefitapplication",
            "benefits.check_benefitapplication",
            "benefits.change_payeeaccount",
            "benefits.add_payeeaccount",
        ]
        roles.register(Role.GOVERNMENT, community)
        roles.register(
            Role.ADVISOR, [*read, "benefits.add_benefitapplication", "benefits.change_benefitapplication"]
        )
        roles.register(
            Role.GOV_ADMIN,
            [
                *community,
                "benefits.manage_policy",
                "benefits.approve_benefitapplication",
                "benefits.prepare_paymentbatch",
                "benefits.approve_paymentbatch",
                "benefits.export_paymentbatch",
                "benefits.add_benefitadjustment",
                "benefits.settle_recovery",
            ],
        )
        # A family sees its own person's benefits and payments (scope_elder_field), nothing else.
        roles.register(
            Role.FAMILY,
            [
                "benefits.view_payment",
                "benefits.view_benefitapplication",
                "benefits.view_payeeaccount",
                "benefits.view_recovery",
                "benefits.view_paymentstop",
                "benefits.view_benefitadjustment",
            ],
        )

        for listed in (exports.PAYMENTS, exports.APPLICATIONS, exports.RECOVERIES):
            core_exports.register(listed)
        workflows.register(services.APPLICATION_WORKFLOW)
        workflows.register(services.BATCH_WORKFLOW)
        people_services.register_move_hook(services.follow_move)

        navigation.register(
            navigation.NavItem("补贴发放", "benefits:batch_list", visible=_district_staff),
            before="alarms:console",
        )
        navigation.register(
            navigation.NavItem("补贴申请", "benefits:application_list", "benefits.view_benefitapplication"),
            before="alarms:console",
        )
        navigation.register(
            navigation.NavItem(
                "福利补贴", "benefits:family_benefits", "benefits.view_payment", roles=(Role.FAMILY,)
            )
        )
        panels.register(panels.ElderPanel("benefits:elder_panel", "benefits.view_payment"))

        from yanglao.benefits import indicators as module_indicators

        module_indicators.register()  # the cockpit's measures and indicators (core.indicators)
