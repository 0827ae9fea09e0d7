from django.core.management.base import BaseCommand, CommandError

from diagnostics.services.setup import SetupError, setup_run


class Command(BaseCommand):
    help = (
        "Installe le contenu de départ après migrate : territoires, questionnaires officiels "
        "publiés, catalogue des formations et ateliers. Ne crée que ce qui manque, ne modifie "
        "rien : on peut la relancer à chaque mise à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-versions",
            action="store_true",
            dest="all_versions",
            help="toutes les versions des questionnaires officiels, pas seulement la dernière "
            "(la démonstration compare deux versions)",
        )

    def handle(self, *args, all_versions=False, **options):
        try:
            report = setup_run(all_versions=all_versions)
        except SetupError as error:
            raise CommandError(f"{error} Rien n’a été installé.") from error
        if options.get("verbosity", 1) < 1:
            return
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Contenu de départ en place."))
