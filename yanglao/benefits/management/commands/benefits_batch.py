"""``yanglao benefits-batch --month YYYY-MM [--region CODE] [--dry-run] [--json]``: prepare (编制) a month's
payment batch as the system account, or with ``--dry-run`` only work it out.

``--json`` prints ``{"month", "region", "payments", "total_yuan", "by_policy": [{"code", "people",
"total_yuan"}], "stopped", "recoveries"}`` (amounts as decimal strings); without it, a summary in Chinese.
Without ``--region`` the batch covers the smallest division holding every registered person. A refusal
(a bad month, an approved batch, an overlapping one) is an error with exit code 2. Approval stays with a
person on the batch page (maker-checker).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from yanglao.benefits import services
from yanglao.core import audit
from yanglao.core.errors import DomainError
from yanglao.core.management.actors import audited

KEYS = ("month", "region", "payments", "total_yuan", "by_policy", "stopped", "recoveries")


class Command(BaseCommand):
    help = "编制某月补贴发放批次（--month YYYY-MM），--dry-run 只试算"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="发放月份，如 2026-11")
        parser.add_argument("--region", default="", help="区划代码（默认：覆盖全部登记老人的最小区划）")
        parser.add_argument("--dry-run", action="store_true", help="只试算，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    @audited
    def handle(self, *args, month, region, dry_run: bool, as_json: bool, **options):
        actor = audit.system_actor()
        try:
            code = region or services.default_region()
            if dry_run:
                figures = services.batch_preview(actor=actor, month=month, region_code=code)
            else:
                batch = services.batch_prepare(actor=actor, month=month, region_code=code)
                figures = {
                    "month": f"{batch.month:%Y-%m}",
                    "region": batch.region_id,
                    "payments": batch.payments,
                    "total_yuan": f"{batch.total_yuan:.2f}",
                    "by_policy": batch.by_policy,
                    "stopped": batch.stopped,
                    "recoveries": batch.recoveries,
                }
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if as_json:
            out = {k: figures[k] for k in KEYS}
            out["by_policy"] = [
                {k: p[k] for k in ("code", "people", "total_yuan")} for p in figures["by_policy"]
            ]
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        head = "试算" if dry_run else "已编制（待另一人审批）"
        self.stdout.write(f"{figures['month']} {figures['region']} 补贴发放批次{head}")
        self.stdout.write(
            f"发放 {figures['payments']} 笔，合计 {figures['total_yuan']} 元；停发 {figures['stopped']} 人次；新增追回 {figures['recoveries']} 笔"
        )
        for p in figures["by_policy"]:
            self.stdout.write(
                f"  {p.get('name', p['code'])}（{p['code']}）\t{p['people']} 人\t{p['total_yuan']} 元"
            )
