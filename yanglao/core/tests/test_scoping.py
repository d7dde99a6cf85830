"""for_user fails closed; an unscoped read raises; unscoped() needs a reason."""

import pytest
from django.contrib.auth.models import AnonymousUser

from yanglao.core.choices import Role
from yanglao.core.models import Organisation
from yanglao.core.scoping import UnscopedQueryError
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return {
        "tianping": factories.organisation(region_code="310104003001", name="天平甲"),
        "tianping_street": factories.organisation(region_code="310104003000", name="天平乙"),
        "hunan": factories.organisation(region_code="310104004001", name="湖南甲"),
        "changning": factories.organisation(region_code="310105001001", name="长宁甲"),
    }


def names(qs):
    return sorted(o.name for o in qs)


def test_street_officer_sees_own_street_only(orgs, street_officer):
    assert names(Organisation.objects.for_user(street_officer)) == ["天平乙", "天平甲"]


def test_district_officer_sees_the_district(orgs, district_officer):
    assert names(Organisation.objects.for_user(district_officer)) == ["天平乙", "天平甲", "湖南甲"]


def test_provider_sees_own_organisation_only(orgs, provider_staff, provider_org):
    assert list(Organisation.objects.for_user(provider_staff)) == [provider_org]


def test_user_with_regions_and_organisation_sees_the_union(orgs):
    user = factories.user(role=Role.ASSESSOR, organisation=orgs["changning"], regions=["310104004000"])
    assert names(Organisation.objects.for_user(user)) == ["湖南甲", "长宁甲"]


def test_nothing_for_anonymous_inactive_or_unassigned(orgs, street_officer):
    assert list(Organisation.objects.for_user(AnonymousUser())) == []
    assert list(Organisation.objects.for_user(None)) == []
    street_officer.is_active = False
    assert list(Organisation.objects.for_user(street_officer)) == []
    family = factories.user(role=Role.FAMILY)
    assert list(Organisation.objects.for_user(family)) == []


def test_nothing_without_the_permission(orgs):
    user = factories.user(role=Role.GOVERNMENT, regions=["310104000000"])
    user.groups.clear()
    user = type(user).objects.get(pk=user.pk)  # drop the permission cache
    assert list(Organisation.objects.for_user(user)) == []


def test_action_permission_is_checked(orgs):
    caregiver_org = factories.organisation(region_code="310104003001", name="居家服务社")
    caregiver = factories.user(role=Role.CAREGIVER, organisation=caregiver_org)
    assert list(Organisation.objects.for_user(caregiver)) == [caregiver_org]
    assert list(Organisation.objects.for_user(caregiver, action="change")) == []


def test_superuser_sees_everything(orgs):
    admin = type(factories.user(role=Role.FAMILY)).objects.create_superuser("root", password="x")
    assert (
        Organisation.objects.for_user(admin).count() == Organisation.objects.unscoped(reason="test").count()
    )


@pytest.mark.parametrize(
    "read",
    [
        lambda qs: list(qs),
        lambda qs: qs.count(),
        lambda qs: qs.first(),
        lambda qs: qs.get(name="天平甲"),
        lambda qs: list(qs.values_list("name")),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.aggregate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk")),
        lambda qs: qs.update(name="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.in_bulk(),
        lambda qs: qs[0],
    ],
)
def test_unscoped_reads_raise(orgs, read):
    with pytest.raises(UnscopedQueryError):
        read(Organisation.objects.filter(kind="institution"))


def test_scope_survives_chaining(orgs, street_officer):
    qs = Organisation.objects.for_user(street_officer).filter(kind="institution").order_by("name").distinct()
    assert names(qs) == ["天平乙", "天平甲"]


def test_unscoped_requires_a_reason(orgs):
    with pytest.raises(ValueError):
        Organisation.objects.unscoped(reason=" ")
    assert Organisation.objects.unscoped(reason="nightly report").count() >= 4


def test_related_lists_are_guarded_too(orgs):
    region = orgs["hunan"].region
    # A reverse relation goes through the scoped default manager and must be scoped explicitly.
    with pytest.raises(UnscopedQueryError):
        list(Organisation.objects.filter(region=region))


def test_in_region_narrows_to_a_subtree_and_refuses_malformed_codes(orgs, district_officer):
    scoped = Organisation.objects.for_user(district_officer)
    assert names(scoped.in_region("310104003")) == ["天平乙", "天平甲"]
    assert names(scoped.in_region("310104003001000")) == []
    assert names(scoped.in_region("310105")) == []  # out of scope stays out of scope
