from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "yanglao.dashboard"
    label = "dashboard"
    verbose_name = "驾驶舱与规划指标"

    def ready(self):
        """What the module declares to the kit (docs/development/adding-a-module.md, in that order)."""
        from auditlog.registry import auditlog

        from yanglao.core import navigation, roles
        from yanglao.core.choices import Role
        from yanglao.dashboard import models

        auditlog.register(models.PlanTarget)

        read = ["dashboard.view_measurefact", "dashboard.view_plantarget", "dashboard.export_indicators"]
        roles.register(Role.GOVERNMENT, read)
        roles.register(
            Role.GOV_ADMIN,
            [
                *read,
                "dashboard.add_plantarget",
                "dashboard.change_plantarget",
                "dashboard.refresh_indicators",
            ],
        )
        navigation.register(
            navigation.NavItem("驾驶舱", "dashboard:overview", "dashboard.view_measurefact"),
            before="core:region_index",
        )
        navigation.register_panel(
            navigation.HomePanel("dashboard:home_panel", "dashboard.view_measurefact"),
            before="facilities:home_panel",
        )
        navigation.register(
            navigation.NavItem("规划目标", "dashboard:target_list", "dashboard.view_plantarget"),
            before="core:region_index",
        )
