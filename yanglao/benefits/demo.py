"""Demo benefits for the Xuhui profile: Beijing's published allowance figures put on the district (labelled
as such), payee accounts for most people, approved claims for most of the assessed, the batches of the two
months before last prepared by ``xuhui_admin`` and approved by ``xuhui_finance`` (maker-checker), last
month's left for the official to prepare, and one death arriving late from the public-security list so
that last month's batch finds its recoveries. Deterministic for a given seed; idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.benefits import services
from yanglao.benefits.choices import Applicant, ApplicationStatus
from yanglao.benefits.models import BenefitApplication, BenefitPolicy, PayeeAccount, Payment
from yanglao.core import audit, demo, months
from yanglao.core import services as core_services
from yanglao.core.crypto import blind_index
from yanglao.core.models import User
from yanglao.people import services as people_services
from yanglao.people.choices import ElderStatus, EventSource
from yanglao.people.identity import birthday_years_ago
from yanglao.people.models import Elder

BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "上海农商银行")


def _history(at: dt.datetime, *, approved: bool) -> list[dict]:
    steps = [("submit", "受理申请", "")]
    if approved:
        steps += [("street_pass", "街道初审通过", "材料齐全"), ("district_pass", "区县审核通过", "同意")]
    return [
        {
            "at": f"{at + dt.timedelta(days=3 * i):%Y-%m-%d %H:%M}",
            "user": "演示数据",
            "action": a,
            "label": label,
            "note": note,
        }
        for i, (a, label, note) in enumerate(steps)
    ]


@demo.step("benefits", needs=("people", "accounts", "assessments", "facilities", "services_family"))
def seed_benefits(ctx: demo.SeedContext) -> None:
    maker = User.objects.filter(username="xuhui_admin").first()
    if maker is None:
        return
    checker = User.objects.filter(username="xuhui_finance").first() or core_services.user_create(
        actor=None,
        username="xuhui_finance",
        password=demo.DEMO_PASSWORD,
        role="gov_admin",
        full_name="徐汇区民政局 财务科 何科长",
        region_codes=[demo.XUHUI],
    )
    ctx.accounts.append(("民政管理员（复核）", "xuhui_finance", "徐汇区"))
    if BenefitPolicy.objects.unscoped(reason="demo seed").filter(region_id=demo.XUHUI).exists():
        ctx.log("福利补贴：已有，跳过")
        return
    rng = ctx.rng
    today = timezone.localdate()
    first = today.replace(day=1)
    with transaction.atomic(), audit.acting_as(None, via="seed"):
        services.policies_load(
            actor=audit.system_actor(), region_code=demo.XUHUI, effective_from=months.months_back(first, 12)
        )
        people = Elder.objects.unscoped(reason="demo seed").filter(
            region__gte=demo.XUHUI, region__lt="310105000000", status=ElderStatus.ACTIVE
        )
        accounts, claims = [], []
        for pk, name, region, level, instrument in people.values_list(
            "pk", "name", "region_id", "ability_level", "ability_instrument"
        ).order_by("pk"):
            if rng.random() < 0.96:
                number = f"6222{rng.randrange(10**14, 10**15)}"
                accounts.append(
                    PayeeAccount(
                        elder_id=pk,
                        region_id=region,
                        bank=rng.choice(BANKS),
                        account_number=number,
                        account_hash=blind_index(number),
                        account_last4=number[-4:],
                        holder_name=name,
                    )
                )
            if instrument == "gbt42195-2022" and level and rng.random() < 0.75:
                claims.append((pk, region))
        PayeeAccount.objects.bulk_create(accounts, batch_size=2000)
        policy = BenefitPolicy.objects.unscoped(reason="demo seed").get(
            region_id=demo.XUHUI, code="disability_care_subsidy"
        )
        at = timezone.now() - dt.timedelta(days=120)
        BenefitApplication.objects.bulk_create(
            [
                BenefitApplication(
                    elder_id=pk,
                    region_id=region,
                    policy_code=policy.code,
                    policy_name=policy.name,
                    applicant=rng.choice([Applicant.SELF, Applicant.FAMILY, Applicant.COMMUNITY]),
                    applicant_name="家属" if n % 3 else "本人",
                    documents=["身份证", "户口簿", "能力评估报告", "银行卡"],
                    status=ApplicationStatus.APPROVED if n % 10 else ApplicationStatus.SUBMITTED,
                    submitted_by=maker,
                    submitted_at=at,
                    history=_history(at, approved=bool(n % 10)),
                )
                for n, (pk, region) in enumerate(claims)
            ],
            batch_size=2000,
        )
    for back in (3, 2):
        month = months.months_back(first, back)
        batch = services.batch_prepare(actor=maker, month=month, region_code=demo.XUHUI)
        services.batch_approve(actor=checker, batch_id=batch.pk)
    # A death from the public-security exchange file, arriving after two months were paid for the person.
    paid = months.months_back(first, 3)
    late = (
        Payment.objects.unscoped(reason="demo seed")
        .filter(
            month=paid,
            policy_code="oldest_old_allowance",
            elder__birth_date__lte=birthday_years_ago(today, 85),
        )
        .order_by("elder_id")
        .values_list("elder_id", flat=True)
        .first()
    )
    if late is not None:
        people_services.elder_record_death(
            actor=maker,
            elder_id=late,
            date=paid + dt.timedelta(days=10),
            source=EventSource.PUBLIC_SECURITY,
            note="公安户籍交换死亡名单（演示：晚于发放取得）",
        )
    ctx.log(
        f"福利补贴：北京标准 3 项政策（演示），发放账户 {len(accounts)} 个，失能护理补贴申请 {len(claims)} 件；"
        f"{months.months_back(first, 3):%Y年%m月}、{months.months_back(first, 2):%Y年%m月}批次已审批，上月批次待编制"
    )
