"""The express diagnostic's fit: which few questions of each axis best predict the full axis
score, and how far the full score may stand from the express one. Pure Python: no ORM, no
Django; it reads scoring's plain specs and scores with scoring's own formula.

- A **population** is a list of respondents, each a mapping question id → AnswerSpec. It is
  simulated from the scoring model (`simulate`, seeded: the same seed gives the same
  population), the way the demo answers: each office has a maturity (0–1), each axis a bias,
  each answer the choice of rank round(p × (choices − 1)) with p drawn around maturity + bias;
  a question that allows « non concerné » gets it one time in ten.
- The **express estimate** of an axis is the axis score that scoring computes on the chosen
  questions alone (their weights and points as in the full questionnaire): the same engine
  scores an express diagnostic, with no other formula.
- **Choosing**: per axis, every set of `per_axis` questions is tried; the one whose estimate
  has the least mean absolute error against the full axis score wins (ties: the shorter read).
- **Margin**: the 10th and 90th percentiles of (full − express) over the population: eight
  offices in ten whose express estimate is E have a full score between E − below and E + above.
"""

import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from diagnostics.scoring import AnswerSpec, AxisSpec, QuestionSpec, score_axis

Respondent = Mapping[int, AnswerSpec]

PER_AXIS = 3
MIN_PER_AXIS = 2
MAX_QUESTIONS = 18
MAX_MINUTES = 15
TARGET_ERROR = 8  # points: the mean absolute error aimed at, per axis
POPULATION = 2000
SEED = 2026
LOW_QUANTILE, HIGH_QUANTILE = 0.10, 0.90


@dataclass(frozen=True)
class AxisFit:
    code: str
    questions: tuple[str, ...]  # codes, in the full questionnaire's order
    mean_absolute_error: float
    below: int  # the full score may stand this many points under the estimate…
    above: int  # …and this many over it (eight times in ten)


def simulate(
    axes: Sequence[AxisSpec], *, size: int = POPULATION, seed: int = SEED, allows_na=frozenset()
) -> list[dict[int, AnswerSpec]]:
    """`size` complete diagnostics drawn as the demo draws them (module docstring);
    `allows_na`: the ids of the questions that allow « non concerné »."""
    rng = random.Random(seed)
    population = []
    for _ in range(size):
        maturity = rng.uniform(0.15, 0.85)
        answers: dict[int, AnswerSpec] = {}
        for axis in axes:
            bias = rng.uniform(-0.25, 0.25)
            for question in axis.questions:
                if question.id in allows_na and rng.random() < 0.1:
                    answers[question.id] = AnswerSpec(question.id, not_applicable=True)
                    continue
                p = min(0.98, max(0.0, rng.gauss(maturity + bias, 0.2)))
                choice = question.choices[round(p * (len(question.choices) - 1))]
                answers[question.id] = AnswerSpec(question.id, choice_id=choice.id)
        population.append(answers)
    return population


def axis_score(axis: AxisSpec, answers: Respondent) -> float | None:
    return score_axis(axis, answers, ()).score


def abbreviated(axis: AxisSpec, codes: Sequence[str]) -> AxisSpec:
    """The axis reduced to the questions of these codes, in its own order."""
    return replace(axis, questions=tuple(q for q in axis.questions if q.code in codes))


def errors(axis: AxisSpec, express: AxisSpec, population: Sequence[Respondent]) -> list[float]:
    """full − express for every respondent who has both scores."""
    out = []
    for answers in population:
        full, short = axis_score(axis, answers), axis_score(express, answers)
        if full is not None and short is not None:
            out.append(full - short)
    return out


