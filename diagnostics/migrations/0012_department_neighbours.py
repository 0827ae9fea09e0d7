"""Departments know their neighbours (land borders, across regions too), read
from fixtures/territoires.json: pooling suggestions look at the office's own
department and the neighbouring ones."""

import json
from pathlib import Path

from django.db import migrations, models

TERRITORIES = Path(__file__).resolve().parents[2] / "fixtures" / "territoires.json"


def load_neighbours(apps, schema_editor):
    Department = apps.get_model("diagnostics", "Department")
    Neighbour = Department.neighbours.through
    ids = dict(Department.objects.values_list("code", "pk"))
    pairs = set()
    for record in json.loads(TERRITORIES.read_text(encoding="utf-8")):
        if record["model"] != "diagnostics.department":
            continue
        code = record["fields"]["code"]
        for (other,) in record["fields"].get("neighbours", []):
            if code in ids and other in ids:
                pairs |= {(ids[code], ids[other]), (ids[other], ids[code])}
    Neighbour.objects.all().delete()
    Neighbour.objects.bulk_create(
        Neighbour(from_department_id=a, to_department_id=b) for a, b in sorted(pairs)
    )


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0011_business_links")]

    operations = [
        migrations.AddField(
            model_name="department",
            name="neighbours",
            field=models.ManyToManyField(blank=True, to="diagnostics.department", verbose_name="départements voisins"),
        ),
        migrations.RunPython(load_neighbours, migrations.RunPython.noop),
    ]
