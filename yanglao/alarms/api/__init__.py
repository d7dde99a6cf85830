"""The alarm centre's API under /api/v1/: one router per part, mounted here."""

from ninja import Router

router = Router(tags=["应急呼叫"])

# Each part adds its own router below: router.add_router("", <part>.router)

# ---- devices, calls and SLA
from yanglao.alarms.api import calls as _calls  # noqa: E402
from yanglao.alarms.api import devices as _devices  # noqa: E402

router.add_router("", _devices.router)
router.add_router("", _calls.router)
