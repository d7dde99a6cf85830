"""Organisation services: scope on write, credit codes, duplicates, coordinates — each refused in Chinese."""

import pytest
from django.core.exceptions import PermissionDenied

from yanglao.core import errors, services
from yanglao.core.choices import Role
from yanglao.core.models import Organisation
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db
GOOD = {"name": "天平路街道日间照料中心", "kind": "day_care", "ownership": "public_private"}


def create(actor, **overrides):
    return services.organisation_create(actor=actor, **({"region_code": "310104003001", **GOOD} | overrides))


def test_create_normalises_the_credit_code(street_officer):
    org = create(street_officer, credit_code=" 91350100m000100y43 ", lat=31.2, lng=121.44)
    assert org.credit_code == "91350100M000100Y43"
    assert org.region_code == "310104003001"


@pytest.mark.parametrize(
    ("overrides", "error", "field", "text"),
    [
        ({"credit_code": "91350100M000100Y44"}, errors.InvalidCreditCode, "credit_code", "校验位"),
        ({"credit_code": "9135"}, errors.InvalidCreditCode, "credit_code", "18 位"),
        ({"region_code": "310104999999"}, errors.UnknownRegion, "region_code", "不存在"),
        ({"region_code": "31010400300"}, errors.UnknownRegion, "region_code", "12 位"),
        ({"region_code": "310104004001"}, errors.RegionOutOfScope, "region_code", "不在您的管辖范围"),
        ({"lat": 121.44, "lng": 31.2}, errors.InvalidCoordinates, "lat", "填反"),
        ({"lat": 31.2}, errors.InvalidCoordinates, "lat", "同时填写"),
        ({"name": "  "}, errors.DomainError, "name", "不能为空"),
        ({"kind": "spaceship"}, errors.DomainError, "kind", "无效"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_naming_the_field(
    street_officer, overrides, error, field, text
):
    with pytest.raises(error) as caught:
        create(street_officer, **overrides)
    assert field in caught.value.fields
    assert text in caught.value.message
    assert not Organisation.objects.unscoped(reason="test").filter(name=GOOD["name"]).exists()


def test_duplicates_by_credit_code_anywhere_and_by_name_in_the_region(street_officer, district_officer):
    code = factories.credit_code()
    create(street_officer, credit_code=code)
    with pytest.raises(errors.DuplicateOrganisation) as caught:
        services.organisation_create(
            actor=district_officer,
            region_code="310104004001",
            name="另一家",
            kind="canteen",
            credit_code=code,
        )
    assert "credit_code" in caught.value.fields
    with pytest.raises(errors.DuplicateOrganisation) as caught:
        create(street_officer)
    assert "name" in caught.value.fields
    # The same name in another region is another organisation.
    services.organisation_create(actor=district_officer, region_code="310104004001", **GOOD)


def test_update_checks_scope_of_the_target_and_of_a_move(street_officer, other_street_officer):
    org = create(street_officer)
    with pytest.raises(errors.DomainError):
        services.organisation_update(actor=other_street_officer, organisation_id=org.pk, name="改名")
    with pytest.raises(errors.RegionOutOfScope):
        services.organisation_update(actor=street_officer, organisation_id=org.pk, region_code="310104004001")
    updated = services.organisation_update(
        actor=street_officer, organisation_id=org.pk, address="天平路 1 号"
    )
    assert updated.address == "天平路 1 号"


def test_provider_may_edit_its_own_organisation_but_not_register_new_ones(provider_staff, provider_org):
    services.organisation_update(actor=provider_staff, organisation_id=provider_org.pk, contact_name="赵敏")
    with pytest.raises(PermissionDenied):
        create(provider_staff)


def test_changes_are_audited_with_the_phone_masked(street_officer):
    from auditlog.models import LogEntry

    org = create(street_officer, contact_phone="13812345678")
    services.organisation_update(actor=street_officer, organisation_id=org.pk, contact_phone="13900001111")
    entries = LogEntry.objects.get_for_object(org).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert "13900001111" not in str(entries.last().changes)


def test_role_scope_is_required_for_accounts():
    with pytest.raises(errors.InvalidRole):
        factories.user(role=Role.PROVIDER)
    with pytest.raises(errors.InvalidRole):
        factories.user(role=Role.GOVERNMENT)
    with pytest.raises(errors.DomainError) as caught:
        services.user_create(actor=None, username="weak", password="12345678", role=Role.FAMILY)
    assert caught.value.code == "core.weak_password"
