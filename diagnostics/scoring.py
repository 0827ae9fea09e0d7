"""Turns answers into a maturity profile. Pure Python: no ORM, no Django.

Formula (also in the README):
- a question counts when it is answered with a choice; « non concerné » and
  unanswered questions leave both sides of the ratio;
- axis score = 100 × Σ(question weight × points obtained)
                   / Σ(question weight × best points of the question);
  no counted question (or only zero weights) means no score, not 0;
- overall score = Σ(axis weight × axis score) / Σ(axis weight), over the axes
  that have a score; none means no overall score;
- a score maps to the level with the greatest lower bound not above it;
- a priority is a counted question below its best choice, ranked by
  potential gain = question weight × axis weight × missing points.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChoiceSpec:
    id: int
    points: int
    label: str = ""
    recommendation: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    choices: tuple[ChoiceSpec, ...]
    weight: float = 1
    code: str = ""
    text: str = ""

    @property
    def best_points(self) -> int:
        return max((c.points for c in self.choices), default=0)


@dataclass(frozen=True)
class AxisSpec:
    id: int
    questions: tuple[QuestionSpec, ...]
    weight: float = 1
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class LevelSpec:
    lower_bound: float
    name: str
    id: int | None = None
    description: str = ""


@dataclass(frozen=True)
class AnswerSpec:
    """choice_id None with not_applicable False is an unanswered question."""

    question_id: int
    choice_id: int | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class QuestionResult:
    axis: AxisSpec
    question: QuestionSpec
    choice: ChoiceSpec
    gain: float  # question weight × axis weight × missing points

    @property
    def recommendation(self) -> str:
        return self.choice.recommendation


@dataclass(frozen=True)
class AxisResult:
    axis: AxisSpec
    score: float | None
    level: LevelSpec | None
    answered: int  # a choice or « non concerné »
    total: int
    strengths: tuple[QuestionResult, ...]
    priorities: tuple[QuestionResult, ...]

    @property
    def completion(self) -> float:
        return 100.0 * self.answered / self.total if self.total else 100.0


@dataclass(frozen=True)
class Profile:
    score: float | None
    level: LevelSpec | None
    axes: tuple[AxisResult, ...]
    priorities: tuple[QuestionResult, ...]  # across axes, biggest gain first
    strengths: tuple[QuestionResult, ...]  # across axes, biggest weight first

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.axes)

    @property
    def total(self) -> int:
        return sum(a.total for a in self.axes)

    @property
    def completion(self) -> float:
        return 100.0 * self.answered / self.total if self.total else 100.0

    @property
    def strong_axes(self) -> tuple[AxisResult, ...]:
        """Scored axes, best first."""
        scored = [a for a in self.axes if a.score is not None]
        return tuple(sorted(scored, key=lambda a: -a.score))


def level_for(score: float | None, levels: Sequence[LevelSpec]) -> LevelSpec | None:
    """The level with the greatest lower bound not above the score."""
    if score is None:
        return None
    reached = [lv for lv in levels if lv.lower_bound <= score]
    return max(reached, key=lambda lv: lv.lower_bound, default=None)


def weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Mean of (weight, value) pairs that have a value; None without any weight."""
    total_weight = 0.0
    total = 0.0
    for weight, value in pairs:
        if value is None or weight <= 0:
            continue
        total_weight += weight
        total += weight * value
    if total_weight == 0:
        return None
    return _clamp(total / total_weight)


def _clamp(score: float) -> float:
    # Guards the 0–100 contract against float rounding on the last digit.
    return min(100.0, max(0.0, score))


def score_axis(
    axis: AxisSpec, answers: dict[int, AnswerSpec], levels: Sequence[LevelSpec]
) -> AxisResult:
    obtained = 0.0
    possible = 0.0
    answered = 0
    strengths: list[QuestionResult] = []
    priorities: list[QuestionResult] = []
    for question in axis.questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        if answer.not_applicable:
            answered += 1
            continue
        choice = next((c for c in question.choices if c.id == answer.choice_id), None)
        if choice is None:
            continue  # unanswered, or a choice of another question: not counted
        answered += 1
        obtained += question.weight * choice.points
        possible += question.weight * question.best_points
        missing = question.best_points - choice.points
        if missing > 0:
            gain = question.weight * axis.weight * missing
            priorities.append(QuestionResult(axis, question, choice, gain))
        elif question.best_points > 0:
            gain = question.weight * axis.weight * question.best_points
            strengths.append(QuestionResult(axis, question, choice, gain))
    score = _clamp(100.0 * obtained / possible) if possible > 0 else None
    return AxisResult(
        axis=axis,
        score=score,
        level=level_for(score, levels),
        answered=answered,
        total=len(axis.questions),
        strengths=tuple(_ranked(strengths, axis_order=[axis])),
        priorities=tuple(_ranked(priorities, axis_order=[axis])),
    )


def _ranked(results: list[QuestionResult], axis_order: Sequence[AxisSpec]) -> list[QuestionResult]:
    """Biggest gain first; ties keep the questionnaire's order."""
    axis_rank = {a.id: i for i, a in enumerate(axis_order)}
    question_rank = {q.id: i for a in axis_order for i, q in enumerate(a.questions)}
    return sorted(
        results,
        key=lambda r: (-r.gain, axis_rank[r.axis.id], question_rank[r.question.id]),
    )


def score_diagnostic(
    axes: Sequence[AxisSpec], levels: Sequence[LevelSpec], answers: Iterable[AnswerSpec]
) -> Profile:
    """The full profile of one diagnostic; the order of answers does not matter."""
    by_question = {a.question_id: a for a in answers}
    results = tuple(score_axis(axis, by_question, levels) for axis in axes)
    overall = weighted_mean((r.axis.weight, r.score) for r in results)
    return Profile(
        score=overall,
        level=level_for(overall, levels),
        axes=results,
        priorities=tuple(_ranked([p for r in results for p in r.priorities], axes)),
        strengths=tuple(_ranked([s for r in results for s in r.strengths], axes)),
    )
