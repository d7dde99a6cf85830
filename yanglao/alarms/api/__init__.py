"""The alarm centre's API under /api/v1/: one router per part, mounted here. Fixed paths
(``/alarms/care-calls``) are mounted before the console's ``/alarms/{id}``."""

from ninja import Router

from yanglao.alarms.api import care, console

router = Router(tags=["应急呼叫"])

# ---- proactive care calls and visit tasks
router.add_router("", care.router)
# ---- devices, calls and SLA
# ---- ingestion and rules
# ---- console and alarms
router.add_router("", console.router)
