"""Device ingestion: the shipped default alarm rules (系统默认值, reference data every database holds, from
alarms/rules.py; the reference loader ``alarms.rules`` puts them back into a database emptied by tests), and a
device table every message updates cheaply: no index on ``last_seen_at`` and, on PostgreSQL, room in each
page (fillfactor 80) so those updates stay HOT (heap-only, no index writes)."""

from django.db import migrations


def load(apps, schema_editor):
    from yanglao.alarms import rules

    rule_model = apps.get_model("alarms", "AlarmRule")
    for kind, rule in rules.DEFAULTS.items():
        rule_model.objects.update_or_create(
            kind=kind,
            region=None,
            elder=None,
            defaults={
                "threshold": rule.threshold,
                "duration_seconds": rule.duration_seconds,
                "active_from": rule.active_from,
                "active_to": rule.active_to,
                "enabled": rule.enabled,
                "is_default": True,
            },
        )


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE alarms_device SET (fillfactor = 80)")


def fillfactor_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE alarms_device RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("alarms", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="device", name="device_status_seen"),
        migrations.RunPython(fillfactor, fillfactor_back),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
