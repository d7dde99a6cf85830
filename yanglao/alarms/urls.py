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
