from django.urls import path

app_name = "alarms"

urlpatterns: list = []
# ---- console and alarms
from yanglao.alarms.views import console  # noqa: E402

urlpatterns += [
    path("alarms/", console.alarm_list, name="alarm_list"),
    path("alarms/export/", console.alarm_export, name="alarm_export"),
    path("alarms/console/", console.console, name="console"),
    path("alarms/console/<int:pk>/claim/", console.console_claim, name="console_claim"),
    path("alarms/<int:pk>/", console.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/live/", console.alarm_live, name="alarm_live"),
    path("alarms/<int:pk>/phones/", console.alarm_phones, name="alarm_phones"),
    path("alarms/<int:pk>/act/<str:action>/", console.alarm_act, name="alarm_act"),
]
# ---- devices, calls and SLA
from yanglao.alarms.views import calls as call_views  # noqa: E402
from yanglao.alarms.views import devices as device_views  # noqa: E402
from yanglao.alarms.views import sla as sla_views  # noqa: E402

urlpatterns += [
    path("alarms/devices/", device_views.device_list, name="device_list"),
    path("alarms/devices/export/", device_views.device_export, name="device_export"),
    path("alarms/devices/new/", device_views.device_register, name="device_register"),
    path("alarms/devices/<int:pk>/", device_views.device_detail, name="device_detail"),
    path("alarms/devices/<int:pk>/edit/", device_views.device_edit, name="device_edit"),
    path("alarms/devices/<int:pk>/replace/", device_views.device_replace, name="device_replace"),
    path("alarms/devices/<int:pk>/key/", device_views.device_key, name="device_key"),
    path("alarms/devices/<int:pk>/<str:action>/", device_views.device_status, name="device_status"),
    path("elders/<int:pk>/devices/", device_views.elder_devices, name="elder_devices"),
    path("alarms/calls/", call_views.call_list, name="call_list"),
    path("alarms/calls/export/", call_views.call_export, name="call_export"),
    path("alarms/calls/<int:pk>/", call_views.call_detail, name="call_detail"),
    path("alarms/calls/<int:pk>/alarm/", call_views.call_alarm, name="call_alarm"),
    path("alarms/sla/", sla_views.sla_report, name="sla_report"),
    path("alarms/sla/export/", sla_views.sla_export, name="sla_export"),
    path("alarms/sla/alarms/", sla_views.sla_alarms, name="sla_alarms"),
    path("alarms/sla/targets/", sla_views.sla_targets, name="sla_targets"),
]
# ---- proactive care calls and visit tasks
from yanglao.alarms.views import care as care_views  # noqa: E402

urlpatterns += [
    path("alarms/care-calls/", care_views.care_calls, name="care_calls"),
    path("alarms/care-calls/<int:pk>/reveal/", care_views.care_call_reveal, name="care_call_reveal"),
    path("alarms/care-calls/<int:pk>/outcome/", care_views.care_call_outcome, name="care_call_outcome"),
    path("alarms/care-plans/", care_views.care_plans, name="care_plans"),
    path("alarms/visits/", care_views.visit_list, name="visit_list"),
    path("alarms/visits/export/", care_views.visit_export, name="visit_export"),
    path("alarms/visits/<int:pk>/", care_views.visit_detail, name="visit_detail"),
]
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
