"""The registry's foreign rows for the leak walker: people and an import job outside the persona's scope."""

import datetime as dt

from yanglao.core import idcard
from yanglao.core.choices import Role
from yanglao.core.models import ImportJob
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories


@register
def people_foreign(foreign: Foreign, persona_kind: str) -> None:
    for n, region in enumerate(("310104004001", "310105001001"), start=1):
        elder = factories.elder(
            region_code=region,
            name=f"{MARKER}老人{n}",
            id_number=idcard.make("310104", dt.date(1940, 1, n), 900 + n),
        )
        foreign.add(pk=elder.pk, marker=elder.name, region=region, row=elder)
        foreign.add(key=elder.id_last4)
    other = core_factories.user(role=Role.GOVERNMENT, regions=["310104004000"])
    job = ImportJob.objects.create(
        actor=other, kind="elders", filename=f"{MARKER}名单.xlsx", path="/nonexistent"
    )
    foreign.add(pk=job.pk, marker=job.filename)
