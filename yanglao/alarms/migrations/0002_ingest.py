"""The shipped default alarm rules (系统默认值): reference data every database holds, from alarms/rules.py.
The same values are loaded by the reference loader (``alarms.rules``) into a database emptied by tests."""

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


class Migration(migrations.Migration):
    dependencies = [("alarms", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
