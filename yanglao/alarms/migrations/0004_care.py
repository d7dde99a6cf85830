"""The shipped care-call plans (主动关怀): people living alone and people aged 80+ called weekly. Defaults we
chose (no official interval was found), labelled 系统默认值 on the plans page; a district sets its own."""

from django.db import migrations

# A snapshot of yanglao.alarms.services.care.DEFAULT_PLANS at the time of this migration.
DEFAULTS = {"living_alone": 7, "very_old": 7}


def load(apps, schema_editor):
    plan = apps.get_model("alarms", "CareCallPlan")
    for group, days in DEFAULTS.items():
        if not plan.objects.filter(group=group, region__isnull=True).exists():
            plan.objects.create(group=group, region=None, interval_days=days, active=True, is_default=True)


class Migration(migrations.Migration):
    dependencies = [("alarms", "0003_devices")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
