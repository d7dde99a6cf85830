from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "yanglao.assessment"
    label = "assessment"
    verbose_name = "老年人能力评估"
