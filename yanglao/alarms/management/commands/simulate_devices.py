"""``yanglao simulate-devices [--devices N] [--rate R] [--seconds S] [--via mqtt|http] [--create]``: realistic
device traffic for demos and load tests (``alarms/simulation.py``): heartbeats every few minutes per device,
vital signs, door and motion, rarely an SOS or a fall. ``--create`` first registers the simulated devices
``SIM-…`` for people in the acting user's scope (keys derived from the server's secret, so only this
simulator knows them). Messages go to the MQTT broker (``--url mqtt://…``, default ``MQTT_URL``) or to the HTTP
endpoint (``--url http://127.0.0.1:8000``)."""

import http.client
import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yanglao.alarms import mqtt, simulation
from yanglao.alarms.selectors import ingest as selectors
from yanglao.alarms.services import ingest as ingest_services
from yanglao.core.errors import DomainError
from yanglao.core.management.actors import USER_HELP, audited, command_actor


class Command(BaseCommand):
    help = "模拟智能设备上报（心跳、体征、门磁、偶发呼救和跌倒），用于演示和压力测试"

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=100, help="模拟设备数（默认 100）")
        parser.add_argument("--rate", type=float, default=0, help="每秒消息数（默认：每台设备每分钟一条）")
        parser.add_argument("--seconds", type=float, default=60, help="持续秒数（默认 60；0 表示直到中断）")
        parser.add_argument("--via", choices=["mqtt", "http"], default="mqtt", help="经 MQTT 或 HTTP 上报")
        parser.add_argument("--url", default="", help="MQTT 或 HTTP 服务地址")
        parser.add_argument("--prefix", default=mqtt.DEFAULT_PREFIX, help="MQTT 主题前缀（默认 yanglao）")
        parser.add_argument("--create", action="store_true", help="先为辖区内老人登记模拟设备（已有的保留）")
        parser.add_argument("--seed", type=int, default=None, help="随机种子（便于复现）")
        parser.add_argument("--user", default=None, help=USER_HELP)

    @audited
    def handle(self, *args, **options):
        count = options["devices"]
        if count < 1:
            raise CommandError("--devices 至少为 1", returncode=2)
        secret = settings.SECRET_KEY
        if options["create"]:
            try:
                made = ingest_services.simulated_devices_register(
                    actor=command_actor(options["user"]), count=count, secret=secret
                )
            except DomainError as exc:
                raise CommandError(exc.message, returncode=2) from exc
            self.stdout.write(f"模拟设备：新登记 {made['created']} 台，已有 {made['existing']} 台")
        devices = selectors.simulated_devices(secret=secret, limit=count)
        if not devices:
            raise CommandError("没有模拟设备：请先加 --create 登记", returncode=2)
        rate = options["rate"] or max(1.0, len(devices) / 60)
        traffic = simulation.Traffic(devices, seed=options["seed"])
        send, close = self._sender(options)
        sent, kinds = 0, {"sos": 0, "fall": 0}
        started = time.monotonic()
        try:
            while True:
                elapsed = time.monotonic() - started
                if options["seconds"] and elapsed >= options["seconds"]:
                    break
                now = timezone.now()
                for _ in range(int(elapsed * rate) - sent):
                    device, payload = traffic.next_message(now)
                    send(device.serial, payload)
                    sent += 1
                    if payload["type"] in kinds:
                        kinds[payload["type"]] += 1
                time.sleep(0.005)
        except KeyboardInterrupt:
            pass
        finally:
            close()
        took = time.monotonic() - started
        self.stdout.write(
            f"已发送 {sent} 条（{sent / max(took, 0.001):.0f} 条/秒，{len(devices)} 台设备），"
            f"其中紧急呼救 {kinds['sos']} 条、跌倒 {kinds['fall']} 条"
        )

    def _sender(self, options):
        if options["via"] == "mqtt":
            url = options["url"] or settings.MQTT_URL or mqtt.DEFAULT_URL
            try:
                client = mqtt.publisher(url)
            except (ValueError, OSError) as exc:
                raise CommandError(f"无法连接 MQTT 服务：{exc}", returncode=2) from exc
            infos = []

            def send(serial, payload):
                info = client.publish(
                    mqtt.device_topic(serial, options["prefix"]), json.dumps(payload), qos=1
                )
                infos.append(info)
                if len(infos) > 10_000:
                    del infos[:5_000]

            def close():
                for info in infos[-100:]:
                    info.wait_for_publish(10)
                client.disconnect()
                client.loop_stop()

            return send, close
        parts = urlsplit(options["url"] or "http://127.0.0.1:8000")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError("HTTP 地址无效，应如 http://127.0.0.1:8000", returncode=2)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.hostname, parts.port, timeout=10)

        def send(serial, payload):
            body = json.dumps({**payload, "device_id": serial})
            connection.request("POST", "/api/v1/devices/events", body, {"Content-Type": "application/json"})
            connection.getresponse().read()

        return send, connection.close
