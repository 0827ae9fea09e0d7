"""Read paths of the data subjects' rights: what SNUT holds about one business, or one office.

A business's copy (« Télécharger mes réponses ») holds its contact data, its links, and
every diagnostic with its scores and answers, whatever its consent: the data is its own.
An office's copy (the director's ZIP) holds the office, its team, its invitations, its
diagnostics and plan, its businesses' contact data and links, and the scores and answers
of the businesses that agreed to share them; not what the office may not read (the
detail of the businesses that refused), nor secrets (passwords, token hashes).

Each copy reads a fixed number of queries, whatever the number of rows. The services
that erase and purge sit in diagnostics/services/personal_data.py.
"""

import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.models import (
    Action,
    Answer,
    Audience,
    AxisImportance,
    AxisScore,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    Invitation,
    Membership,
    Office,
    Organisation,
    Training,
)
from diagnostics.spreadsheets import write_csv
from diagnostics.visibility import office_reads


def _when(value) -> str:
    """A date or a local date-time, written the same in the CSV and the JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value):
    return None if value is None else float(value) if isinstance(value, Decimal) else value


def _yes(value: bool) -> str:
    return _("oui") if value else _("non")


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
class Table:
    """One file of a copy: a French file name (without extension), headers and rows."""

    name: str
    headers: list[str]
    rows: list[list]

    def records(self) -> list[dict]:
        return [
            {h: _json_value(v) for h, v in zip(self.headers, row, strict=True)} for row in self.rows
        ]

    def csv_bytes(self) -> bytes:
        handle = io.BytesIO()
        write_csv([self.headers, *self.rows], handle)
        return handle.getvalue()


# --- one business ----------------------------------------------------------------------

BUSINESS_DIAGNOSTIC_HEADERS = [
    "campagne",
    "statut",
    "envoyé le",
    "l’office peut lire le détail",
    "score global",
    "niveau global",
]
ANSWER_HEADERS = [
    "axe",
    "code de la question",
    "question",
    "réponse choisie",
    "points",
    "non concerné",
    "commentaire",
    "reprise à confirmer",
    "modifiée le",
]


def _answer_row(answer: Answer) -> list:
    return [
        answer.question.axis.name,
        answer.question.code,
        answer.question.text,
        answer.choice.label if answer.choice_id else "",
        answer.choice.points if answer.choice_id else None,
        _yes(answer.not_applicable),
        answer.comment,
        _yes(answer.carried_over),
        _when(answer.updated_at),
    ]


def _answers(diagnostic_ids):
    """Every answer of these diagnostics, in the questionnaire's order: one query."""
    return (
        Answer.objects.filter(diagnostic_id__in=diagnostic_ids)
        .select_related("question__axis", "choice", "updated_by")
        .order_by("diagnostic_id", "question__axis__order", "question__order", "pk")
    )


def _answers_by_diagnostic(diagnostic_ids) -> dict[int, list[Answer]]:
    found = defaultdict(list)
    for answer in _answers(diagnostic_ids):
        found[answer.diagnostic_id].append(answer)
    return found


def _axis_scores_by_diagnostic(diagnostic_ids) -> dict[int, list[AxisScore]]:
    found = defaultdict(list)
    scores = (
        AxisScore.objects.filter(diagnostic_id__in=diagnostic_ids)
        .select_related("axis", "level")
        .order_by("diagnostic_id", "axis__order")
    )
    for score in scores:
        found[score.diagnostic_id].append(score)
    return found


