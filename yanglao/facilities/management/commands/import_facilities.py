"""yanglao import-facilities FILE [--user NAME] [--json] [--dry-run]: register a facility list; report each
bad row."""

import json

from django.core.management.base import BaseCommand, CommandError

from yanglao.core.errors import DomainError
from yanglao.core.management.actors import USER_HELP, audited, command_actor
from yanglao.facilities.importing import COLUMNS, facility_import_file


class Command(BaseCommand):
    help = "批量导入养老设施（.xlsx/.csv，表头：" + "、".join(COLUMNS) + "）；逐行报告错误，正确的行照常登记"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help=USER_HELP)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--dry-run", action="store_true", help="validate every row, register nothing")

    @audited
    def handle(self, *args, file, user, json: bool, dry_run: bool, **options):
        actor = command_actor(user)
        try:
            result = facility_import_file(actor=actor, path=file, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if json:
            payload = {"rows": result.rows, "created": result.created, "problems": result.problems}
            self.stdout.write(_dumps(payload))
            return
        for p in result.problems:
            self.stderr.write(f"第 {p['row']} 行 {p['column']}：{p['reason']}")
        self.stdout.write(
            f"设施：共 {result.rows} 行，登记 {result.created}，有误 {len(result.problems)}"
            + ("（仅校验，未写入）" if dry_run else "")
        )


def _dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)
