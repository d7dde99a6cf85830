"""``yanglao settlement --month YYYY-MM [--provider ID] [--json]``: the month's settlements, one per provider.

Providers with orders in the month (or the one named) that have no settlement yet get a draft, made as the
system account; existing ones are reported as they stand (a submitted or approved one is never recomputed
here). ``--json`` prints a list of ``{"provider", "orders", "confirmed", "exceptions", "government_yuan",
"self_pay_yuan", "status"}`` with amounts as decimal strings; without it, a table in Chinese. A bad month is
an error with exit code 2.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from yanglao.core import audit
from yanglao.core.errors import DomainError
from yanglao.core.management.actors import audited
from yanglao.services import selectors, services
from yanglao.services.choices import SettlementStatus
from yanglao.services.services.settlement import month_parse

LABELS = dict(SettlementStatus.choices)


class Command(BaseCommand):
    help = "生成或查看某月各服务机构的结算单（--month YYYY-MM）"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="结算月份，如 2026-03")
        parser.add_argument("--provider", type=int, default=None, help="只处理该服务机构（编号）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    @audited
    def handle(self, *args, month, provider, as_json: bool, **options):
        try:
            first = month_parse(month)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        actor = audit.system_actor()
        rows = []
        for provider_id in selectors.settlement_providers(month=first, provider_id=provider):
            settlement = selectors.settlement_for_month(provider_id=provider_id, month=first)
            if settlement is None:
                try:
                    settlement = services.settlement_prepare(
                        actor=actor, provider_id=provider_id, month=first
                    )
                except DomainError as exc:
                    raise CommandError(f"机构 {provider_id}：{exc.message}", returncode=2) from exc
            rows.append(settlement)
        if as_json:
            self.stdout.write(_json([_row(s) for s in rows]))
            return
        if not rows:
            self.stdout.write(f"{first:%Y年%m月}没有需要结算的服务机构")
            return
        self.stdout.write(f"{first:%Y年%m月}结算单（共 {len(rows)} 家服务机构）")
        self.stdout.write("机构编号\t服务机构\t工单数\t已确认\t异常\t政府支付（元）\t个人支付（元）\t状态")
        for s in rows:
            self.stdout.write(
                f"{s.provider_id}\t{s.provider.name}\t{s.orders}\t{s.confirmed}\t{s.exceptions}\t"
                f"{s.government_yuan:.2f}\t{s.self_pay_yuan:.2f}\t{LABELS[s.status]}"
            )


def _row(s) -> dict:
    return {
        "provider": s.provider_id,
        "orders": s.orders,
        "confirmed": s.confirmed,
        "exceptions": s.exceptions,
        "government_yuan": f"{s.government_yuan:.2f}",
        "self_pay_yuan": f"{s.self_pay_yuan:.2f}",
        "status": s.status,
    }


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
