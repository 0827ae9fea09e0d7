"""An office's copy (the director's ZIP): the office, its team, invitations, diagnostics and plan,
its businesses' contact data and links, and the detail of those that agreed to share it."""

import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics.models import (
    Action,
    Audience,
    AxisImportance,
    AxisScore,
    AxisTarget,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    Invitation,
    Membership,
    Office,
    Respondent,
    Training,
)
from diagnostics.personal_data.business import (
    ANSWER_HEADERS,
    BUSINESS_DIAGNOSTIC_HEADERS,
    answer_row,
    answers_of,
)
from diagnostics.personal_data.tables import Table, when_text, yes_no
from diagnostics.visibility import office_reads

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
                "site web",
                "apparaît dans les pistes de mutualisation",
                "propose des rendez-vous individuels aux prestataires",
                "re-diagnostic des participants (mois après l’atelier)",
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
                    office.website,
                    yes_no(office.pooling_opt_in),
                    yes_no(office.offers_appointments),
                    office.rediagnosis_months,
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
                    yes_no(m.role == Membership.Role.DIRECTOR or m.can_manage_businesses),
                    when_text(m.user.date_joined),
                    when_text(m.user.last_login),
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
                    when_text(i.created_at),
                    when_text(i.expires_at),
                    when_text(i.last_sent_at),
                    when_text(i.accepted_at),
                    _user_name(i.accepted_by),
                    when_text(i.revoked_at),
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
                    when_text(d.created_at),
                    _user_name(d.created_by),
                    when_text(d.submitted_at),
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
    # « Avis de l’équipe »: who was consulted, never what each one answered (visibility.py).
    consulted = (
        Respondent.objects.filter(round__diagnostic_id__in=ids)
        .select_related("user", "round")
        .order_by("round__diagnostic_id", "created_at", "pk")
    )
    tables.append(
        Table(
            "avis_personnes_consultees",
            [
                "campagne",
                "nom",
                "adresse e-mail",
                "rôle",
                "invitée le",
                "a répondu le",
                "lien retiré le",
            ],
            [
                [
                    names[r.round.diagnostic_id],
                    r.display_name if r.erased_at is None else "",
                    r.user.email if r.user_id else r.email,
                    r.get_role_display(),
                    when_text(r.created_at),
                    when_text(r.answered_at),
                    when_text(r.revoked_at),
                ]
                for r in consulted
            ],
        )
    )
    targets = (
        AxisTarget.objects.filter(diagnostic_id__in=ids)
        .select_related("axis", "level", "created_by", "updated_by")
        .order_by("diagnostic_id", "axis__order")
    )
    tables.append(
        Table(
            "niveaux_vises",
            ["campagne", "axe", "niveau visé", "échéance", "fixé par", "modifié par", "modifié le"],
            [
                [
                    names[t.diagnostic_id],
                    t.axis.name,
                    t.level.name,
                    t.due_date.isoformat(),
                    _user_name(t.created_by),
                    _user_name(t.updated_by),
                    when_text(t.updated_at),
                ]
                for t in targets
            ],
        )
    )
    answers = answers_of(ids)
    tables.append(
        Table(
            "reponses",
            ["campagne", *ANSWER_HEADERS, "modifiée par"],
            [[names[a.diagnostic_id], *answer_row(a), _user_name(a.updated_by)] for a in answers],
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
                    when_text(a.due_date),
                    a.get_status_display(),
                    a.note,
                    when_text(a.created_at),
                    _user_name(a.created_by),
                    when_text(a.updated_at),
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
    answers = answers_of(shared_ids)
    return [
        Table(
            "campagnes_prestataires",
            ["campagne", "ouverture", "clôture"],
            [
                [c.name, when_text(c.opens), when_text(c.closes)]
                for c in campaigns.order_by("opens", "pk")
            ],
        ),
        Table(
            "prestataires",
            ["nom", "activité", "précision", "commune", "adresse e-mail", "téléphone", "site web"],
            [
                [b.name, b.get_segment_display(), b.subtype, b.commune, b.email, b.phone, b.website]
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
                    when_text(link.created_at),
                    when_text(link.expires_at),
                    when_text(link.last_sent_at),
                    link.sent_count,
                    when_text(link.opened_at),
                    when_text(link.revoked_at),
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
                    when_text(d.submitted_at),
                    yes_no(d.share_details) if d.is_submitted else "",
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
            [[names[a.diagnostic_id], *answer_row(a)] for a in answers],
        ),
    ]


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
