from django.core.management.base import BaseCommand, CommandError

from diagnostics import applicability, selectors
from diagnostics.french import counted
from diagnostics.models import Audience, Organisation, Questionnaire
from diagnostics.validation import questionnaire_faults


class Command(BaseCommand):
    help = "Vérifie la structure d’un questionnaire (tous si aucun code n’est donné)."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="code du questionnaire, par exemple snut-ot")
        parser.add_argument(
            "--questionnaire-version",
            type=int,
            dest="questionnaire_version",
            help="une seule version",
        )

    def handle(self, *args, code=None, questionnaire_version=None, **options):
        questionnaires = Questionnaire.objects.all()
        if code:
            questionnaires = questionnaires.filter(code=code)
        if questionnaire_version is not None:
            questionnaires = questionnaires.filter(version=questionnaire_version)
        if not questionnaires:
            raise CommandError(f"Aucun questionnaire ne correspond à « {code or '*'} ».")
        failed = 0
        for questionnaire in questionnaires:
            faults = questionnaire_faults(questionnaire)
            label = f"{questionnaire.code} v{questionnaire.version}"
            if faults:
                failed += 1
                faults_count = counted(len(faults), "%(count)s défaut", "%(count)s défauts")
                self.stderr.write(f"{label} : {faults_count}")
                for fault in faults:
                    self.stderr.write(f"  - {fault}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{label} : structure valide."))
            self._reading_times(questionnaire)
        if failed:
            raise CommandError(
                counted(
                    failed,
                    "%(count)s questionnaire invalide.",
                    "%(count)s questionnaires invalides.",
                )
            )

    def _reading_times(self, questionnaire: Questionnaire) -> None:
        """Time to answer on a phone: per activity for businesses, as a whole for offices."""
        axes = selectors.questionnaire_axes(questionnaire)
        if questionnaire.audience == Audience.BUSINESSES:
            segments = Organisation.Segment
            activities = [(code, segments(code).label) for code in Organisation.BUSINESS_SEGMENTS]
        else:
            activities = [("", "tous")]
        for code, label in activities:
            time = applicability.reading_time(questionnaire, axes, code)
            minutes, seconds = divmod(round(time.seconds), 60)
            self.stdout.write(
                f"  {label} : {time.questions} questions, {time.words} mots, "
                f"{minutes} min {seconds:02d} s sur téléphone "
                f"({applicability.WORDS_PER_MINUTE} mots par minute "
                f"et {applicability.SECONDS_PER_DECISION} s par décision)"
            )
