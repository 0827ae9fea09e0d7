"""Departments and regions become data; one diagnostic per office and campaign.

Existing offices keep their department (the column keeps its code, now a key to
the departments table). Where an office already had several diagnostics in one
campaign, the one that counts (its latest submitted, else its draft) stays and
the others are kept as « remplacé », with their answers and scores.
"""

import json
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TERRITORIES = Path(__file__).resolve().parents[2] / "fixtures" / "territoires.json"


def load_territories(apps, schema_editor):
    Region = apps.get_model("diagnostics", "Region")
    Department = apps.get_model("diagnostics", "Department")
    Office = apps.get_model("diagnostics", "Office")
    records = json.loads(TERRITORIES.read_text(encoding="utf-8"))
    regions = {}
    for record in records:
        if record["model"] == "diagnostics.region":
            fields = record["fields"]
            regions[fields["code"]], _ = Region.objects.update_or_create(
                code=fields["code"], defaults={"name": fields["name"]}
            )
    for record in records:
        if record["model"] == "diagnostics.department":
            fields = record["fields"]
            Department.objects.update_or_create(
                code=fields["code"],
                defaults={"name": fields["name"], "region": regions[fields["region"][0]]},
            )
    known = set(Department.objects.values_list("code", flat=True))
    for code in set(Office.objects.values_list("department", flat=True)) - known:
        other, _ = Region.objects.get_or_create(code="00", defaults={"name": "À préciser"})
        Department.objects.create(code=code, name=code, region=other)


def keep_one_per_campaign(apps, schema_editor):
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    seen = set()
    # Latest submitted first, then drafts: the first of each pair is the one that counts.
    rows = Diagnostic.objects.order_by(
        "office_id", "campaign_id", "-status", "-submitted_at", "-created_at"
    ).values_list("pk", "office_id", "campaign_id", "status")
    replaced = []
    for pk, office_id, campaign_id, status in rows:
        key = (office_id, campaign_id)
        if key in seen:
            replaced.append(pk)
        seen.add(key)
    Diagnostic.objects.filter(pk__in=replaced).update(status="replaced")


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0003_questionnaire_revised_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=3, unique=True, verbose_name="code INSEE")),
                ("name", models.CharField(max_length=80, verbose_name="nom")),
            ],
            options={"verbose_name": "région", "verbose_name_plural": "régions", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Department",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=3, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=80, verbose_name="nom")),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="departments",
                        to="diagnostics.region",
                        verbose_name="région",
                    ),
                ),
            ],
            options={"verbose_name": "département", "verbose_name_plural": "départements", "ordering": ["code"]},
        ),
        migrations.RunPython(load_territories, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="office",
            name="department",
            field=models.ForeignKey(
                db_column="department",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offices",
                to="diagnostics.department",
                to_field="code",
                verbose_name="département",
            ),
        ),
        migrations.AlterField(
            model_name="diagnostic",
            name="status",
            field=models.CharField(
                choices=[("draft", "En cours"), ("submitted", "Soumis"), ("replaced", "Remplacé")],
                default="draft",
                max_length=10,
                verbose_name="statut",
            ),
        ),
        migrations.RemoveConstraint(model_name="diagnostic", name="diagnostic_one_draft_per_campaign"),
        migrations.RemoveConstraint(model_name="diagnostic", name="diagnostic_submitted_has_date"),
        migrations.RunPython(keep_one_per_campaign, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="diagnostic",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["draft", "submitted"])),
                fields=("office", "campaign"),
                name="diagnostic_one_per_campaign",
            ),
        ),
        migrations.AddConstraint(
            model_name="diagnostic",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "draft"), ("submitted_at__isnull", False), ("status", "replaced"), _connector="OR"
                ),
                name="diagnostic_submitted_has_date",
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="carried_over",
            field=models.BooleanField(default=False, verbose_name="reprise à confirmer"),
        ),
    ]
