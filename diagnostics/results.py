"""One context builder for the results page and the PDF report.

Scores and levels come from what was stored at submission; strengths and
priorities come from the scoring service over the frozen answers.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from diagnostics import charts, scoring, selectors
from diagnostics.models import Answer, Axis, AxisScore, Diagnostic, MaturityLevel

PLAN_SIZE = 10
PEERS_COLOR = "#d08c00"
PREVIOUS_COLOR = "#7a5ea8"
SUMMARY_SIZE = 3


def shown(score: float) -> int:
    """The whole number a score is shown as. Rounding down keeps it consistent with
    the levels, whose bounds are whole numbers: 74.6 shows as 74, still « Maîtrise »."""
    return math.floor(score)


def difference(score: float | None, reference: float | None) -> int | None:
    """Points gained over a reference, between the numbers as shown; None when either is missing."""
    if score is None or reference is None:
        return None
    return shown(score) - shown(reference)


@dataclass
class AnnexRow:
    question: object
    answer: Answer | None

    @property
    def label(self) -> str:
        if self.answer is None:
            return _("Sans réponse")
        if self.answer.not_applicable:
            return _("Non concerné")
        return self.answer.choice.label if self.answer.choice else _("Sans réponse")


@dataclass
class AxisView:
    axis: Axis
    result: scoring.AxisResult
    score: float | None
    level: MaturityLevel | None
    peer_median: float | None = None
    previous: float | None = None
    annex: list[AnnexRow] = field(default_factory=list)

    @property
    def delta_peers(self) -> float | None:
        return difference(self.score, self.peer_median)

    @property
    def delta_previous(self) -> float | None:
        return difference(self.score, self.previous)


@dataclass
class Results:
    diagnostic: Diagnostic
    profile: scoring.Profile
    axes: list[AxisView]
    levels: list[MaturityLevel]
    peers: selectors.PeerMedians
    previous: selectors.PreviousScores
    radar: dict

    @property
    def score(self) -> float | None:
        value = self.diagnostic.overall_score
        return None if value is None else float(value)

    @property
    def level(self) -> MaturityLevel | None:
        return self.diagnostic.overall_level

    @property
    def previous_overall(self) -> float | None:
        previous = self.previous.diagnostic
        return (
            None
            if previous is None or previous.overall_score is None
            else float(previous.overall_score)
        )

    @property
    def delta_previous(self) -> float | None:
        return difference(self.score, self.previous_overall)

    @property
    def delta_peers(self) -> float | None:
        return difference(self.score, self.peers.overall if self.peers.shown else None)

    @property
    def level_bands(self) -> list[tuple[MaturityLevel, int]]:
        """Each level with the bound where the next one starts (100 for the last)."""
        uppers = [lv.lower_bound for lv in self.levels[1:]] + [100]
        return list(zip(self.levels, uppers, strict=True))

    @property
    def plan(self) -> tuple[scoring.QuestionResult, ...]:
        return self.profile.priorities[:PLAN_SIZE]

    @property
    def top_priorities(self) -> tuple[scoring.QuestionResult, ...]:
        return self.profile.priorities[:SUMMARY_SIZE]

    @property
    def top_strengths(self) -> tuple[scoring.QuestionResult, ...]:
        return self.profile.strengths[:SUMMARY_SIZE]

    @property
    def strong_axes(self) -> list[AxisView]:
        scored = [a for a in self.axes if a.score is not None]
        return sorted(scored, key=lambda a: -a.score)


def build_results(diagnostic: Diagnostic) -> Results:
    """Everything the results page and the report show, in a fixed number of queries."""
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    levels = list(diagnostic.questionnaire.levels.order_by("lower_bound"))
    level_specs = [
        scoring.LevelSpec(id=lv.pk, lower_bound=lv.lower_bound, name=lv.name) for lv in levels
    ]
    answers = list(Answer.objects.filter(diagnostic=diagnostic).select_related("choice"))
    profile = scoring.score_diagnostic(
        selectors.scoring_axes(axes), level_specs, selectors.scoring_answers(answers)
    )
    stored = {s.axis_id: s for s in AxisScore.objects.filter(diagnostic=diagnostic)}
    levels_by_id = {lv.pk: lv for lv in levels}
    answers_by_question = {a.question_id: a for a in answers}
    peers = selectors.peer_medians(diagnostic)
    previous = selectors.previous_scores(diagnostic)

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
            )
        )

    series = [
        charts.Series("office", diagnostic.office.name, tuple(v.score for v in views), filled=True)
    ]
    if peers.shown:
        series.append(
            charts.Series(
                "peers",
                _("Offices comparables (médiane)"),
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
    return Results(
        diagnostic=diagnostic,
        profile=profile,
        axes=views,
        levels=levels,
        peers=peers,
        previous=previous,
        radar=radar,
    )
