from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "yanglao.assessment"
    label = "assessment"
    verbose_name = "老年人能力评估"

    def ready(self):
        from auditlog.registry import auditlog

        from yanglao.assessment import models, selectors
        from yanglao.core import audit, roles
        from yanglao.core.choices import Role

        auditlog.register(models.Assessment)
        from yanglao.assessment import exports
        from yanglao.core import exports as core_exports

        core_exports.register(exports.ASSESSMENTS)
        audit.register_person_lookup(selectors.assessment_audit_targets)
        roles.register(Role.ASSESSOR, ["assessment.view_assessment", "assessment.perform_assessment"])
        for role in (Role.GOV_ADMIN, Role.GOVERNMENT):
            roles.register(
                role,
                [
                    "assessment.view_assessment",
                    "assessment.add_assessment",
                    "assessment.change_assessment",
                    "assessment.review_assessment",
                ],
            )
        roles.register(Role.ADVISOR, ["assessment.view_assessment", "assessment.add_assessment"])

        from yanglao.assessment import services
        from yanglao.core import navigation, workflows
        from yanglao.people import panels
        from yanglao.people import services as people_services

        people_services.register_move_hook(services.assessments_follow_move)
        workflows.register(services.WORKFLOW)

        navigation.register(
            navigation.NavItem("能力评估", "assessment:list", "assessment.view_assessment"),
            before="core:organisation_list",
        )
        panels.register(panels.ElderPanel("assessment:elder_panel", "assessment.view_assessment"))
        # An assessor's home opens on her own tasks, above the registry's counts.
        navigation.register_panel(
            navigation.HomePanel("assessment:home_panel", "assessment.perform_assessment"),
            before="people:elder_counts",
        )
