"""yanglao import-elders FILE [--dry-run] [--json] [--user NAME] [--deaths]

Same service as the browser upload; runs in the foreground. ``--json`` prints one object:
{"rows", "created", "updated", "unchanged", "rejected", "errors": [{"row", "column", "reason"}],
"errors_truncated", "errors_total"} (the list keeps the first 1,000 problems; the workbook has all).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from yanglao.core.errors import DomainError
from yanglao.core.management.actors import USER_HELP, audited, command_actor
from yanglao.people import services


class Command(BaseCommand):
    help = "导入老年人信息（.xlsx/.csv），按公民身份号码更新；--deaths 导入死亡名单交换文件"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and compare, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
        parser.add_argument("--user", help=USER_HELP)
        parser.add_argument("--deaths", action="store_true", help="the file is a death-list exchange file")
        parser.add_argument("--errors-xlsx", help="also write every bad row to this workbook")

    @audited
    def handle(self, *args, file, dry_run, json: bool, user, deaths, errors_xlsx, **options):
        actor = command_actor(user)
        try:
            if deaths:
                result = services.death_list_import(actor=actor, path=file, dry_run=dry_run)
            else:
                result = services.elder_import_file(
                    actor=actor, path=file, dry_run=dry_run, report_path=errors_xlsx
                )
        except DomainError as exc:
            if json:
                self.stdout.write(_json({"error": exc.code, "message": exc.message}))
                sys.exit(2)
            raise CommandError(exc.message) from exc
        if json:
            payload = result.as_json()
            if deaths:
                payload["unmatched"] = result.unmatched
            self.stdout.write(_json(payload))
            return
        self.stdout.write(
            f"共 {result.rows} 行：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，"
            f"错误 {result.rejected}" + ("（仅校验，未写入）" if dry_run else "")
        )
        for err in result.errors[:50]:
            self.stdout.write(f"  第 {err['row']} 行 {err['column']}：{err['reason']}")
        if result.errors_total > 50:
            self.stdout.write(
                f"  ……共 {result.errors_total} 处错误，仅列出前 50 处（--errors-xlsx 可输出全部）"
            )
        if result.rows == 0:
            self.stdout.write("文件只有表头，没有数据行")
        if deaths and result.unmatched:
            self.stdout.write(
                f"未匹配的身份证号 {len(result.unmatched)} 个：" + "、".join(result.unmatched[:50])
            )


def _json(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)
