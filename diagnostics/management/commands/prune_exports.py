"""Deletes the staff's exports older than EXPORT_MAX_AGE_DAYS, with their files (run it daily, e.g. from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diagnostics.services.exports import exports_prune


class Command(BaseCommand):
    help = "Supprime les exports du réseau plus anciens que EXPORT_MAX_AGE_DAYS, et leurs fichiers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.EXPORT_MAX_AGE_DAYS,
            help="Âge en jours au-delà duquel un export est supprimé.",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days : un nombre de jours positif ou nul.")
        count = exports_prune(days=days)
        self.stdout.write(f"{count} export(s) supprimé(s).")
