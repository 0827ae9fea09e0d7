"""An office's copy (the director's ZIP): the office, its team, invitations, diagnostics and plan,
its businesses' contact data and links, and the detail of those that agreed to share it.

Its tables come from office_team.py, office_diagnostics.py and office_businesses.py, in the
ZIP's order; the plan's are here."""

import io
import json
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.models import Action, Office, Training
from diagnostics.personal_data.office_businesses import business_tables
from diagnostics.personal_data.office_diagnostics import diagnostic_tables
from diagnostics.personal_data.office_team import team_tables
from diagnostics.personal_data.tables import Table, user_name, when_text

OFFICE_EXCLUDED = (
    "Ce que cette copie ne contient pas, et pourquoi\u00a0:",
    "- les mots de passe et les empreintes des jetons d’invitation et des liens personnels\u00a0: "
    "ce sont des secrets, gardés sous une forme qui ne permet pas de les relire\u00a0;",
    "- les réponses, les scores et les priorités des prestataires qui ont refusé de les "
    "partager avec l’office\u00a0: seuls leurs coordonnées, leurs liens et l’état de leur "
    "diagnostic y figurent\u00a0;",
    "- les avis individuels donnés dans «\u00a0Avis de l’équipe\u00a0»\u00a0: la direction les lit "
    "sur la page de l’office, en nombre de personnes par réponse dès trois réponses\u00a0; seules "
    "la liste des personnes consultées et la date de leur réponse figurent ici\u00a0;",
    "- le journal des connexions de chaque compte\u00a0: il concerne chaque personne, qui le "
    "demande à la personne chargée de la protection des données\u00a0;",
    "- les comptes de l’équipe du réseau (noms de ceux qui ont rouvert un diagnostic) et "
    "les données des autres offices.",
)


def _office_tables(office: Office) -> list[Table]:
    """Every table of the copy, in its order: one query per table but the office's."""
    return [
        *team_tables(office),
        *diagnostic_tables(office),
        *_plan_tables(office),
        *business_tables(office),
    ]


def _plan_tables(office: Office) -> list[Table]:
    """The office's action plan and the workshops it organises: two queries."""
    tables = []
    actions = (
        Action.objects.filter(office=office)
        .select_related("axis", "question", "diagnostic__campaign", "owner")
        .select_related("created_by", "updated_by")
        .order_by("pk")
    )
    tables.append(
        Table(
            "plan_d_action",
            [
                "action",
                "axe",
                "question",
                "diagnostic d’origine",
                "responsable",
                "échéance",
                "statut",
                "note",
                "créée le",
                "créée par",
                "modifiée le",
                "modifiée par",
            ],
            [
                [
                    a.title,
                    a.axis.name if a.axis_id else "",
                    a.question.code if a.question_id else "",
                    a.diagnostic.campaign.name if a.diagnostic_id else "",
                    user_name(a.owner) or a.owner_name,
                    when_text(a.due_date),
                    a.get_status_display(),
                    a.note,
                    when_text(a.created_at),
                    user_name(a.created_by),
                    when_text(a.updated_at),
                    user_name(a.updated_by),
                ]
                for a in actions
            ],
        )
    )
    trainings = Training.objects.filter(organiser=office).order_by("title", "pk")
    tables.append(
        Table(
            "ateliers",
            ["intitulé", "format", "durée", "description"],
            [[t.title, t.get_format_display(), t.duration, t.description] for t in trainings],
        )
    )
    return tables


def office_zip(office: Office) -> bytes:
    """The director's copy of everything SNUT holds about the office: one CSV per table,
    the same tables in one JSON file, and a LISEZMOI.txt that says what is left out.
    Nineteen queries whatever the office's size."""
    tables = _office_tables(office)
    made_at = timezone.now()
    readme = "\n".join(
        [
            _("Ce que SNUT garde sur «\u00a0%(office)s\u00a0», copie du %(when)s.")
            % {"office": office.name, "when": when_text(made_at)},
            "",
            _(
                "Chaque fichier CSV (séparateur point-virgule, UTF-8) est une table\u00a0; "
                "donnees.json contient les mêmes tables."
            ),
            "",
            *(f"- {t.name}.csv\u00a0: {len(t.rows)} ligne(s)" for t in tables),
            "",
            *OFFICE_EXCLUDED,
            "",
        ]
    )
    payload = {
        "office": office.name,
        "copie du": when_text(made_at),
        "tables": {t.name: t.records() for t in tables},
        "non inclus": list(OFFICE_EXCLUDED[1:]),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", readme)
        for table in tables:
            archive.writestr(f"{table.name}.csv", table.csv_bytes())
        archive.writestr(
            "donnees.json", json.dumps(payload, ensure_ascii=False, indent=2, default=str)
        )
    return buffer.getvalue()
