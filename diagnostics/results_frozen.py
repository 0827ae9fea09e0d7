"""What a submitted diagnostic's answers and stored scores give (`Frozen`): the profile,
scored with the comparisons, the board's importance and the targets; the axis cards; the
radar. The same for every view of one submission; results.Results computes it on first use."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from diagnostics import applicability, charts, scoring, selectors
from diagnostics.models import AxisScore, MaturityLevel
from diagnostics.results_parts import AnnexRow, AxisView, Narratives, plan_item
from diagnostics.selectors import opinions

PEERS_COLOR = "#d08c00"
PREVIOUS_COLOR = "#7a5ea8"


@dataclass
class Frozen:
    """What a submitted diagnostic's answers and stored scores give, with its comparisons:
    the same for every view of one submission (Results computes it on first use)."""

    profile: scoring.Profile
    axes: list[AxisView]
    levels: list[MaturityLevel]
    radar: dict
    comments: dict[int, str]  # question id → comment
    applicable: applicability.Applicable
    board: opinions.BoardImportance | None  # the importance said by the board, if asked


def frozen(results) -> Frozen:
    """What the answers and the stored scores give to `results` (a results.Results), with
    the comparisons, the board's importance (closed at submission) and the targets (which
    order the plan)."""
    diagnostic, peers, previous = results.diagnostic, results.peers, results.previous
    structure = selectors.questionnaire_axes(diagnostic.questionnaire)
    applicable = applicability.applicable(structure, diagnostic.organisation)
    axes = applicable.scored
    levels = results.levels
    level_specs = [
        scoring.LevelSpec(id=lv.pk, lower_bound=lv.lower_bound, name=lv.name) for lv in levels
    ]
    answers = results.answers
    team_opinions = results.team_opinions
    stored = {s.axis_id: s for s in AxisScore.objects.filter(diagnostic=diagnostic)}
    board = None
    if team_opinions is not None and team_opinions.is_open:
        board = opinions.board_importance(diagnostic)
    importance = selectors.axis_importances(diagnostic)
    if board is not None and board.respondents:
        # Asked of the board and the partners, their median decides the matrix and the plan.
        importance = {**importance, **board.medians}

    # A business sets no target: only offices do, after reading their results.
    targets = results.target_rows
    # One story for every section: scoring decides it from the scores as shown.
    profile = scoring.score_diagnostic(
        selectors.scoring_axes(axes),
        level_specs,
        selectors.scoring_answers(answers),
        importance=importance,
        peer_medians={
            a.pk: peers.axes[a.code] for a in axes if peers.shown and a.code in peers.axes
        },
        stored_scores={pk: None if s.score is None else float(s.score) for pk, s in stored.items()},
        targets={
            t.axis_id: scoring.LevelSpec(
                id=t.level_id, lower_bound=t.level.lower_bound, name=t.level.name
            )
            for t in targets
        },
    )
    narratives = Narratives(diagnostic.questionnaire)
    comments = {a.question_id: a.comment for a in answers if a.comment.strip()}
    levels_by_id = {lv.pk: lv for lv in levels}
    answers_by_question = {a.question_id: a for a in answers}

    views = []
    for axis, result in zip(axes, profile.axes, strict=True):
        if axis.pk in stored:  # submitted: the stored score is the truth
            score = None if stored[axis.pk].score is None else float(stored[axis.pk].score)
            level = levels_by_id.get(stored[axis.pk].level_id)
        else:
            score = result.score
            level = levels_by_id.get(result.level.id) if result.level else None
        views.append(
            AxisView(
                axis=axis,
                result=result,
                score=score,
                level=level,
                peer_median=peers.axes.get(axis.code) if peers.shown else None,
                previous=previous.axes.get(axis.code),
                annex=[AnnexRow(q, answers_by_question.get(q.pk)) for q in axis.questions.all()],
                narratives=narratives,
                focus=[plan_item(r, comments) for r in result.focus],
                later=[plan_item(r, comments) for r in result.priorities[len(result.focus) :]],
                further=[
                    plan_item(r, comments) for r in result.strengths if r.recommendation.strip()
                ],
                quadrant=result.quadrant,
            )
        )

    organisation = diagnostic.organisation
    series = [
        charts.Series("office", organisation.name, tuple(v.score for v in views), filled=True)
    ]
    if peers.shown:
        series.append(
            charts.Series(
                "peers",
                _("Prestataires comparables (médiane)")
                if organisation.is_business
                else _("Offices comparables (médiane)"),
                tuple(v.peer_median for v in views),
                color=PEERS_COLOR,
                dash="6 4",
            )
        )
    if previous.diagnostic is not None:
        series.append(
            charts.Series(
                "previous",
                _("Diagnostic précédent"),
                tuple(v.previous for v in views),
                color=PREVIOUS_COLOR,
                dash="2 3",
            )
        )
    radar = charts.radar([a.name for a in axes], series)
    return Frozen(
        profile=profile,
        axes=views,
        levels=levels,
        radar=radar,
        comments=comments,
        applicable=applicable,
        board=board,
    )
