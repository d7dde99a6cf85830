"""The shipped service catalogue and its default check-in rules (reference data every database holds)."""

from django.db import migrations


def load(apps, schema_editor):
    from yanglao.services import catalogue

    item_model = apps.get_model("services", "ServiceItem")
    rule_model = apps.get_model("services", "CheckInRule")
    for code, fields, rule in catalogue.specs():
        item, _ = item_model.objects.update_or_create(code=code, defaults={**fields, "shipped": True})
        rule_model.objects.update_or_create(item=item, region=None, defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
