"""Emergency contacts get a blind index of their phone, so the alarm centre can match an incoming caller to
the person whose daughter or neighbour is calling; existing contacts are filled in chunks."""

from django.db import migrations, models

from yanglao.core.crypto import blind_index

CHUNK = 2000


def fill(apps, schema_editor):
    Contact = apps.get_model("people", "EmergencyContact")
    last = 0
    while True:
        rows = list(Contact.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        for row in rows:
            row.phone_hash = blind_index(row.phone) if row.phone else ""
        Contact.objects.bulk_update(rows, ["phone_hash"])
        last = rows[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0009_elder_medicines"),
    ]

    operations = [
        migrations.AddField(
            model_name="emergencycontact",
            name="phone_hash",
            field=models.CharField(blank=True, db_index=True, default="", max_length=32),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
