"""The alarm centre's API under /api/v1/: one router per part, mounted here. Fixed paths
(``/alarms/care-calls``, ``/alarms/rules``, ``/devices/events``) are mounted before the paths with an id."""

from ninja import Router

from yanglao.alarms.api import calls, care, console, devices, ingest

router = Router(tags=["应急呼叫"])

# ---- proactive care calls and visit tasks
router.add_router("", care.router)
# ---- ingestion and rules
router.add_router("", ingest.router)
# ---- devices, calls and SLA
router.add_router("", devices.router)
router.add_router("", calls.router)
# ---- console and alarms
router.add_router("", console.router)
