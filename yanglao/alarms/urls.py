from django.urls import path

app_name = "alarms"

urlpatterns: list = []
# ---- console and alarms
# ---- devices, calls and SLA
# ---- proactive care calls and visit tasks
# ---- ingestion and rules
from yanglao.alarms.views import rules as rule_views  # noqa: E402

urlpatterns += [
    path("alarms/rules/", rule_views.rule_list, name="rules"),
    path("alarms/rules/<str:kind>/", rule_views.rule_edit, name="rule_edit"),
    path("alarms/rules/<str:kind>/reset/", rule_views.rule_reset, name="rule_reset"),
    path("alarms/people/<int:pk>/rules/", rule_views.person_rules, name="person_rules"),
    path("alarms/people/<int:pk>/rules/<str:kind>/", rule_views.person_rule_edit, name="person_rule_edit"),
    path(
        "alarms/people/<int:pk>/rules/<str:kind>/reset/",
        rule_views.person_rule_reset,
        name="person_rule_reset",
    ),
]
