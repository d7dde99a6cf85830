"""The registry's part of the demo generator matches the Xuhui figures it is modelled on."""

import pytest

from yanglao.core import demo

pytestmark = pytest.mark.django_db


def test_people_match_the_xuhui_figures_at_scale():
    import datetime as dt

    from yanglao.people import groups
    from yanglao.people.demo import XUHUI_2019
    from yanglao.people.models import Elder

    scale = 0.01
    demo.run(scale=scale, seed=3, steps=["people"], log=lambda _: None)
    people = Elder.objects.unscoped(reason="test").filter(
        region__gte="310104000000", region__lt="310105000000"
    )
    today = dt.date.today()
    assert people.count() == round(XUHUI_2019["total"] * scale)
    assert people.filter(**groups.BY_CODE["oldest_old"].lookups(today)).count() == round(
        XUHUI_2019["80+"] * scale
    )
    assert people.filter(birth_date__gt=today.replace(year=today.year - 60)).count() == 0  # everyone is 60+
    assert people.filter(living_arrangement="alone").count() == round(XUHUI_2019["alone"] * scale)
    all_elderly = people.filter(**groups.BY_CODE["all_elderly"].lookups(today)).count()
    assert abs(all_elderly - round(XUHUI_2019["all_elderly"] * scale)) <= 1  # couples come in pairs
    assert people.values("region").distinct().count() > 250  # spread over the district's committees
