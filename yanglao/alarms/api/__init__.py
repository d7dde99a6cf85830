"""The alarm centre's API under /api/v1/: one router per part, mounted here."""

from ninja import Router

router = Router(tags=["应急呼叫"])

# Each part adds its own router below: router.add_router("", <part>.router)
# ---- ingestion and rules
from yanglao.alarms.api import ingest  # noqa: E402

router.add_router("", ingest.router)