@dataclass
class BusinessCopy:
    """Everything SNUT holds about one business, for its download (CSV or JSON)."""

    business: Organisation
    links: list[BusinessLink]
    diagnostics: list[Diagnostic]
    answers: dict[int, list[Answer]]
    axis_scores: dict[int, list[AxisScore]]
    made_at: datetime

    def contact(self) -> dict:
        business = self.business
        return {
            "nom": business.name,
            "activité": business.get_segment_display(),
            "précision": business.subtype,
            "commune": business.commune,
            "département": str(business.department),
            "adresse e-mail": business.email,
            "téléphone": business.phone,
            "office de tourisme": business.parent.name,
        }

    def as_json(self) -> dict:
        return {
            "téléchargé le": _when(self.made_at),
            "prestataire": self.contact(),
            "liens personnels": [
                {
                    "campagne": link.campaign.name,
                    "créé le": _when(link.created_at),
                    "expire le": _when(link.expires_at),
                    "dernier envoi": _when(link.last_sent_at),
                    "envois": link.sent_count,
                    "première ouverture": _when(link.opened_at),
                    "désactivé le": _when(link.revoked_at),
                }
                for link in self.links
            ],
            "diagnostics": [
                {
                    "campagne": diagnostic.campaign.name,
                    "questionnaire": diagnostic.questionnaire.name,
                    "statut": diagnostic.get_status_display(),
                    "commencé le": _when(diagnostic.created_at),
                    "modifié le": _when(diagnostic.updated_at),
                    "envoyé le": _when(diagnostic.submitted_at),
                    "l’office peut lire le détail": diagnostic.share_details,
                    "score global": _number(diagnostic.overall_score),
                    "niveau global": diagnostic.overall_level.name
                    if diagnostic.overall_level_id
                    else "",
                    "scores par axe": [
                        {
                            "axe": score.axis.name,
                            "score": _number(score.score),
                            "niveau": score.level.name if score.level_id else "",
                            "questions répondues": score.answered,
                            "questions": score.total,
                        }
                        for score in self.axis_scores.get(diagnostic.pk, [])
                    ],
                    "réponses": [
                        {
                            h: _json_value(v)
                            for h, v in zip(ANSWER_HEADERS, _answer_row(answer), strict=True)
                        }
                        for answer in self.answers.get(diagnostic.pk, [])
                    ],
                }
                for diagnostic in self.diagnostics
            ],
        }

    def json_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2).encode("utf-8")

    def csv_rows(self) -> list[list]:
        """One row per answer, with the business's contact data and its diagnostic's
        scores on each, so that the file reads alone in a spreadsheet. A diagnostic
        without answer, or a business without diagnostic, still gets one row."""
        contact = self.contact()
        headers = [*contact, *BUSINESS_DIAGNOSTIC_HEADERS, "score de l’axe", *ANSWER_HEADERS]
        rows = [headers]
        base = list(contact.values())
        if not self.diagnostics:
            rows.append(base + [""] * (len(headers) - len(base)))
        for diagnostic in self.diagnostics:
            axis_score = {s.axis_id: s.score for s in self.axis_scores.get(diagnostic.pk, [])}
            head = [
                *base,
                diagnostic.campaign.name,
                diagnostic.get_status_display(),
                _when(diagnostic.submitted_at),
                _yes(diagnostic.share_details) if diagnostic.is_submitted else "",
                diagnostic.overall_score,
                diagnostic.overall_level.name if diagnostic.overall_level_id else "",
            ]
            answers = self.answers.get(diagnostic.pk, [])
            if not answers:
                rows.append(head + [""] * (len(headers) - len(head)))
            for answer in answers:
                rows.append([*head, axis_score.get(answer.question.axis_id), *_answer_row(answer)])
        return rows

    def csv_bytes(self) -> bytes:
        handle = io.BytesIO()
        write_csv(self.csv_rows(), handle)
        return handle.getvalue()


def business_copy(business: Organisation, *, for_office: bool = False) -> BusinessCopy:
    """The business's data, in five queries whatever its number of answers.

    `for_office`: the copy its office downloads for it, which holds the answers and
    scores only of the diagnostics the business shared; the business itself gets all."""
    links = list(
        BusinessLink.objects.filter(business=business)
        .select_related("campaign")
        .order_by("created_at", "pk")
    )
    diagnostics = list(
        Diagnostic.objects.filter(organisation=business)
        .select_related("campaign", "questionnaire", "overall_level")
        .order_by("created_at", "pk")
    )
    if for_office:
        for diagnostic in diagnostics:
            if not office_reads(diagnostic):
                diagnostic.overall_score = diagnostic.overall_level = None
    ids = [d.pk for d in diagnostics if not for_office or office_reads(d)]
    return BusinessCopy(
        business=business,
        links=links,
        diagnostics=diagnostics,
        answers=_answers_by_diagnostic(ids),
        axis_scores=_axis_scores_by_diagnostic(ids),
        made_at=timezone.now(),
    )


def business_for_copy(pk: int) -> Organisation:
    """The business with what its copy names (office, department): one query."""
    return Business.objects.select_related("parent", "department").get(pk=pk)


# --- one office ------------------------------------------------------------------------

