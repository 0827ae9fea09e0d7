"""Exports one campaign, its offices, accounts and diagnostics to a JSON file.

The file uses Django's serialization format with natural keys only, so that
import_campaign can restore it in any database holding the same questionnaire.
Accounts carry their user name, names and email: never a password.
"""

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.text import slugify

from diagnostics.french import counted
from diagnostics.models import Answer, AxisScore, Campaign, Diagnostic, Membership, Office

USER_FIELDS = ("first_name", "last_name", "email")


def answers_counted(diagnostics: int, answers: int, scores: int) -> str:
    """« 4 diagnostics, 20 réponses, 6 scores par axe », each word in the right number."""
    return ", ".join(
        [
            counted(diagnostics, "%(count)s diagnostic", "%(count)s diagnostics"),
            counted(answers, "%(count)s réponse", "%(count)s réponses"),
            counted(scores, "%(count)s score par axe", "%(count)s scores par axe"),
        ]
    )


def user_fields() -> tuple[str, ...]:
    """The account fields an export carries: the user name, names and email."""
    return (get_user_model().USERNAME_FIELD, *USER_FIELDS)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps the microseconds that DjangoJSONEncoder drops, so times come back exact."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def find_campaign(value: str) -> Campaign:
    """The campaign whose id or exact name is `value`."""
    lookup = Q(name=value)
    if value.isdigit():
        lookup |= Q(pk=int(value))
    found = list(Campaign.objects.select_related("questionnaire").filter(lookup))
    if not found:
        raise CommandError(f"Campagne introuvable : « {value} ».")
    if len(found) > 1:
        ids = ", ".join(str(c.pk) for c in found)
        raise CommandError(
            f"Plusieurs campagnes répondent à « {value} » : donnez son identifiant ({ids})."
        )
    campaign = found[0]
    twins = Campaign.objects.filter(questionnaire=campaign.questionnaire, name=campaign.name)
    if twins.exclude(pk=campaign.pk).exists():
        raise CommandError(
            f"Une autre campagne du même questionnaire s’appelle aussi « {campaign.name} » : "
            "renommez l’une des deux avant l’export."
        )
    return campaign


def campaign_objects(campaign: Campaign) -> dict[str, list]:
    """Every row that restoring the campaign needs, in loading order."""
    diagnostic_path = ("organisation", "campaign__questionnaire")
    diagnostics = list(
        Diagnostic.objects.filter(campaign=campaign)
        .select_related(
            *diagnostic_path,
            "questionnaire",
            "created_by",
            "submitted_by",
            "overall_level__questionnaire",
        )
        .order_by("organisation__slug", "created_at", "pk")
    )
    keys = Counter(d.natural_key() for d in diagnostics)
    twins = sorted(key for key, seen in keys.items() if seen > 1)
    if twins:
        slugs = ", ".join(key[0] for key in twins)
        raise CommandError(
            "Deux diagnostics d’un même office ont été commencés dans la même milliseconde "
            f"({slugs}) : l’export ne saurait pas les distinguer."
        )
    related_path = [f"diagnostic__{path}" for path in diagnostic_path]
    answers = list(
        Answer.objects.filter(diagnostic__campaign=campaign)
        .select_related(
            *related_path,
            "question__questionnaire",
            "choice__question__questionnaire",
            "updated_by",
        )
        .order_by("diagnostic__organisation__slug", "diagnostic__created_at", "question__code")
    )
    scores = list(
        AxisScore.objects.filter(diagnostic__campaign=campaign)
        .select_related(*related_path, "axis__questionnaire", "level__questionnaire")
        .order_by("diagnostic__organisation__slug", "diagnostic__created_at", "axis__code")
    )
    offices = list(
        Office.objects.filter(diagnostics__campaign=campaign).distinct().order_by("slug")
    )
    memberships = list(
        Membership.objects.filter(office__in=offices)
        .select_related("user", "office")
        .order_by("office__slug", f"user__{get_user_model().USERNAME_FIELD}")
    )
    # Authors who have since left their office are exported too: rows name them.
    user_ids = {m.user_id for m in memberships}
    user_ids |= {d.created_by_id for d in diagnostics} | {d.submitted_by_id for d in diagnostics}
    user_ids |= {a.updated_by_id for a in answers}
    user_ids.discard(None)
    User = get_user_model()
    users = list(User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD))
    return {
        "users": users,
        "offices": offices,
        "memberships": memberships,
        "campaign": [campaign],
        "diagnostics": diagnostics,
        "answers": answers,
        "scores": scores,
    }


def serialize(objects: dict[str, list]) -> str:
    rows = []
    for name, instances in objects.items():
        rows += serializers.serialize(
            "python",
            instances,
            fields=user_fields() if name == "users" else None,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
    return json.dumps(rows, cls=ExactJSONEncoder, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Exporte une campagne (offices, comptes sans mot de passe, diagnostics, réponses "
        "et scores) dans un fichier JSON que import_campaign sait recharger."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="identifiant ou nom exact de la campagne")
        parser.add_argument(
            "-o",
            "--output",
            help="fichier à écrire (par défaut campagne-<nom>.json dans le dossier courant)",
        )

    def handle(self, *args, campaign, output=None, **options):
        campaign = find_campaign(campaign)
        objects = campaign_objects(campaign)
        path = Path(output or f"campagne-{slugify(campaign.name) or campaign.pk}.json")
        try:
            path.write_text(serialize(objects), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Impossible d’écrire {path} : {exc.strerror or exc}.") from exc
        counts = {name: len(instances) for name, instances in objects.items()}
        self.stdout.write(
            f"Campagne « {campaign.name} » exportée dans {path} : "
            + counted(counts["offices"], "%(count)s office", "%(count)s offices")
            + ", "
            + counted(counts["users"], "%(count)s compte", "%(count)s comptes")
            + ", "
            + counted(counts["memberships"], "%(count)s rattachement", "%(count)s rattachements")
            + ", "
            + answers_counted(counts["diagnostics"], counts["answers"], counts["scores"])
            + "."
        )