def mean_absolute_error(differences: Sequence[float]) -> float:
    return sum(abs(d) for d in differences) / len(differences) if differences else math.nan


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def choose(
    axis: AxisSpec,
    population: Sequence[Respondent],
    *,
    per_axis: int = PER_AXIS,
    seconds: Mapping[str, float] | None = None,
) -> tuple[tuple[str, ...], float]:
    """The codes of the `per_axis` questions of the axis whose estimate errs least (module
    docstring), and that error."""
    seconds = seconds or {}
    # Each respondent's full score once, and each question's share of it: a subset's
    # estimate is then a sum (the same ratio as scoring's, checked by the tests).
    rows = []
    for answers in population:
        full = axis_score(axis, answers)
        if full is not None:
            rows.append((full, [_contribution(q, answers.get(q.id)) for q in axis.questions]))

    def cost(subset: tuple[int, ...]) -> tuple[float, float]:
        total, counted = 0.0, 0
        for full, parts in rows:
            obtained = sum(parts[i][0] for i in subset)
            possible = sum(parts[i][1] for i in subset)
            if possible > 0:
                total += abs(full - 100.0 * obtained / possible)
                counted += 1
        error = total / counted if counted else math.inf
        return error, sum(seconds.get(axis.questions[i].code, 0) for i in subset)

    size = min(per_axis, len(axis.questions))
    best = min(combinations(range(len(axis.questions)), size), key=cost)
    return tuple(axis.questions[i].code for i in best), cost(best)[0]


def _contribution(question: QuestionSpec, answer: AnswerSpec | None) -> tuple[float, float]:
    """(weight × points obtained, weight × best points) of one answer; (0, 0) when it does
    not count (unanswered, « non concerné »)."""
    if answer is None or answer.not_applicable:
        return 0.0, 0.0
    choice = next((c for c in question.choices if c.id == answer.choice_id), None)
    if choice is None:
        return 0.0, 0.0
    return question.weight * choice.points, question.weight * question.best_points


def describe(axis: AxisSpec, codes: Sequence[str], population: Sequence[Respondent]) -> AxisFit:
    """The error and margins of estimating `axis` from the questions `codes`."""
    differences = errors(axis, abbreviated(axis, codes), population)
    return AxisFit(
        code=axis.code,
        questions=tuple(q.code for q in axis.questions if q.code in codes),
        mean_absolute_error=mean_absolute_error(differences),
        below=max(0, math.ceil(-quantile(differences, LOW_QUANTILE))),
        above=max(0, math.ceil(quantile(differences, HIGH_QUANTILE))),
    )


def fit(
    axes: Sequence[AxisSpec],
    *,
    allows_na=frozenset(),
    total: int = MAX_QUESTIONS,
    seconds: Mapping[str, float] | None = None,
    size: int = POPULATION,
    seed: int = SEED,
) -> list[AxisFit]:
    """`total` questions shared among the axes: MIN_PER_AXIS each, then one at a time to the
    axis that errs most, each axis's set chosen on one simulated population; the errors and
    margins are measured on another (seed + 1), not on the one the choice was fitted to."""
    training = simulate(axes, size=size, seed=seed, allows_na=allows_na)
    testing = simulate(axes, size=size, seed=seed + 1, allows_na=allows_na)
    chosen = {
        axis.code: choose(axis, training, per_axis=MIN_PER_AXIS, seconds=seconds) for axis in axes
    }
    for _ in range(total - MIN_PER_AXIS * len(axes)):
        growable = [a for a in axes if len(chosen[a.code][0]) < len(a.questions)]
        if not growable:
            break
        worst = max(growable, key=lambda a: chosen[a.code][1])
        more = len(chosen[worst.code][0]) + 1
        chosen[worst.code] = choose(worst, training, per_axis=more, seconds=seconds)
    return [describe(axis, chosen[axis.code][0], testing) for axis in axes]


def indicative_range(estimate: float, below: int, above: int) -> tuple[int, int]:
    """« entre X et Y »: the estimate widened by its margins, within 0–100, in whole points."""
    return max(0, math.floor(estimate - below)), min(100, math.ceil(estimate + above))


# --- reading time, as the README measures the full questionnaire ---------------------

WORDS_PER_MINUTE = 200
SECONDS_PER_DECISION = 15
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def words(*texts: str) -> int:
    return sum(len(_WORD.findall(text)) for text in texts)


def question_seconds(text: str, help_text: str, labels: Sequence[str]) -> float:
    """What one question costs a director: its words (question, help, choices) read at 200
    a minute, and 15 s to decide."""
    return 60 * words(text, help_text, *labels) / WORDS_PER_MINUTE + SECONDS_PER_DECISION
