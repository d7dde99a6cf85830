"""Services' foreign rows for the leak walker: another street's provider with an offering and a caregiver, an
order for a person of that street, its quality alert, follow-up call, complaint, visit report and recurring
plan, and the provider's monthly statement with its exception."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories as people_factories
from yanglao.services.models import (
    Caregiver,
    Complaint,
    FollowUpCall,
    ServiceAlert,
    ServiceItem,
    ServiceOffering,
    ServiceOrder,
    ServicePlan,
    Settlement,
    SettlementException,
    VisitAction,
)


@register
def services_foreign(foreign: Foreign, persona_kind: str) -> None:
    provider = factories.organisation(region_code="310104004001", name=f"{MARKER}服务社", kind="home_service")
    foreign.add(pk=provider.pk, marker=provider.name)
    offering = ServiceOffering.objects.create(
        provider=provider,
        region_id=provider.region_id,
        item=ServiceItem.objects.get(code="SH-ZY"),
        price=Decimal("99.00"),
    )
    offering.areas.set([provider.region])
    foreign.add(pk=offering.pk)
    resident = people_factories.elder(name=f"{MARKER}服务对象", region_code="310104004001")
    foreign.add(pk=resident.pk, marker=resident.name)
    start = timezone.now() + dt.timedelta(days=1)
    order = ServiceOrder.objects.create(
        client_key=f"leak-{persona_kind}-{offering.pk}",
        elder=resident,
        region_id=resident.region_id,
        provider=provider,
        offering=offering,
        item=offering.item,
        quantity=1,
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=1),
        unit_price=offering.price,
        self_pay_yuan=offering.price,
        status="approved",
        channel="advisor",
        placed_by=factories.user(
            role="gov_admin", regions=["310104000000"], username=f"leak_placer_{persona_kind}"
        ),
    )
    foreign.add(pk=order.pk)
    alert = ServiceAlert.objects.create(
        order=order,
        provider=provider,
        region_id=order.region_id,
        kind="no_show",
        message=f"{MARKER}未按时签到",
        raised_at=timezone.now(),
    )
    foreign.add(pk=alert.pk, marker=alert.message)
    call = FollowUpCall.objects.create(
        order=order,
        provider=provider,
        region_id=order.region_id,
        called_by=order.placed_by,
        called_at=timezone.now(),
        reached=True,
        satisfaction="unsatisfied",
        note=f"{MARKER}回访记录",
    )
    foreign.add(pk=call.pk, marker=call.note)
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        order=order,
        elder=resident,
        provider=provider,
        region_id=order.region_id,
        filed_by=order.placed_by,
        filed_at=timezone.now(),
        text=f"{MARKER}投诉内容",
        reply_due=today,
        resolve_due=today,
    )
    foreign.add(pk=complaint.pk, marker=complaint.text)
    # The month's statement of that street's provider, its exception, a visit report and a recurring plan.
    statement = Settlement.objects.create(
        provider=provider,
        month=today.replace(day=1),
        region_id="310104000000",
        provider_region_id=provider.region_id,
        prepared_by=order.placed_by,
        prepared_at=timezone.now(),
        government_yuan=Decimal("12345.67"),
    )
    foreign.add(pk=statement.pk)
    exception = SettlementException.objects.create(
        settlement=statement,
        order=order,
        provider=provider,
        region_id="310104000000",
        provider_region_id=provider.region_id,
        reasons=[{"kind": "no_show", "label": "未按时签到", "message": f"{MARKER}异常原因"}],
    )
    foreign.add(pk=exception.pk)
    worker = factories.user(role="caregiver", organisation=provider, username=f"leak_worker_{persona_kind}")
    caregiver = Caregiver.objects.create(
        user=worker, provider=provider, region_id=provider.region_id, name=f"{MARKER}护理员"
    )
    foreign.add(pk=caregiver.pk, marker=caregiver.name)
    report = VisitAction.objects.create(
        key=f"leak-visit-{persona_kind}-{order.pk}",
        order=order,
        caregiver=caregiver,
        provider=provider,
        region_id=order.region_id,
        kind="check_in",
        phone_time=timezone.now(),
        outcome="refused",
        message=f"{MARKER}签到说明",
    )
    foreign.add(pk=report.pk, marker=report.message)
    plan = ServicePlan.objects.create(
        elder=resident,
        region_id=resident.region_id,
        offering=offering,
        weekdays=[2, 5],
        start_time=dt.time(9),
        starts_on=today,
        created_by=order.placed_by,
    )
    foreign.add(pk=plan.pk)