OFFICE_EXCLUDED = (
    "Ce que cette copie ne contient pas, et pourquoi\u00a0:",
    "- les mots de passe et les empreintes des jetons d’invitation et des liens personnels\u00a0: "
    "ce sont des secrets, gardés sous une forme qui ne permet pas de les relire\u00a0;",
    "- les réponses, les scores et les priorités des prestataires qui ont refusé de les "
    "partager avec l’office\u00a0: seuls leurs coordonnées, leurs liens et l’état de leur "
    "diagnostic y figurent\u00a0;",
    "- le journal des connexions de chaque compte\u00a0: il concerne chaque personne, qui le "
    "demande à la personne chargée de la protection des données\u00a0;",
    "- les comptes de l’équipe du réseau (noms de ceux qui ont rouvert un diagnostic) et "
    "les données des autres offices.",
)


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _office_tables(office: Office) -> list[Table]:
    users = get_user_model()
    tables = [
        Table(
            "office",
            [
                "nom",
                "identifiant",
                "département",
                "commune",
                "catégorie",
                "forme juridique",
                "effectif",
                "adresse e-mail",
                "téléphone",
                "apparaît dans les pistes de mutualisation",
            ],
            [
                [
                    office.name,
                    office.slug,
                    str(office.department),
                    office.commune,
                    office.get_segment_display(),
                    office.get_legal_form_display(),
                    office.get_staff_band_display(),
                    office.email,
                    office.phone,
                    _yes(office.pooling_opt_in),
                ]
            ],
        )
    ]
    memberships = Membership.objects.filter(office=office).select_related("user")
    tables.append(
        Table(
            "membres",
            [
                "prénom",
                "nom",
                "adresse e-mail",
                "identifiant",
                "rôle",
                "gère les prestataires",
                "inscrit le",
                "dernière connexion",
            ],
            [
                [
                    m.user.first_name,
                    m.user.last_name,
                    m.user.email,
                    m.user.get_username(),
                    m.get_role_display(),
                    _yes(m.role == Membership.Role.DIRECTOR or m.can_manage_businesses),
                    _when(m.user.date_joined),
                    _when(m.user.last_login),
                ]
                for m in memberships.order_by(f"user__{users.USERNAME_FIELD}")
            ],
        )
    )
    invitations = Invitation.objects.filter(office=office).select_related(
        "invited_by", "accepted_by"
    )
    tables.append(
        Table(
            "invitations",
            [
                "adresse e-mail",
                "rôle",
                "invitée par",
                "créée le",
                "expire le",
                "dernier envoi",
                "acceptée le",
                "acceptée par",
                "révoquée le",
            ],
            [
                [
                    i.email,
                    i.get_role_display(),
                    _user_name(i.invited_by),
                    _when(i.created_at),
                    _when(i.expires_at),
                    _when(i.last_sent_at),
                    _when(i.accepted_at),
                    _user_name(i.accepted_by),
                    _when(i.revoked_at),
                ]
                for i in invitations.order_by("created_at", "pk")
            ],
        )
    )
    diagnostics = list(
        Diagnostic.objects.filter(organisation=office)
        .select_related("campaign", "questionnaire", "overall_level", "created_by", "submitted_by")
        .order_by("created_at", "pk")
    )
    ids = [d.pk for d in diagnostics]
    names = {d.pk: d.campaign.name for d in diagnostics}
    tables.append(
        Table(
            "diagnostics",
            [
                "campagne",
                "questionnaire",
                "statut",
                "commencé le",
                "commencé par",
                "envoyé le",
                "envoyé par",
                "score global",
                "niveau global",
            ],
            [
                [
                    d.campaign.name,
                    f"{d.questionnaire.name} (version {d.questionnaire.version})",
                    d.get_status_display(),
                    _when(d.created_at),
                    _user_name(d.created_by),
                    _when(d.submitted_at),
                    _user_name(d.submitted_by),
                    d.overall_score,
                    d.overall_level.name if d.overall_level_id else "",
                ]
                for d in diagnostics
            ],
        )
    )
    tables.append(_axis_score_table("scores_par_axe", ids, names))
    importances = (
        AxisImportance.objects.filter(diagnostic_id__in=ids)
        .select_related("axis")
        .order_by("diagnostic_id", "axis__order")
    )
    tables.append(
        Table(
            "importance_des_axes",
            ["campagne", "axe", "importance"],
            [
                [names[i.diagnostic_id], i.axis.name, i.get_importance_display()]
                for i in importances
            ],
        )
    )
    answers = _answers(ids)
    tables.append(
        Table(
            "reponses",
            ["campagne", *ANSWER_HEADERS, "modifiée par"],
            [[names[a.diagnostic_id], *_answer_row(a), _user_name(a.updated_by)] for a in answers],
        )
    )
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
                    _user_name(a.owner) or a.owner_name,
                    _when(a.due_date),
                    a.get_status_display(),
                    a.note,
                    _when(a.created_at),
                    _user_name(a.created_by),
                    _when(a.updated_at),
                    _user_name(a.updated_by),
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
    tables.extend(_business_tables(office))
    return tables


