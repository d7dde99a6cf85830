"""The registry's import jobs move to core's generic ImportJob (same ids, so upload file names still match)."""

from django.core.management.color import no_style
from django.db import migrations

TITLES = {"elders": "老年人信息", "deaths": "死亡名单交换"}
FIELDS = (
    "id",
    "actor_id",
    "kind",
    "filename",
    "path",
    "dry_run",
    "state",
    "rows",
    "processed",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "errors",
    "error_path",
    "message",
    "created_at",
    "finished_at",
)


def _copy(jobs, target, schema_editor, *, title: bool) -> None:
    batch = []
    for job in jobs.iterator():
        values = {f: getattr(job, f) for f in FIELDS}
        if title:
            values["title"] = TITLES.get(job.kind, "")
        batch.append(target(**values))
    target.objects.bulk_create(batch, batch_size=500)
    connection = schema_editor.connection
    with connection.cursor() as cursor:  # explicit ids leave PostgreSQL's sequence behind
        for sql in connection.ops.sequence_reset_sql(no_style(), [target]):
            cursor.execute(sql)


def forwards(apps, schema_editor):
    jobs = apps.get_model("people", "ImportJob").objects.all()
    _copy(jobs, apps.get_model("core", "ImportJob"), schema_editor, title=True)


def backwards(apps, schema_editor):
    registry = apps.get_model("core", "ImportJob").objects.filter(kind__in=TITLES)
    _copy(registry, apps.get_model("people", "ImportJob"), schema_editor, title=False)
    registry.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_elder_transfer"),
        ("core", "0005_import_job"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ImportJob"),
    ]
