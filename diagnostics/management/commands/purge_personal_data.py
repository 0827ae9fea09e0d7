"""Purges the businesses' data past SNUT_BUSINESS_RETENTION_MONTHS (run it daily, from cron)."""

from django.core.management.base import BaseCommand

from diagnostics.services.personal_data import personal_data_purge, retention_cutoff


class Command(BaseCommand):
    help = (
        "Efface les coordonnées, liens, diagnostics et réponses des prestataires dont la "
        "campagne est close depuis plus de SNUT_BUSINESS_RETENTION_MONTHS mois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compte ce qui serait effacé, sans rien effacer.",
        )

    def handle(self, *args, dry_run, **options):
        erased = personal_data_purge(dry_run=dry_run)
        verb = "seraient effacés" if dry_run else "effacés"
        people = ""
        if erased.respondents:
            people = (
                f" Personnes invitées à donner leur avis\u00a0: {erased.respondents} nom(s) et "
                f"adresse(s) {verb}."
            )
        self.stdout.write(
            f"Campagnes de prestataires closes avant le {retention_cutoff():%d/%m/%Y}\u00a0: "
            f"{erased.businesses} prestataire(s), {erased.diagnostics} diagnostic(s), "
            f"{erased.answers} réponse(s) et {erased.links} lien(s) {verb}.{people}"
        )
