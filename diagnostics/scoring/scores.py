"""Scores and levels: an axis's score from its answers, with its strengths and priorities
(ranked by gain), the weighted overall score, the level a score reaches, the weak answers."""

from collections.abc import Iterable, Sequence

from diagnostics.scoring.specs import (
    AnswerSpec,
    AxisResult,
    AxisSpec,
    LevelSpec,
    QuestionResult,
)

WEAK_SHARE = 0.5  # a weak answer earns less than half of its question's best points


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


def is_weak(points: float, best: float) -> bool:
    """Whether a choice worth `points` is a weak answer to a question whose best choice is
    worth `best`: under WEAK_SHARE of it."""
    return bool(best) and points < WEAK_SHARE * best


def weak_questions(axes: Sequence[AxisSpec], answers: Iterable[AnswerSpec]) -> list[str]:
    """The codes of the questions answered weakly (`is_weak`), in the questionnaire's order:
    over every question of `axes`, counted or not; « non concerné », an unanswered question
    and a choice of another question are never weak. What a diagnostic stores at submission."""
    chosen = {a.question_id: a.choice_id for a in answers if a.choice_id is not None}
    codes = []
    for axis in axes:
        for question in axis.questions:
            choice_id = chosen.get(question.id)
            if choice_id is None:
                continue
            best = question.best_points
            if any(c.id == choice_id and is_weak(c.points, best) for c in question.choices):
                codes.append(question.code)
    return codes


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
            if gain > 0:
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
        strengths=tuple(ranked(strengths, axis_order=[axis])),
        priorities=tuple(ranked(priorities, axis_order=[axis])),
    )


def ranked(results: list[QuestionResult], axis_order: Sequence[AxisSpec]) -> list[QuestionResult]:
    """Biggest gain first; ties keep the questionnaire's order."""
    axis_rank = {a.id: i for i, a in enumerate(axis_order)}
    question_rank = {q.id: i for a in axis_order for i, q in enumerate(a.questions)}
    return sorted(
        results,
        key=lambda r: (-r.gain, axis_rank[r.axis.id], question_rank[r.question.id]),
    )
