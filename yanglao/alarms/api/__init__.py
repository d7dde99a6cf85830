"""The alarm centre's API under /api/v1/: one router per part, mounted here."""

from ninja import Router

router = Router(tags=["应急呼叫"])

# Each part adds its own router below: router.add_router("", <part>.router)

# ---- console and alarms
from yanglao.alarms.api import console  # noqa: E402

router.add_router("", console.router)
# ---- devices, calls and SLA
# ---- proactive care calls and visit tasks
# ---- ingestion and rules
