"""Device pages and API: the kit's list and detail contracts, the key shown once (page and API) and never
echoed, refusals as 422 in Chinese, lost / return / replace / new key from the device page, the person
page's panel."""

import re

import pytest

from yanglao.alarms import devicekeys
from yanglao.alarms.models import Device
from yanglao.alarms.services import devices as services
from yanglao.alarms.tests.builders import device as build_device
from yanglao.core.testing import factories
from yanglao.core.testing.contracts import DetailContract, ListContract, unique_name
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    """The street's government administrator: may manage devices in 天平路."""
    return factories.user(role="gov_admin", regions=["310104003000"], username="tianping_admin")


class TestDeviceList(ListContract):
    url = "/alarms/devices/"
    api_url = "/api/v1/devices"
    api_name_key = "serial"
    export_url = "/alarms/devices/export/"
    permission = "alarms.view_device"
    max_queries = 10  # measured: a page of devices with their people, communities and providers

    def make(self, n, region_code):
        elder = people_factories.elder(name="设备列表老人", region_code=region_code)
        serials = []
        for _ in range(n):
            serial = "L" + unique_name("")[-2:].encode().hex()
            build_device(elder, serial=serial)
            serials.append(serial)
        return serials


class TestDeviceDetail(DetailContract):
    permission = "alarms.view_device"

    def make(self, region_code):
        elder = people_factories.elder(name="设备详情老人", region_code=region_code)
        return build_device(elder, serial="D" + unique_name("")[-2:].encode().hex())

    def url_for(self, obj):
        return f"/alarms/devices/{obj.pk}/"

    def api_url_for(self, obj):
        return f"/api/v1/devices/{obj.pk}"

    def shown(self, obj):
        return obj.serial


def _form(**extra):
    return {"kind": "wristband", "serial": "WB7001", "heartbeat_seconds": "300", **extra}


def test_registering_from_the_person_page_shows_the_key_once(client, admin, person):
    client.force_login(admin)
    page = client.get(f"/alarms/devices/new/?elder={person.pk}")
    assert page.status_code == 200 and "王秀英" in page.content.decode()
    response = client.post(f"/alarms/devices/new/?elder={person.pk}", _form())
    assert response.status_code == 200
    key = re.search(r'data-testid="device-key">([^<]+)<', response.content.decode()).group(1)
    device = Device.objects.unscoped(reason="test").get(serial="WB7001")
    assert devicekeys.key_matches(key, device.key_hash) and device.elder == person
    detail = client.get(f"/alarms/devices/{device.pk}/").content.decode()
    assert key not in detail and "WB7001" in detail


def test_registering_by_id_number_and_refusals_in_chinese(client, admin, person, other_street_officer):
    client.force_login(admin)
    assert client.post("/alarms/devices/new/", _form(id_number=person.id_number)).status_code == 200
    again = client.post("/alarms/devices/new/", _form(id_number=person.id_number))
    assert again.status_code == 422 and "设备编号 WB7001 已登记" in again.content.decode()
    other = people_factories.elder(name="湖南路老人", region_code="310104004001")
    foreign = client.post("/alarms/devices/new/", _form(id_number=other.id_number, serial="WB7002"))
    assert foreign.status_code == 422 and "未找到该公民身份号码的老人" in foreign.content.decode()
    missing = client.post("/alarms/devices/new/", _form(serial="WB7003"))
    assert missing.status_code == 422 and "请填写老人的公民身份号码" in missing.content.decode()
    assert client.get(f"/alarms/devices/new/?elder={other.pk}").status_code == 404


def test_a_refused_key_is_never_echoed(client, admin, person):
    client.force_login(admin)
    typed = "bad key with spaces 123"
    response = client.post(f"/alarms/devices/new/?elder={person.pk}", _form(key=typed))
    body = response.content.decode()
    assert response.status_code == 422 and "16–128 位可见字符" in body and typed not in body


