"""Asks a check of every website not read for a week (run it daily or weekly, from cron):
the task queue does the reading (diagnostics/services/websites.py)."""

from django.core.management.base import BaseCommand

from diagnostics.services.websites import websites_check_due


class Command(BaseCommand):
    help = (
        "Demande le relevé des sites web des offices et des prestataires qui n’ont pas été "
        "relevés depuis sept jours ; la file de tâches les lit en arrière-plan."
    )

    def handle(self, *args, **options):
        count = websites_check_due()
        self.stdout.write(f"{count} relevé(s) de site web demandé(s).")
