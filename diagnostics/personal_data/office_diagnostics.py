"""An office's copy, its diagnostics: each one with its axis scores, the importance the team
gave the axes, who was consulted for « Avis de l’équipe », the targets set after it and its
answers."""

from diagnostics.models import AxisImportance, AxisScore, AxisTarget, Diagnostic, Office, Respondent
from diagnostics.personal_data.business import ANSWER_HEADERS, answer_row, answers_of
from diagnostics.personal_data.tables import Table, user_name, when_text


def diagnostic_tables(office: Office) -> list[Table]:
    """The office's diagnostics and what was said or set about them: six queries."""
    tables = []
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
                    user_name(d.created_by),
                    when_text(d.submitted_at),
                    user_name(d.submitted_by),
                    d.overall_score,
                    d.overall_level.name if d.overall_level_id else "",
                ]
                for d in diagnostics
            ],
        )
    )
    tables.append(axis_score_table("scores_par_axe", ids, names))
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
                    user_name(t.created_by),
                    user_name(t.updated_by),
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
            [[names[a.diagnostic_id], *answer_row(a), user_name(a.updated_by)] for a in answers],
        )
    )
    return tables


def axis_score_table(name: str, ids: list[int], names: dict[int, str]) -> Table:
    """The axis scores of the diagnostics `ids`, each named by `names`: one query."""
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
