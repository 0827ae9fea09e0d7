"""One model for every respondent: offices and their businesses become organisations.

The offices' table is renamed, its rows keep their ids (kind « office »), their
classement becomes their segment, and every diagnostic keeps its office under
the name `organisation`. Campaigns and questionnaires gain an audience (offices
by default: every existing one is the network's), campaigns an organiser.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

AUDIENCES = [("offices", "Équipes d’offices de tourisme"), ("businesses", "Prestataires")]
SEGMENTS = [
    ("cat1", "Catégorie I"),
    ("cat2", "Catégorie II"),
    ("none", "Non classé"),
    ("hebergement", "Hébergement"),
    ("restauration", "Restauration"),
    ("activites", "Activités et loisirs"),
    ("sites", "Sites de visite et culture"),
    ("commerces", "Commerces et services"),
]
OFFICES_ONLY = {"kind": "office"}


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0009_action_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Office", "Organisation"),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["name"],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.RenameField("organisation", "category", "segment"),
        migrations.AlterField(
            model_name="organisation",
            name="segment",
            field=models.CharField(choices=SEGMENTS, max_length=12, verbose_name="segment"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[("office", "Office de tourisme"), ("business", "Prestataire")],
                default="office",
                max_length=8,
                verbose_name="type",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to=OFFICES_ONLY,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="businesses",
                to="diagnostics.organisation",
                verbose_name="office de rattachement",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="subtype",
            field=models.CharField(
                blank=True,
                help_text="Par exemple : gîte, camping, hôtel.",
                max_length=80,
                verbose_name="précision",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="adresse e-mail"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="phone",
            field=models.CharField(blank=True, max_length=30, verbose_name="téléphone"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="legal_form",
            field=models.CharField(
                blank=True,
                choices=[
                    ("association", "Association"),
                    ("epic", "EPIC"),
                    ("regie", "Régie"),
                    ("spl", "SPL"),
                    ("sem", "SEM"),
                ],
                max_length=12,
                verbose_name="forme juridique",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="staff_band",
            field=models.CharField(
                blank=True,
                choices=[
                    ("1-2", "1 à 2 ETP"),
                    ("3-5", "3 à 5 ETP"),
                    ("6-10", "6 à 10 ETP"),
                    ("11-20", "11 à 20 ETP"),
                    ("21+", "plus de 20 ETP"),
                ],
                max_length=5,
                verbose_name="effectif",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="department",
            field=models.ForeignKey(
                db_column="department",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="organisations",
                to="diagnostics.department",
                to_field="code",
                verbose_name="département",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "office"),
                    ("parent__isnull", True),
                    ("segment__in", ["cat1", "cat2", "none"]),
                )
                | models.Q(
                    ("kind", "business"),
                    ("parent__isnull", False),
                    (
                        "segment__in",
                        ["hebergement", "restauration", "activites", "sites", "commerces"],
                    ),
                ),
                name="organisation_kind_parent_segment",
                violation_error_message=(
                    "Un office n’a pas d’office de rattachement et se classe par catégorie ; "
                    "un prestataire est rattaché à un office et se classe par activité."
                ),
            ),
        ),
        migrations.CreateModel(
            name="Office",
            fields=[],
            options={
                "verbose_name": "office de tourisme",
                "verbose_name_plural": "offices de tourisme",
                "ordering": ["name"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("diagnostics.organisation",),
        ),
        migrations.CreateModel(
            name="Business",
            fields=[],
            options={
                "verbose_name": "prestataire",
                "verbose_name_plural": "prestataires",
                "ordering": ["name"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("diagnostics.organisation",),
        ),
        *[
            migrations.AlterField(
                model_name=model,
                name="office",
                field=models.ForeignKey(
                    limit_choices_to=OFFICES_ONLY,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name=related,
                    to="diagnostics.organisation",
                    verbose_name="office",
                ),
            )
            for model, related in [
                ("action", "actions"),
                ("invitation", "invitations"),
                ("membership", "memberships"),
            ]
        ],
        migrations.RemoveConstraint(model_name="diagnostic", name="diagnostic_one_per_campaign"),
        migrations.RenameField("diagnostic", "office", "organisation"),
        migrations.AlterField(
            model_name="diagnostic",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="diagnostics",
                to="diagnostics.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="diagnostic",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["draft", "submitted"])),
                fields=("organisation", "campaign"),
                name="diagnostic_one_per_campaign",
            ),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="audience",
            field=models.CharField(
                choices=AUDIENCES, default="offices", max_length=10, verbose_name="public"
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="audience",
            field=models.CharField(
                choices=AUDIENCES, default="offices", max_length=10, verbose_name="public"
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="organiser",
            field=models.ForeignKey(
                blank=True,
                help_text="Vide pour une campagne du réseau régional auprès des offices.",
                limit_choices_to=OFFICES_ONLY,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="organised_campaigns",
                to="diagnostics.organisation",
                verbose_name="office organisateur",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("audience", "offices"), ("organiser__isnull", True))
                | models.Q(("audience", "businesses"), ("organiser__isnull", False)),
                name="campaign_organiser_audience",
                violation_error_message=(
                    "Une campagne auprès des offices est organisée par le réseau ; une campagne "
                    "auprès des prestataires, par leur office."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="training",
            name="audience",
            field=models.CharField(
                choices=AUDIENCES, default="offices", max_length=10, verbose_name="public"
            ),
        ),
        migrations.AddField(
            model_name="training",
            name="organiser",
            field=models.ForeignKey(
                blank=True,
                help_text="Vide pour le catalogue du réseau.",
                limit_choices_to=OFFICES_ONLY,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="workshops",
                to="diagnostics.organisation",
                verbose_name="office organisateur",
            ),
        ),
    ]
