from django.urls import path  # noqa: F401

app_name = "alarms"

urlpatterns: list = []
# ---- console and alarms
# ---- devices, calls and SLA
# ---- proactive care calls and visit tasks
# ---- ingestion and rules
