# An axis's short name, the header of a narrow column (the staff's office list), which read
# the axis's code until now (« MOBILITE »). The axes of the official questionnaires, known by
# their codes, get theirs here, as their fixtures now give them; any other axis keeps an
# empty one and its header is drawn from its name (Axis.header).

from django.db import migrations, models

SHORT_NAMES = {
    # The offices' questionnaires (questionnaire_snut*.json).
    "web": "Web",
    "social": "Réseaux sociaux",
    "mobilite": "Mobilité",
    "infra": "Infra",
    "accueil": "Accueil",
    "organisation": "Organisation",
    # The businesses' (questionnaire_prestataires*.json).
    "vis": "Visibilité",
    "resa": "Réservation",
    "avis": "Avis",
    "rel": "Relation client",
    "secu": "Sécurité",
}
OFFICIAL = ("snut-ot", "snut-ot-express", "snut-prestataires")


def fill(apps, schema_editor):
    Axis = apps.get_model("diagnostics", "Axis")
    for code, short_name in SHORT_NAMES.items():
        Axis.objects.filter(
            code=code, questionnaire__code__in=OFFICIAL, short_name=""
        ).update(short_name=short_name)


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0031_stored_figures")]

    operations = [
        migrations.AddField(
            model_name="axis",
            name="short_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "En-tête des colonnes étroites (liste des offices). À défaut, le nom "
                    "jusqu’à sa première virgule, son deux-points ou son premier « et », "
                    "« de », « du » ou « des »."
                ),
                max_length=30,
                verbose_name="nom court",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
