"""core's foreign rows for the leak walker: organisations and a region outside the persona's scope."""

from yanglao.core.models import Region
from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register


@register
def core_foreign(foreign: Foreign, persona_kind: str) -> None:
    region = Region.objects.create(
        code="310104004901", name=f"{MARKER}居委会", level="village", parent_id="310104004000", generated=True
    )
    foreign.add(key=region.code, marker=region.name)
    for code in ("310104004001", "310105001001"):  # the other street, another district
        org = factories.organisation(region_code=code, name=f"{MARKER}机构{code}")
        foreign.add(pk=org.pk, marker=org.name, region=code, row=org)
    if persona_kind == "provider":
        # Same street as the provider, but another organisation.
        org = factories.organisation(region_code="310104003002", name=f"{MARKER}同街道他机构")
        foreign.add(pk=org.pk, marker=org.name)
