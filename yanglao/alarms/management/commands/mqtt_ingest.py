"""``yanglao mqtt-ingest [--url mqtt://127.0.0.1:1883] [--group ingest] [--client-id …]``: take device messages
from the broker until stopped (SIGTERM or Ctrl-C finish the current batches first; ``kill -9`` loses nothing,
see ``alarms/mqtt.py``). Run several with the same group to share the load; give each its own client id, and
keep an ingester's client id across restarts so it resumes its session."""

import signal
import socket
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yanglao.alarms import mqtt


class Command(BaseCommand):
    help = "从 MQTT 接收设备消息并入库（共享订阅，可多个进程同时运行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="", help="MQTT 服务地址（默认取 MQTT_URL，否则 mqtt://127.0.0.1:1883）"
        )
        parser.add_argument("--group", default="ingest", help="共享订阅组名（同组进程分担消息）")
        parser.add_argument(
            "--client-id", default="", help="客户端编号（每个进程不同，重启后保持不变以续接会话）"
        )
        parser.add_argument("--prefix", default=mqtt.DEFAULT_PREFIX, help="主题前缀（默认 yanglao）")
        parser.add_argument("--batch-size", type=int, default=500, help="每批最多条数（默认 500）")
        parser.add_argument("--batch-wait", type=float, default=0.05, help="凑批最长等待秒数（默认 0.05）")
        parser.add_argument(
            "--session-expiry", type=int, default=86400, help="断开后会话保留秒数（默认 86400）"
        )
        parser.add_argument("--report-every", type=float, default=60.0, help="每隔多少秒记录一次计数")
        parser.add_argument("--profile", default="", help="（开发用）各线程的 cProfile 结果写入此目录")

    def handle(self, *args, **options):
        url = options["url"] or settings.MQTT_URL or mqtt.DEFAULT_URL
        group = options["group"]
        client_id = options["client_id"] or f"yanglao-ingest-{socket.gethostname()}-{group}"[:64]
        try:
            ingester = mqtt.Ingester(
                url=url,
                group=group,
                client_id=client_id,
                prefix=options["prefix"],
                batch_size=max(1, options["batch_size"]),
                batch_wait=max(0.0, options["batch_wait"]),
                session_expiry=max(0, options["session_expiry"]),
                profile_dir=options["profile"],
            )
        except ValueError as exc:
            raise CommandError(f"MQTT 地址无效：{exc}") from exc
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        self.stderr.write(f"设备消息接入：{mqtt.broker(url)[0]}，共享订阅组 {group}，客户端 {client_id}")
        ingester.run(stop, report_every=options["report_every"])
        totals = ingester.totals
        self.stderr.write(
            f"已停止：共接收 {totals.received} 条，受理 {totals.accepted}，重复 {totals.duplicates}，"
            f"拒收 {totals.rejected}，报警 {totals.alarms}"
        )
