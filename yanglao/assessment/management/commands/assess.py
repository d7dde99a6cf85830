"""yanglao assess --instrument CODE FILE.json: score answers without saving; prints the result as JSON.

FILE holds {"answers": {...}, "context": {...}} (an "instrument" key in the file is used when --instrument
is not given).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from yanglao.assessment import instruments, scoring


class Command(BaseCommand):
    help = "按评估量表计分（不保存），输出 JSON"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file, or - for standard input")
        parser.add_argument("--instrument", help=f"one of {', '.join(instruments.all_instruments())}")

    def handle(self, *args, file, instrument, **options):
        try:
            raw = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()
            payload = json.loads(raw)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取 JSON 文件：{exc}") from exc
        code = instrument or payload.get("instrument")
        try:
            data = instruments.get(code)
        except instruments.UnknownInstrument:
            raise CommandError(
                f"未知的评估量表“{code}”（可选：{'、'.join(instruments.all_instruments())}）"
            ) from None
        try:
            result = scoring.score(data, payload.get("answers", {}), payload.get("context", {}))
        except scoring.ScoringError as exc:
            self.stdout.write(
                json.dumps(
                    {"error": "assessment.invalid_answers", "problems": exc.problems}, ensure_ascii=False
                )
            )
            sys.exit(2)
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
