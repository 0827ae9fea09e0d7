"""The express diagnostic's fit: which few questions of each axis best predict the full axis
score, and how far the full score may stand from the express one. Pure Python: no ORM, no
Django; it reads scoring's plain specs and scores with scoring's own formula.

- A **population** is a list of respondents, each a mapping question id → AnswerSpec. It is
  simulated from the scoring model (`simulate`, seeded: the same seed gives the same
  population), the way the demo answers: each office has a maturity (0–1), each axis a bias,
  each answer the choice of rank round(p × (choices − 1)) with p drawn around maturity + bias;
  a question that allows « non concerné » gets it one time in ten.
- The **express score** S of an axis is the axis score that scoring computes on the chosen
  questions alone (their weights and points as in the full questionnaire), the same engine.
- **Choosing**: per axis, every set of `per_axis` questions is tried; the one whose express
  score has the least mean absolute error against the full axis score wins (ties: the
  shorter read). `fit` shares MAX_QUESTIONS among the axes, MIN_PER_AXIS each first.
- The **estimate** of an axis borrows from the others (three answers say little alone):
  E = S + λ × (M − S), M the mean express score of the axes that have one, λ (the axis's
  shrinkage, 0 to 0.6) the one that errs least on the population. Stored at submission.
- **Margin**: the 10th and 90th percentiles of (full − E) over another population (seed + 1):
  eight offices in ten whose estimate is E have a full score between E − below and E + above.
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
    shrinkage: int  # λ in hundredths (module docstring)


def simulate(
    axes: Sequence[AxisSpec], *, size: int = POPULATION, seed: int = SEED, allows_na=frozenset()
) -> list[dict[int, AnswerSpec]]:
    """`size` complete diagnostics drawn as the demo draws them (module docstring);
    `allows_na`: the ids of the questions that allow « non concerné »."""
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
    not count (unanswered, « non concerné »)."""
    if answer is None or answer.not_applicable:
        return 0.0, 0.0
    choice = next((c for c in question.choices if c.id == answer.choice_id), None)
    if choice is None:
        return 0.0, 0.0
    return question.weight * choice.points, question.weight * question.best_points


def estimates(
    scores: Mapping[str, float | None], shrinkage: Mapping[str, float]
) -> dict[str, float | None]:
    """Each axis's estimate from the express scores of all axes (module docstring); an axis
    without a score has none. `shrinkage`: λ per axis code, 0–1."""
    present = [v for v in scores.values() if v is not None]
    if not present:
        return dict(scores)
    mean = sum(present) / len(present)
    return {
        code: None if value is None else value + shrinkage.get(code, 0) * (mean - value)
        for code, value in scores.items()
    }


SHRINKAGES = tuple(range(0, 61, 5))  # λ in hundredths, tried by `fit`


def _scored(axes, chosen, population):
    """(full scores, express scores) by axis code, per respondent."""
    shorts = [abbreviated(axis, chosen[axis.code]) for axis in axes]
    return [
        (
            {axis.code: axis_score(axis, answers) for axis in axes},
            {short.code: axis_score(short, answers) for short in shorts},
        )
        for answers in population
    ]


def _differences(rows, code: str, shrinkage: Mapping[str, float]) -> list[float]:
    out = []
    for full, short in rows:
        estimate = estimates(short, shrinkage)[code]
        if full[code] is not None and estimate is not None:
            out.append(full[code] - estimate)
    return out


def describe(
    axes: Sequence[AxisSpec],
    chosen: Mapping[str, Sequence[str]],
    shrinkage: Mapping[str, int],
    population: Sequence[Respondent],
) -> list[AxisFit]:
    """The error and margins of estimating each axis from the questions `chosen` (codes by
    axis code) with these shrinkages (hundredths)."""
    rows = _scored(axes, chosen, population)
    lambdas = {code: value / 100 for code, value in shrinkage.items()}
    fits = []
    for axis in axes:
        differences = _differences(rows, axis.code, lambdas)
        fits.append(
            AxisFit(
                code=axis.code,
                questions=tuple(q.code for q in axis.questions if q.code in chosen[axis.code]),
                mean_absolute_error=mean_absolute_error(differences),
                below=max(0, math.ceil(-quantile(differences, LOW_QUANTILE))),
                above=max(0, math.ceil(quantile(differences, HIGH_QUANTILE))),
                shrinkage=shrinkage.get(axis.code, 0),
            )
        )
    return fits


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
    axis that errs most, each axis's set and shrinkage chosen on one simulated population;
    the errors and margins are measured on another (seed + 1), not on the one the choice was
    fitted to."""
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
    codes = {code: found[0] for code, found in chosen.items()}
    # An axis's λ moves only its own estimate (the mean is of the express scores).
    rows = _scored(axes, codes, training)
    shrinkage = {
        axis.code: min(
            SHRINKAGES,
            key=lambda h, code=axis.code: mean_absolute_error(
                _differences(rows, code, {code: h / 100})
            ),
        )
        for axis in axes
    }
    return describe(axes, codes, shrinkage, testing)


def indicative_range(estimate: float, below: int, above: int) -> tuple[int, int]:
    """« entre X et Y »: the estimate widened by its margins, within 0–100, in whole points."""
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