def test_lost_return_replace_and_key_from_the_device_page(client, admin, person):
    device = services.device_register(actor=admin, elder_id=person.pk, kind="wristband", serial="WB1").device
    client.force_login(admin)
    refused = client.post(f"/alarms/devices/{device.pk}/lost/", {"note": ""})
    assert refused.status_code == 422 and "挂失说明" in refused.content.decode()
    assert client.post(f"/alarms/devices/{device.pk}/lost/", {"note": "遗失"}).status_code == 302
    key_page = client.post(f"/alarms/devices/{device.pk}/key/", {"key": ""})
    assert key_page.status_code == 200 and "设备密钥已更换" in key_page.content.decode()
    replaced = client.post(
        f"/alarms/devices/{device.pk}/replace/", {"serial": "WB2", "heartbeat_seconds": "300"}
    )
    assert replaced.status_code == 200 and 'data-testid="device-key"' in replaced.content.decode()
    device.refresh_from_db()
    assert device.status == "replaced" and device.replaced_by.serial == "WB2"
    detail = client.get(f"/alarms/devices/{device.replaced_by_id}/").content.decode()
    assert "原设备 WB1" in detail and "更换原设备 WB1" in detail
    returned = client.post(f"/alarms/devices/{device.replaced_by_id}/return/", {"note": "入住机构"})
    assert returned.status_code == 302
    assert client.post(f"/alarms/devices/{device.pk}/nonsense/", {}).status_code == 404


def test_writes_on_another_streets_device_are_404_and_change_nothing(client, admin):
    other = people_factories.elder(name="湖南路老人", region_code="310104004001")
    theirs = build_device(other, serial="THEIRS1")
    client.force_login(admin)
    for url, data in (
        (f"/alarms/devices/{theirs.pk}/lost/", {"note": "x"}),
        (f"/alarms/devices/{theirs.pk}/return/", {"note": "x"}),
        (f"/alarms/devices/{theirs.pk}/key/", {"key": ""}),
        (f"/alarms/devices/{theirs.pk}/replace/", {"serial": "NEW1", "heartbeat_seconds": "300"}),
        (f"/alarms/devices/{theirs.pk}/edit/", {"heartbeat_seconds": "60"}),
    ):
        assert client.post(url, data).status_code == 404, url
    fresh = Device.objects.unscoped(reason="test").get(pk=theirs.pk)
    assert (fresh.status, fresh.key_hash, fresh.heartbeat_seconds) == ("active", theirs.key_hash, 300)
    assert not Device.objects.unscoped(reason="test").filter(serial="NEW1").exists()


def test_the_person_page_panel_lists_devices(client, admin, person):
    build_device(person, serial="PANEL1")
    client.force_login(admin)
    panel = client.get(f"/elders/{person.pk}/devices/").content.decode()
    assert "PANEL1" in panel and f"/alarms/devices/new/?elder={person.pk}" in panel


def test_the_api_registers_with_the_key_in_the_answer_only(client, admin, person):
    client.force_login(admin)
    body = {"elder_id": person.pk, "kind": "one_key", "serial": "API1"}
    made = client.post("/api/v1/devices", body, content_type="application/json")
    assert made.status_code == 201, made.content
    key = made.json()["key"]
    device_id = made.json()["id"]
    assert key and client.get(f"/api/v1/devices/{device_id}").json().get("key") is None
    bad = client.post("/api/v1/devices", {**body, "serial": "a/b"}, content_type="application/json")
    assert bad.status_code == 422 and "设备编号应为" in bad.json()["message"]
    taken = client.post("/api/v1/devices", body, content_type="application/json")
    assert taken.status_code == 422 and taken.json()["code"] == "alarms.device_serial_taken"
    patched = client.patch(
        f"/api/v1/devices/{device_id}", {"firmware": "3.0"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["firmware"] == "3.0"
    lost = client.post(f"/api/v1/devices/{device_id}/lost", {"note": "丢"}, content_type="application/json")
    assert lost.json()["status"] == "lost"
    replaced = client.post(
        f"/api/v1/devices/{device_id}/replace", {"serial": "API2"}, content_type="application/json"
    )
    assert replaced.status_code == 201 and replaced.json()["key"]
    rotated = client.post(f"/api/v1/devices/{replaced.json()['id']}/key", {}, content_type="application/json")
    assert rotated.status_code == 200 and rotated.json()["key"]
    back = client.post(f"/api/v1/devices/{device_id}/return", {}, content_type="application/json")
    assert back.status_code == 422 and back.json()["code"] == "alarms.device_already_replaced"


def test_the_export_carries_no_key(client, admin, person):
    registered = services.device_register(actor=admin, elder_id=person.pk, kind="wristband", serial="EXP1")
    client.force_login(admin)
    response = client.get("/alarms/devices/export/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "EXP1" in text and "王秀英" in text and registered.key not in text
    assert registered.device.key_hash not in text and person.id_number not in text