def _axis_score_table(name: str, ids: list[int], names: dict[int, str]) -> Table:
    scores = (
        AxisScore.objects.filter(diagnostic_id__in=ids)
        .select_related("axis", "level")
        .order_by("diagnostic_id", "axis__order")
    )
    return Table(
        name,
        ["diagnostic", "axe", "score", "niveau", "questions répondues", "questions"],
        [
            [
                names[s.diagnostic_id],
                s.axis.name,
                s.score,
                s.level.name if s.level_id else "",
                s.answered,
                s.total,
            ]
            for s in scores
        ],
    )


def _business_tables(office: Office) -> list[Table]:
    businesses = Business.objects.filter(parent=office).order_by("name", "pk")
    campaigns = Campaign.objects.filter(organiser=office, audience=Audience.BUSINESSES)
    links = (
        BusinessLink.objects.filter(business__parent=office)
        .select_related("business", "campaign")
        .order_by("business__name", "created_at", "pk")
    )
    diagnostics = list(
        Diagnostic.objects.filter(organisation__parent=office)
        .select_related("organisation", "campaign", "overall_level")
        .order_by("organisation__name", "created_at", "pk")
    )
    # The office reads a business's scores and answers only once it agreed.
    shared = [d for d in diagnostics if office_reads(d)]
    names = {d.pk: f"{d.organisation.name} — {d.campaign.name}" for d in shared}
    shared_ids = [d.pk for d in shared]
    answers = _answers(shared_ids)
    return [
        Table(
            "campagnes_prestataires",
            ["campagne", "ouverture", "clôture"],
            [[c.name, _when(c.opens), _when(c.closes)] for c in campaigns.order_by("opens", "pk")],
        ),
        Table(
            "prestataires",
            ["nom", "activité", "précision", "commune", "adresse e-mail", "téléphone"],
            [
                [b.name, b.get_segment_display(), b.subtype, b.commune, b.email, b.phone]
                for b in businesses
            ],
        ),
        Table(
            "liens_prestataires",
            [
                "prestataire",
                "campagne",
                "créé le",
                "expire le",
                "dernier envoi",
                "envois",
                "première ouverture",
                "désactivé le",
            ],
            [
                [
                    link.business.name,
                    link.campaign.name,
                    _when(link.created_at),
                    _when(link.expires_at),
                    _when(link.last_sent_at),
                    link.sent_count,
                    _when(link.opened_at),
                    _when(link.revoked_at),
                ]
                for link in links
            ],
        ),
        Table(
            "diagnostics_prestataires",
            ["prestataire", *BUSINESS_DIAGNOSTIC_HEADERS],
            [
                [
                    d.organisation.name,
                    d.campaign.name,
                    d.get_status_display(),
                    _when(d.submitted_at),
                    _yes(d.share_details) if d.is_submitted else "",
                    d.overall_score if d.pk in names else None,
                    d.overall_level.name if d.pk in names and d.overall_level_id else "",
                ]
                for d in diagnostics
            ],
        ),
        _axis_score_table("scores_par_axe_prestataires", shared_ids, names),
        Table(
            "reponses_prestataires",
            ["prestataire et campagne", *ANSWER_HEADERS],
            [[names[a.diagnostic_id], *_answer_row(a)] for a in answers],
        ),
    ]


def office_zip(office: Office) -> bytes:
    """The director's copy of everything SNUT holds about the office: one CSV per table,
    the same tables in one JSON file, and a LISEZMOI.txt that says what is left out.
    Eighteen queries whatever the office's size."""
    tables = _office_tables(office)
    made_at = timezone.now()
    readme = "\n".join(
        [
            _("Ce que SNUT garde sur «\u00a0%(office)s\u00a0», copie du %(when)s.")
            % {"office": office.name, "when": _when(made_at)},
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
        "copie du": _when(made_at),
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
