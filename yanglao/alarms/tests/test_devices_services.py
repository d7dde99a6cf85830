"""Device register rules, one test per rule: scope, unique serials, keys shown once and stored hashed, lost /
return / replace with their history kept, key rotation, providers and the move hook."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yanglao.alarms import devicekeys
from yanglao.alarms.choices import AlarmKind, DeviceStatus
from yanglao.alarms.errors import InvalidDevice
from yanglao.alarms.models import Alarm, Device, DeviceEvent
from yanglao.alarms.selectors import devices as selectors
from yanglao.alarms.services import devices as services
from yanglao.alarms.services.raising import alarm_raise
from yanglao.core.errors import NotFound
from yanglao.core.testing import factories
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

KEY = "maker-key-0123456789abcdef"


@pytest.fixture
def admin(district_officer):
    return district_officer


def register(actor, elder, serial="WB0001", **extra):
    return services.device_register(actor=actor, elder_id=elder.pk, kind="wristband", serial=serial, **extra)


def test_register_binds_the_person_copies_the_region_and_shows_a_generated_key_once(admin, person):
    registered = register(admin, person)
    device = registered.device
    assert device.elder == person and device.region_id == person.region_id == "310104003001"
    assert device.status == DeviceStatus.ACTIVE and not device.online and device.last_seen_at is None
    assert len(registered.key) >= 24
    assert device.key_hash == devicekeys.key_hash(registered.key)
    assert registered.key not in str(
        Device.objects.unscoped(reason="test").filter(pk=device.pk).values().get()
    )


def test_a_manufacturers_key_is_taken_and_not_shown(admin, person):
    registered = register(admin, person, key=KEY)
    assert registered.key == ""
    assert devicekeys.key_matches(KEY, registered.device.key_hash)


def test_a_person_of_another_street_is_not_found(street_officer, person):
    other = people_factories.elder(name="湖南路老人", region_code="310104004001")
    actor = factories.user(role="gov_admin", regions=["310104003000"], username="tianping_admin")
    with pytest.raises(NotFound) as refused:
        register(actor, other)
    assert "elder_id" in refused.value.fields
    assert Device.objects.unscoped(reason="test").count() == 0


def test_registering_needs_the_manage_right(street_officer, person):
    with pytest.raises(PermissionDenied):
        register(street_officer, person)


def test_a_duplicate_serial_is_refused_in_chinese(admin, person):
    register(admin, person, serial="WB0001")
    with pytest.raises(InvalidDevice) as refused:
        register(admin, person, serial="WB0001")
    assert refused.value.code == "alarms.device_serial_taken"
    assert "设备编号 WB0001 已登记" in refused.value.message and "serial" in refused.value.fields


def test_a_deceased_person_gets_no_device(admin, person):
    people_services.elder_record_death(
        actor=admin, elder_id=person.pk, date=timezone.localdate(), source="form"
    )
    with pytest.raises(InvalidDevice) as refused:
        register(admin, person)
    assert refused.value.code == "alarms.device_person_not_active"


def test_the_provider_must_be_in_reach_and_a_provider_user_reaches_its_own_devices(
    admin, person, provider_org
):
    foreign = factories.organisation(region_code="310105001001", name="长宁某公司")
    with pytest.raises(NotFound):
        register(admin, person, provider_id=foreign.pk)
    device = register(admin, person, provider_id=provider_org.pk).device
    staff = factories.user(role="provider", organisation=provider_org, username="maintainer")
    assert selectors.device_get(user=staff, device_id=device.pk) == device
    assert (
        services.device_mark_lost(actor=staff, device_id=device.pk, note="丢失").status == DeviceStatus.LOST
    )
    other = register(admin, person, serial="WB0002").device
    with pytest.raises(NotFound):
        services.device_mark_lost(actor=staff, device_id=other.pk)


def test_lost_then_returned_keeps_the_row_its_messages_and_alarms(admin, person):
    device = register(admin, person).device
    DeviceEvent.objects.create(
        device=device,
        elder=person,
        region_id=device.region_id,
        msg_id="m1",
        type="sos",
        device_time=timezone.now(),
        received_at=timezone.now(),
    )
    alarm, _ = alarm_raise(elder=person, device=device, kind=AlarmKind.SOS, at=timezone.now())
    lost = services.device_mark_lost(actor=admin, device_id=device.pk, note="外出遗失")
    assert lost.status == DeviceStatus.LOST and lost.note == "挂失：外出遗失"
    assert services.device_mark_lost(actor=admin, device_id=device.pk).status == DeviceStatus.LOST  # repeat
    returned = services.device_return(actor=admin, device_id=device.pk, note="入住机构")
    assert returned.status == DeviceStatus.RETURNED and returned.status_changed_at is not None
    assert services.device_return(actor=admin, device_id=device.pk).status == DeviceStatus.RETURNED
    assert DeviceEvent.objects.unscoped(reason="test").filter(device=device).count() == 1
    assert Alarm.objects.unscoped(reason="test").get(pk=alarm.pk).device_id == device.pk
    history = selectors.device_history(device=device)
    statuses = [new for line in history for label, _old, new in line.changes if label == "状态"]
    assert statuses[:2] == ["已退还", "遗失"]
    with pytest.raises(InvalidDevice) as refused:
        services.device_mark_lost(actor=admin, device_id=device.pk)
    assert refused.value.code == "alarms.device_not_active"


def test_replace_makes_a_chain_both_ways(admin, person):
    first = register(admin, person, serial="WB0001").device
    second = services.device_replace(actor=admin, device_id=first.pk, serial="WB0002", note="屏幕损坏")
    third = services.device_replace(actor=admin, device_id=second.device.pk, serial="WB0003", kind="one_key")
    first.refresh_from_db()
    assert first.status == DeviceStatus.REPLACED and first.replaced_by_id == second.device.pk
    assert first.note == "更换为 WB0002：屏幕损坏"
    assert second.key and third.device.kind == "one_key" and third.device.elder == person
    assert third.device.installed_on == timezone.localdate()
    file = selectors.device_file(user=admin, device_id=second.device.pk)
    assert [d.serial for d in file.earlier] == ["WB0001"] and [d.serial for d in file.later] == ["WB0003"]
    with pytest.raises(InvalidDevice) as refused:
        services.device_replace(actor=admin, device_id=first.pk, serial="WB0009")
    assert refused.value.code == "alarms.device_not_replaceable"
    with pytest.raises(InvalidDevice) as refused:
        services.device_return(actor=admin, device_id=first.pk)
    assert refused.value.code == "alarms.device_already_replaced"


def test_key_rotation_stops_the_old_key_and_is_audited(admin, person):
    registered = register(admin, person)
    rotated = services.device_key_rotate(actor=admin, device_id=registered.device.pk)
    assert rotated.key and rotated.key != registered.key
    assert devicekeys.key_matches(rotated.key, rotated.device.key_hash)
    assert not devicekeys.key_matches(registered.key, rotated.device.key_hash)
    entry = LogEntry.objects.filter(additional_data__event="device.rotate_key").get()
    assert registered.key not in str(entry.changes) + str(entry.additional_data)
    assert "更换设备密钥" in [line.action for line in selectors.device_history(device=rotated.device)]


def test_update_changes_details_only_within_scope(admin, person, other_street_officer):
    device = register(admin, person).device
    changed = services.device_update(actor=admin, device_id=device.pk, firmware="2.1", heartbeat_seconds=120)
    assert (changed.firmware, changed.heartbeat_seconds) == ("2.1", 120)
    outsider = factories.user(role="gov_admin", regions=["310104004000"], username="hunan_admin")
    with pytest.raises(NotFound):
        services.device_update(actor=outsider, device_id=device.pk, firmware="9")
    with pytest.raises(TypeError):
        services.device_update(actor=admin, device_id=device.pk, serial="X")


def test_devices_follow_their_person_when_they_move(admin, person):
    device = register(admin, person).device
    old = register(admin, person, serial="WB0002").device
    services.device_return(actor=admin, device_id=old.pk)
    people_services.elder_move(
        actor=admin, elder_id=person.pk, region_code="310104004001", date=dt.date.today()
    )
    regions = set(
        Device.objects.unscoped(reason="test").filter(elder=person).values_list("region_id", flat=True)
    )
    assert regions == {"310104004001"}
    tianping = factories.user(role="gov_admin", regions=["310104003000"], username="tianping_admin")
    with pytest.raises(NotFound):
        selectors.device_get(user=tianping, device_id=device.pk)


def test_ingest_flags_are_shown_in_chinese():
    assert selectors.flags_text("clock,late") == "设备时钟偏差、迟到消息"
    assert selectors.flags_text("flood") == "消息过多（已限流）"
    assert selectors.flags_text("mystery") == "其他异常标记" and selectors.flags_text("") == ""
