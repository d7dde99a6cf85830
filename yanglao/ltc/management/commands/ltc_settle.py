"""``yanglao ltc-settle --month YYYY-MM [--region CODE] [--json]``: every designated provider's LTC statement
for the month, prepared (or recomputed while a draft) as the system account; approved ones are reported as
they stand. ``--json`` prints ``[{"provider", "plans", "delivered_visits", "hours", "days", "total_yuan",
"fund_yuan", "personal_yuan", "status"}]`` with amounts as decimal strings. A bad month exits with 2."""

import json

from django.core.management.base import BaseCommand, CommandError

from yanglao.core.errors import DomainError
from yanglao.core.management.actors import audited
from yanglao.ltc import services


class Command(BaseCommand):
    help = "生成某月各定点服务机构的长护险结算单（--month YYYY-MM）"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="结算月份，如 2026-11")
        parser.add_argument("--region", default="", help="只处理该区划内的机构")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    @audited
    def handle(self, *args, month, region, as_json: bool, **options):
        try:
            rows = services.settle_all(month=month, region_code=region)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        out = [
            {
                "provider": s.provider_id,
                "plans": s.plans,
                "delivered_visits": s.delivered_visits,
                "hours": f"{s.hours:.2f}",
                "days": s.days,
                "total_yuan": f"{s.total_yuan:.2f}",
                "fund_yuan": f"{s.fund_yuan:.2f}",
                "personal_yuan": f"{s.personal_yuan:.2f}",
                "status": s.status,
            }
            for s in rows
        ]
        if as_json:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"长护险结算单 {len(out)} 张")
        for r in out:
            self.stdout.write(
                f"{r['provider']}\t计划 {r['plans']}\t上门 {r['delivered_visits']}\t{r['total_yuan']} 元\t基金 {r['fund_yuan']} 元"
            )
