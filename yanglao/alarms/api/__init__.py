"""The alarm centre's API under /api/v1/: one router per part, mounted here. Fixed paths
(``/alarms/care-calls``) are mounted before the console's ``/alarms/{id}``."""

from ninja import Router

from yanglao.alarms.api import calls, care, console, devices

router = Router(tags=["应急呼叫"])

# ---- proactive care calls and visit tasks
router.add_router("", care.router)
# ---- devices, calls and SLA
router.add_router("", devices.router)
router.add_router("", calls.router)
# ---- ingestion and rules
# ---- console and alarms
router.add_router("", console.router)
