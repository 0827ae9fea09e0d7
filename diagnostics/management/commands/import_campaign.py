"""Restores a campaign written by export_campaign, in one transaction.

The questionnaire must already be loaded and the campaign absent. Offices,
accounts and memberships already in the database are kept as they are; new
accounts get no usable password. Stored scores are restored, never recomputed.
"""

import json
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from diagnostics import services
from diagnostics.french import counted
from diagnostics.management.commands.export_campaign import answers_counted, user_fields
from diagnostics.models import (
    Answer,
    AxisScore,
    Campaign,
    Diagnostic,
    Membership,
    Office,
    Questionnaire,
)

NOT_AN_EXPORT = "{path} n’est pas un export de campagne : {reason}."


def loading_order() -> list[str]:
    models = [get_user_model(), Office, Membership, Campaign, Diagnostic, Answer, AxisScore]
    return [model._meta.label_lower for model in models]


def read_rows(path: Path) -> list[dict]:
    """The file's rows, checked and sorted in loading order; raises CommandError."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"Fichier introuvable : {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Fichier illisible : {path} ({exc}).") from None
    except ValueError as exc:
        raise CommandError(
            f"Fichier mal formé : {path} n’est pas du JSON valide ({exc})."
        ) from None
    order = loading_order()
    if not isinstance(rows, list):
        raise CommandError(NOT_AN_EXPORT.format(path=path, reason="une liste était attendue"))
    for row in rows:
        if not (
            isinstance(row, dict)
            and row.get("model") in order
            and isinstance(row.get("fields"), dict)
        ):
            reason = f"ligne inattendue {json.dumps(row, ensure_ascii=False)[:120]}"
            raise CommandError(NOT_AN_EXPORT.format(path=path, reason=reason))
    campaigns = [row for row in rows if row["model"] == "diagnostics.campaign"]
    if len(campaigns) != 1:
        reason = (
            f"il contient {len(campaigns)} campagnes au lieu d’une"
            if campaigns
            else "il ne contient aucune campagne"
        )
        raise CommandError(NOT_AN_EXPORT.format(path=path, reason=reason))
    user_label, allowed = order[0], user_fields()
    for row in rows:
        # Rows are matched by natural key only, and accounts never bring rights
        # or passwords with them.
        row.pop("pk", None)
        if row["model"] == user_label:
            row["fields"] = {k: v for k, v in row["fields"].items() if k in allowed}
    return sorted(rows, key=lambda row: order.index(row["model"]))


def check_campaign(path: Path, row: dict) -> str:
    """The campaign's name, once sure that its questionnaire is here and it is not."""
    fields = row["fields"]
    key, name = fields.get("questionnaire"), fields.get("name")
    if not (isinstance(key, list) and len(key) == 2 and isinstance(name, str)):
        reason = "la campagne n’y est pas désignée par son questionnaire et son nom"
        raise CommandError(NOT_AN_EXPORT.format(path=path, reason=reason))
    code, version = key
    questionnaire = Questionnaire.objects.filter(code=code, version=version).first()
    if questionnaire is None:
        raise CommandError(
            f"Le questionnaire « {code} » version {version} est absent de la base : "
            "chargez-le d’abord (loaddata), puis relancez l’import."
        )
    if Campaign.objects.filter(questionnaire=questionnaire, name=name).exists():
        raise CommandError(
            f"La campagne « {name} » existe déjà : la base doit être vide pour cette "
            "campagne. Rien n’a été importé."
        )
    return name


class Command(BaseCommand):
    help = (
        "Recharge une campagne exportée par export_campaign, en une seule transaction, "
        "sans recalculer les scores."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON écrit par export_campaign")

    def handle(self, *args, file, **options):
        path = Path(file)
        rows = read_rows(path)
        campaign_row = next(row for row in rows if row["model"] == "diagnostics.campaign")
        created, kept = Counter(), Counter()
        with transaction.atomic():
            name = check_campaign(path, campaign_row)
            try:
                self._load(rows, created, kept)
            except CommandError:
                raise
            except Exception as exc:  # a hand-edited file can fail anywhere: report it
                raise CommandError(f"Import annulé, rien n’a été écrit : {exc}") from exc
        User = get_user_model()
        self.stdout.write(
            f"Campagne « {name} » importée : "
            + answers_counted(created[Diagnostic], created[Answer], created[AxisScore])
            + " ; "
            + counted(created[Office], "%(count)s office créé", "%(count)s offices créés")
            + ", "
            + counted(kept[Office], "%(count)s déjà présent", "%(count)s déjà présents")
            + " ; "
            + counted(
                created[User],
                "%(count)s compte créé sans mot de passe",
                "%(count)s comptes créés sans mot de passe",
            )
            + ", "
            + counted(kept[User], "%(count)s déjà présent", "%(count)s déjà présents")
            + " ; "
            + counted(
                created[Membership],
                "%(count)s rattachement créé.",
                "%(count)s rattachements créés.",
            )
        )

    def _load(self, rows, created: Counter, kept: Counter) -> None:
        User = get_user_model()
        shared = (User, Office, Membership)
        campaign = None
        diagnostics, without_weak_questions = set(), []
        # One object per row, in the rows' order.
        for row, deserialized in zip(rows, serializers.deserialize("python", rows), strict=True):
            obj = deserialized.object
            model = type(obj)
            if obj.pk is not None:
                if model in shared:
                    kept[model] += 1
                    continue
                raise CommandError(
                    f"Import annulé, rien n’a été écrit : « {obj} » figure deux fois dans "
                    "le fichier ou existe déjà."
                )
            if model is User:
                obj.set_unusable_password()
            elif model is Diagnostic and obj.campaign_id != campaign.pk:
                raise CommandError(
                    f"Import annulé, rien n’a été écrit : le diagnostic « {obj} » "
                    "n’appartient pas à la campagne importée."
                )
            elif model in (Answer, AxisScore) and obj.diagnostic_id not in diagnostics:
                raise CommandError(
                    f"Import annulé, rien n’a été écrit : « {obj} » ne se rattache à "
                    "aucun diagnostic du fichier."
                )
            deserialized.save()  # raw: stored scores and dates are kept as they are
            created[model] += 1
            if model is Campaign:
                campaign = obj
            elif model is Diagnostic:
                diagnostics.add(obj.pk)
                if "weak_questions" not in row["fields"]:
                    without_weak_questions.append(obj.pk)
        # A file written before diagnostics stored their weak questions: computed from
        # the answers restored, as at submission.
        services.weak_questions_store(diagnostic_ids=without_weak_questions)
