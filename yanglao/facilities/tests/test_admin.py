"""The Django admin of the facilities module (issue 9, 5.2): a system administrator opens the list, add and
change page of every facilities model without a server error. Foreign-key choices are raw ids or scoped
(an unscoped queryset in a form field raised UnscopedQueryError, answered 500)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from yanglao.core.testing import factories as core_factories
from yanglao.facilities import services
from yanglao.facilities.models import Bed, BedStay, Facility, OccupancySnapshot
from yanglao.people.tests import factories as people_factories

MODELS = [Facility, Bed, BedStay, OccupancySnapshot]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root_admin", password="unused-Password-1")


@pytest.fixture
def rows(street_officer):
    operator = core_factories.organisation(region_code="310104003001", name="后台测试运营方")
    provider = core_factories.user(role="provider", organisation=operator, username="admin_staff")
    facility = services.facility_create(
        actor=street_officer,
        name="后台测试敬老院",
        kind="institution",
        operator_id=operator.pk,
        operating_model="public",
        region_code="310104003001",
        lat=31.2075,
        lng=121.444,
    )
    bed = services.bed_create(actor=provider, facility_id=facility.pk, number="1")
    elder = people_factories.elder(actor=street_officer)
    services.bed_admit(actor=provider, bed_id=bed.pk, id_number=elder.id_number)
    services.occupancy_snapshot_take(date=dt.date.today())
    return {
        Facility: facility,
        Bed: bed,
        BedStay: BedStay.objects.unscoped(reason="test").get(bed=bed),
        OccupancySnapshot: OccupancySnapshot.objects.unscoped(reason="test")
        .filter(facility=facility)
        .first(),
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_superuser_opens_every_admin_page(client, superuser, rows, model):
    client.force_login(superuser)
    info = model._meta.app_label, model._meta.model_name
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    obj = rows[model]
    change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert change.status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (403 if model in (BedStay, OccupancySnapshot) else 200)


@pytest.mark.parametrize(
    ("model_name", "field_name", "expected"),
    [("facility", "operator", "后台测试运营方"), ("bed", "facility", "后台测试敬老院")],
)
def test_foreign_keys_are_chosen_by_autocomplete(client, superuser, rows, model_name, field_name, expected):
    client.force_login(superuser)
    answer = client.get(
        "/admin/autocomplete/",
        {"app_label": "facilities", "model_name": model_name, "field_name": field_name, "term": "后台"},
    )
    assert answer.status_code == 200
    assert [r["text"] for r in answer.json()["results"]] == [expected]
