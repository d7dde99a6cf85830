from django.urls import path

app_name = "alarms"

urlpatterns: list = []
# ---- console and alarms
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
# ---- ingestion and rules
