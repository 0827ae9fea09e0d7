"""Prints a fresh personal link of a demo business that has not submitted yet (make run)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from diagnostics.management.demo_businesses import demo_link
from diagnostics.management.demo_offices import DEMO_OFFICE
from diagnostics.models import Office


class Command(BaseCommand):
    help = "Affiche le lien personnel d’un prestataire de démonstration (DEBUG uniquement)."

    def add_arguments(self, parser):
        parser.add_argument("--base", default="http://127.0.0.1:8000", help="Adresse du site.")

    def handle(self, *args, base, **options):
        if not settings.DEBUG:
            raise CommandError("demo_business_link ne sert qu’à la démo : activez DEBUG.")
        office = Office.objects.filter(name=DEMO_OFFICE).first()
        found = demo_link(office) if office else None
        if found is None:
            raise CommandError(
                "Aucun prestataire de démo à inviter : lancez d’abord « make demo »."
            )
        business, token = found
        url = base.rstrip("/") + reverse("diagnostics:business_link_home", args=[token])
        self.stdout.write(f"Lien de démo du prestataire « {business.name} » : {url}")
