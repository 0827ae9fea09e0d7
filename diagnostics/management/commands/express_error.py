"""Prints, per axis, how far the express estimate stands from the full score on the submitted
full diagnostics in the database (the demo's, the benchmark's, a network's own)."""

from django.core.management.base import BaseCommand, CommandError

from diagnostics.express import TARGET_ERROR
from diagnostics.models import Questionnaire
from diagnostics.selectors.express import express_accuracy


class Command(BaseCommand):
    help = (
        "Erreur moyenne absolue de l’estimation express par axe, contre le score complet, "
        "sur les diagnostics complets soumis de la base."
    )

    def handle(self, *args, **options):
        questionnaires = list(
            Questionnaire.objects.express()
            .select_related("abbreviates")
            .order_by("code", "-version")
        )
        if not questionnaires:
            raise CommandError(
                "Aucun questionnaire express : installez-le avec « python manage.py snut_setup »."
            )
        for questionnaire in questionnaires:
            full = questionnaire.abbreviates
            self.stdout.write(
                f"{questionnaire.code} v{questionnaire.version}, contre {full.code} v{full.version}\u00a0:"
            )
            rows = express_accuracy(questionnaire)
            if not any(row.diagnostics for row in rows):
                self.stdout.write("  aucun diagnostic complet soumis sur ce questionnaire.")
                continue
            for row in rows:
                if not row.diagnostics:
                    self.stdout.write(f"  {row.code}\u00a0: aucun score à comparer.")
                    continue
                mark = "" if row.mean_absolute_error <= TARGET_ERROR else " (au-dessus de la cible)"
                self.stdout.write(
                    f"  {row.code}\u00a0: erreur moyenne {row.mean_absolute_error:.1f} points{mark} "
                    f"sur {row.diagnostics} diagnostics\u00a0; {row.within} dans la fourchette "
                    f"(−{row.below} / +{row.above}), soit {100 * row.within / row.diagnostics:.0f}\u00a0%"
                )
