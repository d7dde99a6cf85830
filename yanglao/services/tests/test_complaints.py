"""Complaints: filed by the family (its people's orders only) or an advisor for them, deadlines in working
days, reply and resolve by the provider, the family's rating re-opens a poor resolution, the watcher escalates
missed deadlines; the family's phone pages."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.core.errors import DomainError, NotFound
from yanglao.core.testing import factories
from yanglao.people.models import FamilyLink
from yanglao.services import services
from yanglao.services.models import Complaint, ServiceAlert
from yanglao.services.tests.quality_builders import finished

pytestmark = pytest.mark.django_db

FRIDAY_NOON = timezone.make_aware(dt.datetime(2026, 11, 27, 12))


@pytest.fixture
def family(crew):
    _manager, _workers, order = crew
    user = factories.user(role="family", username="family_son")
    FamilyLink.objects.create(user=user, elder=order.elder, relation="儿子")
    return user


def test_the_family_files_for_its_own_person_with_working_day_deadlines(crew, family):
    _manager, workers, order = crew
    finished(order, workers[0])
    complaint = services.complaint_file(
        actor=family, order_id=order.pk, text="护理员提前离开", at=FRIDAY_NOON
    )
    assert (complaint.status, complaint.elder_id, complaint.provider_id) == (
        "pending",
        order.elder_id,
        order.provider_id,
    )
    assert complaint.reply_due == dt.date(2026, 12, 1)  # two working days after a Friday: Tuesday
    assert complaint.resolve_due == dt.date(2026, 12, 25)
    alert = ServiceAlert.objects.unscoped(reason="test").get(order=order)
    assert alert.kind == "complaint" and "投诉" in alert.message
    assert "护理员提前离开" not in alert.message  # the complaint's words stay on the complaint


def test_a_family_cannot_complain_about_someone_elses_order(crew, street_officer):
    _manager, _workers, order = crew
    stranger = factories.user(role="family", username="family_other")
    with pytest.raises(NotFound):
        services.complaint_file(actor=stranger, order_id=order.pk, text="与我无关")
    advisor = factories.user(role="advisor", regions=["310104003000"], username="advisor_tp")
    assert services.complaint_file(actor=advisor, order_id=order.pk, text="代老人投诉").filed_by == advisor
    with pytest.raises(DomainError) as refused:
        services.complaint_file(actor=advisor, order_id=order.pk, text="长" * 501)
    assert refused.value.code == "services.complaint_text_invalid"


def test_reply_resolve_and_a_poor_rating_reopens(crew, family):
    manager, _workers, order = crew
    complaint = services.complaint_file(actor=family, order_id=order.pk, text="服务不到位")
    with pytest.raises(DomainError) as refused:
        services.complaint_resolve(actor=manager, complaint_id=complaint.pk, resolution="已处理")
    assert refused.value.code == "services.invalid_complaint"  # the state refusal: still 待回复
    with pytest.raises(DomainError):
        services.complaint_rate(actor=family, complaint_id=complaint.pk, rating=5)
    services.complaint_reply(actor=manager, complaint_id=complaint.pk, reply="已约谈护理员")
    done = services.complaint_resolve(actor=manager, complaint_id=complaint.pk, resolution="更换护理员")
    assert done.status == "resolved"
    with pytest.raises(DomainError) as refused:
        services.complaint_rate(actor=family, complaint_id=complaint.pk, rating=0)
    assert refused.value.code == "services.complaint_rating_invalid"
    reopened = services.complaint_rate(actor=family, complaint_id=complaint.pk, rating=2)
    assert (reopened.status, reopened.reopen_count, reopened.resolution_rating) == ("reopened", 1, 2)
    services.complaint_reply(actor=manager, complaint_id=complaint.pk, reply="再次上门致歉")
    services.complaint_resolve(actor=manager, complaint_id=complaint.pk, resolution="退还费用")
    settled = services.complaint_rate(actor=family, complaint_id=complaint.pk, rating=4)
    assert (settled.status, settled.resolution_rating, settled.reopen_count) == ("resolved", 4, 1)


def test_only_the_provider_replies_and_only_the_family_side_rates(
    crew, family, street_officer, provider_staff
):
    manager, _workers, order = crew
    complaint = services.complaint_file(actor=family, order_id=order.pk, text="服务不到位")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.complaint_reply(actor=street_officer, complaint_id=complaint.pk, reply="街道答复")
    with pytest.raises(NotFound):
        services.complaint_reply(actor=provider_staff, complaint_id=complaint.pk, reply="别家机构")
    with pytest.raises(PermissionDenied):
        services.complaint_rate(actor=manager, complaint_id=complaint.pk, rating=5)


def test_missed_deadlines_escalate_and_a_late_reply_keeps_it_escalated(crew, family, street_officer):
    manager, _workers, order = crew
    complaint = services.complaint_file(actor=family, order_id=order.pk, text="无人上门", at=FRIDAY_NOON)
    on_time = timezone.make_aware(dt.datetime(2026, 12, 1, 23))
    assert services.quality_watch(now=on_time)["escalated"] == 0
    late = timezone.make_aware(dt.datetime(2026, 12, 2, 1))
    assert services.quality_watch(now=late)["escalated"] == 1
    assert services.quality_watch(now=late)["escalated"] == 0
    complaint.refresh_from_db()
    assert complaint.status == "escalated" and complaint.escalated_at == late
    replied = services.complaint_reply(actor=manager, complaint_id=complaint.pk, reply="已联系家属")
    assert replied.status == "escalated" and replied.reply == "已联系家属"
    assert services.complaint_resolve(actor=street_officer, complaint_id=complaint.pk, resolution="督办完成")
    assert Complaint.objects.unscoped(reason="test").get(pk=complaint.pk).status == "resolved"


def test_a_replied_complaint_escalates_when_the_resolve_day_passes(crew, family):
    manager, _workers, order = crew
    complaint = services.complaint_file(actor=family, order_id=order.pk, text="无人上门", at=FRIDAY_NOON)
    services.complaint_reply(actor=manager, complaint_id=complaint.pk, reply="已联系")
    assert services.quality_watch(now=timezone.make_aware(dt.datetime(2026, 12, 25, 20)))["escalated"] == 0
    assert services.quality_watch(now=timezone.make_aware(dt.datetime(2026, 12, 26, 9)))["escalated"] == 1


# ---------------------------------------------------------------- the family's pages


def test_the_family_files_and_rates_on_its_phone_pages(client, crew, family):
    manager, _workers, order = crew
    client.force_login(family)
    page = client.get(f"/services/complaints/new/?order={order.pk}")
    assert page.status_code == 200 and "投诉内容" in page.content.decode()
    empty = client.post(f"/services/complaints/new/?order={order.pk}", {"text": ""})
    assert empty.status_code == 422 and "这个字段是必填项" in empty.content.decode()
    response = client.post(f"/services/complaints/new/?order={order.pk}", {"text": "护理员态度差"})
    complaint = Complaint.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and response["Location"] == f"/services/complaints/{complaint.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "待回复" in detail and "暂无答复" in detail and "rate-form" not in detail
    services.complaint_reply(actor=manager, complaint_id=complaint.pk, reply="已批评教育")
    services.complaint_resolve(actor=manager, complaint_id=complaint.pk, resolution="更换护理员")
    detail = client.get(f"/services/complaints/{complaint.pk}/").content.decode()
    assert "已批评教育" in detail and "rate-form" in detail and "reply-form" not in detail
    assert client.post(f"/services/complaints/{complaint.pk}/", {"action": "rate"}).status_code == 422
    client.post(f"/services/complaints/{complaint.pk}/", {"action": "rate", "rating": "1"})
    assert Complaint.objects.unscoped(reason="test").get().status == "reopened"
    assert client.get("/services/complaints/new/?order=abc").status_code == 404


def test_another_family_gets_404_on_the_pages(client, crew, family):
    _manager, _workers, order = crew
    complaint = services.complaint_file(actor=family, order_id=order.pk, text="投诉")
    client.force_login(factories.user(role="family", username="family_other"))
    assert client.get(f"/services/complaints/new/?order={order.pk}").status_code == 404
    assert client.get(f"/services/complaints/{complaint.pk}/").status_code == 404


def test_the_provider_replies_on_the_desktop_detail(client, crew, family):
    manager, _workers, order = crew
    complaint = services.complaint_file(actor=family, order_id=order.pk, text="投诉")
    client.force_login(manager)
    listing = client.get("/services/complaints/").content.decode()
    assert f'data-complaint="{complaint.pk}"' in listing
    assert (
        client.post(f"/services/complaints/{complaint.pk}/", {"action": "reply", "reply": ""}).status_code
        == 422
    )
    response = client.post(f"/services/complaints/{complaint.pk}/", {"action": "reply", "reply": "已处理"})
    assert response.status_code == 302
    assert Complaint.objects.unscoped(reason="test").get().status == "replied"
