"""Builders the benefits tests share: the demo policies on Xuhui, people of chosen ages, accounts."""

import datetime as dt
import itertools

from yanglao.benefits import services
from yanglao.core import audit
from yanglao.people.tests.factories import elder as make_elder

XUHUI = "310104000000"
START = dt.date(2026, 1, 1)
_n = itertools.count(1)


def policies(region=XUHUI):
    return services.policies_load(actor=audit.system_actor(), region_code=region, effective_from=START)


def person(*, age=85, on=dt.date(2026, 10, 31), account=True, region="310104003001", **extra):
    n = next(_n)
    from yanglao.core import idcard

    birth = on.replace(year=on.year - age, day=min(on.day, 28))
    elder = make_elder(id_number=idcard.make("310104", birth, 100 + n % 800), region_code=region, **extra)
    if account:
        from yanglao.core.models import User

        root = User.objects.get(username="factory_root")
        services.account_set(
            actor=root,
            elder_id=elder.pk,
            bank="中国工商银行",
            account_number=f"62220202{n:011d}",
            holder_name=elder.name,
        )
    return elder
