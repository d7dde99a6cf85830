"""Fill the scope columns from the facility (a family care bed: from the home's person), in bulk updates."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Facility = apps.get_model("facilities", "Facility")
    Elder = apps.get_model("people", "Elder")
    Bed = apps.get_model("facilities", "Bed")
    BedStay = apps.get_model("facilities", "BedStay")
    OccupancySnapshot = apps.get_model("facilities", "OccupancySnapshot")

    def facility(field, via="facility_id"):
        return Subquery(Facility.objects.filter(pk=OuterRef(via)).values(field)[:1])

    Bed.objects.update(region_id=facility("region_id"), operator_id=facility("operator_id"))
    Bed.objects.filter(family_bed=True).update(
        region_id=Subquery(Elder.objects.filter(pk=OuterRef("home_elder_id")).values("region_id")[:1])
    )
    beds = Bed.objects.filter(pk=OuterRef("bed_id"))
    BedStay.objects.update(
        region_id=Subquery(beds.values("region_id")[:1]), operator_id=Subquery(beds.values("operator_id")[:1])
    )
    OccupancySnapshot.objects.update(region_id=facility("region_id"), operator_id=facility("operator_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0005_scope_columns"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
