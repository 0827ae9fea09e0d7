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
- a priority is a counted question below its best choice with a positive
  potential gain = question weight × axis weight × missing points (a weight-0
  or unscored question is never one);
- the story every page tells is decided once, in `score_diagnostic` (`quadrant`,
  `_strengths`, `axis_place`), from each axis's score as shown (a whole number,
  `formatting.shown`), level, importance for the territory (it never changes a
  score) and, when known, the median of similar offices:
  - quadrant = importance (essential or important / secondary) × performance
    (weak at the first levels, `is_beginner`): « reinforce », « maintain »,
    « secondary », « watch »;
  - strengths = among the STRONG_AXES best axes (ties kept, above the lowest),
    those of strong performance and not below the median of similar offices;
    so a strength always stands in « maintain » or « watch »;
  - axes in plan order: « reinforce » (essential before important), then
    « maintain » (weakest first: an axis to maintain never leads a weaker
    important one), then « secondary », then « watch »; axes without a score
    have no priority; after importance (and, to maintain, the score), the axis
    furthest from the team's target level (« le niveau visé ») comes first;
- distance to a target = points to go (the target level's lower bound − the
  score as shown, 0 once reached) and levels to go (the levels whose lower
  bound lies above the score, up to the target's); a target never changes a
  score;
- priorities are ordered by their axis's place in that order, then, for an
  office at the first levels, quick wins first, then by gain; the plan keeps at
  most FOCUS_PER_AXIS of them per axis, and its first ones are the headline
  priorities: while an axis stands in « reinforce », they come from it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from diagnostics.formatting import shown

EFFORTS = ("quick", "worksite", "project")  # action rapide, chantier, projet
SCALES = ("office", "local", "department", "region")
IMPORTANCES = ("essential", "important", "secondary")
DEFAULT_IMPORTANCE = "important"
FOCUS_PER_AXIS = 3
STRONG_AXES = 2  # how many of its best axes an office may call strengths (more on a tie)
# The matrix's quadrants in the plan's order of axes.
QUADRANTS = ("reinforce", "maintain", "secondary", "watch")
_UNKNOWN_EFFORT = EFFORTS.index("worksite")  # a version-1 choice has no effort
WEAK_SHARE = 0.5  # a weak answer earns less than half of its question's best points


@dataclass(frozen=True)
class ChoiceSpec:
    id: int
    points: int
    label: str = ""
    recommendation: str = ""
    effort: str = ""  # one of EFFORTS, or "" when the questionnaire does not say
    scale: str = ""  # one of SCALES, or ""


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
    importance: str = DEFAULT_IMPORTANCE
    shown_score: int | None = None  # the whole number the pages show and the story compares
    quadrant: str | None = None  # one of QUADRANTS; None without a score
    strength: bool = False  # named among the office's strong axes
    held_back: bool = False  # among the best and strong, but below similar offices' median
    target: LevelSpec | None = None  # « le niveau visé » by the team, if any
    points_to_target: int | None = None  # 0 once reached; None without a target or a score
    levels_to_target: int | None = None

    @property
    def completion(self) -> float:
        return 100.0 * self.answered / self.total if self.total else 100.0

    @property
    def focus(self) -> tuple[QuestionResult, ...]:
        """The priorities to work on first on this axis."""
        return self.priorities[:FOCUS_PER_AXIS]


@dataclass(frozen=True)
class Profile:
    score: float | None
    level: LevelSpec | None
    axes: tuple[AxisResult, ...]
    priorities: tuple[QuestionResult, ...]  # across axes, in plan order
    strengths: tuple[QuestionResult, ...]  # across axes, biggest weight first
    quick_first: bool = False  # an office at the first levels: quick wins lead
    tied: bool = False  # a tie at the strengths' cut: every tied axis is named
    none_stands_out: bool = False  # every scored axis shows the same number
    weak_up_to: LevelSpec | None = None  # no strength: the best axes are not past this level

    @property
    def plan(self) -> tuple[QuestionResult, ...]:
        """The focus priorities of every axis (at most FOCUS_PER_AXIS each), in plan order."""
        focus = {r.question.id for a in self.axes for r in a.focus}
        return tuple(r for r in self.priorities if r.question.id in focus)

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
        """The axes named strengths, best first."""
        return tuple(sorted((a for a in self.axes if a.strength), key=lambda a: -a.shown_score))

    @property
    def held_back_axes(self) -> tuple[AxisResult, ...]:
        """Among the best, but below the median of similar offices: not strengths."""
        return tuple(sorted((a for a in self.axes if a.held_back), key=lambda a: -a.shown_score))


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


def is_beginner(level: LevelSpec | None, levels: Sequence[LevelSpec]) -> bool:
    """At the first levels: the lower half of the ladder, or no score at all."""
    if level is None:
        return True
    bounds = sorted(lv.lower_bound for lv in levels)
    return bounds.index(level.lower_bound) < max(1, len(bounds) // 2)


def effort_rank(choice: ChoiceSpec) -> int:
    return EFFORTS.index(choice.effort) if choice.effort in EFFORTS else _UNKNOWN_EFFORT


def importance_rank(importance: str) -> int:
    return IMPORTANCES.index(importance) if importance in IMPORTANCES else 1


def _plan_ordered(
    results: list[QuestionResult],
    axis_order: Sequence[AxisSpec],
    places: Mapping[int, tuple],
    quick_first: bool,
) -> list[QuestionResult]:
    """The axis's place in the story first; then quick wins first for a beginner; then gain."""
    axis_rank = {a.id: i for i, a in enumerate(axis_order)}
    question_rank = {q.id: i for a in axis_order for i, q in enumerate(a.questions)}

    def key(r: QuestionResult):
        effort = effort_rank(r.choice)
        return (
            places[r.axis.id],
            effort if quick_first else 0,
            -r.gain,
            effort,
            axis_rank[r.axis.id],
            question_rank[r.question.id],
        )

    return sorted(results, key=key)


def axis_place(result: AxisResult) -> tuple:
    """Where an axis's priorities come in the plan: « reinforce » first, essential before
    important; « maintain » weakest first; then « secondary », « watch », the unscored;
    after importance, the axis furthest from its target level first."""
    if result.quadrant is None:
        return (len(QUADRANTS), 0, 0, 0)
    rank = QUADRANTS.index(result.quadrant)
    importance = importance_rank(result.importance)
    to_go = -(result.points_to_target or 0)
    if result.quadrant == "maintain":
        return (rank, result.shown_score, importance, to_go)
    return (rank, importance, to_go, 0)


def target_distance(
    shown_score: int | None, target: LevelSpec | None, levels: Sequence[LevelSpec]
) -> tuple[int | None, int | None]:
    """(points to go, levels to go) from a score as shown to a target level: 0 once
    reached; (None, None) without a target or a score."""
    if target is None or shown_score is None:
        return None, None
    points = max(0, int(target.lower_bound) - shown_score)
    steps = sum(1 for lv in levels if shown_score < lv.lower_bound <= target.lower_bound)
    return points, steps


@dataclass(frozen=True)
class _Strengths:
    named: frozenset[int]
    held_back: frozenset[int]
    tied: bool
    none_stands_out: bool
    weak_up_to: LevelSpec | None


def _strengths(
    results: Sequence[AxisResult], levels: Sequence[LevelSpec], peer_medians: Mapping[int, float]
) -> _Strengths:
    """Among the STRONG_AXES best axes (ties kept, above the lowest), those of strong
    performance and not below the median of similar offices, compared as shown."""
    scored = sorted((r for r in results if r.shown_score is not None), key=lambda r: -r.shown_score)
    if len(scored) < 2 or scored[0].shown_score == scored[-1].shown_score:
        return _Strengths(frozenset(), frozenset(), False, len(scored) >= 2, None)
    cut = scored[min(STRONG_AXES, len(scored)) - 1].shown_score
    lowest = scored[-1].shown_score
    best = [r for r in scored if r.shown_score >= cut and r.shown_score > lowest]
    tied = len({r.shown_score for r in best}) < len(best)
    strong = [r for r in best if r.level is not None and not is_beginner(r.level, levels)]
    held_back = {
        r.axis.id
        for r in strong
        if r.axis.id in peer_medians and r.shown_score < shown(peer_medians[r.axis.id])
    }
    weak = [lv for lv in sorted(levels, key=lambda lv: lv.lower_bound) if is_beginner(lv, levels)]
    return _Strengths(
        named=frozenset(r.axis.id for r in strong) - held_back,
        held_back=frozenset(held_back),
        tied=tied,
        none_stands_out=False,
        weak_up_to=weak[-1] if weak and not strong else None,
    )


def score_diagnostic(
    axes: Sequence[AxisSpec],
    levels: Sequence[LevelSpec],
    answers: Iterable[AnswerSpec],
    importance: Mapping[int, str] | None = None,
    *,
    peer_medians: Mapping[int, float] | None = None,
    stored_scores: Mapping[int, float | None] | None = None,
    targets: Mapping[int, LevelSpec] | None = None,
) -> Profile:
    """The full profile of one diagnostic, with its story; the order of answers does not matter.

    `importance` maps an axis id to one of IMPORTANCES (default « important »):
    it places the axes in the matrix and orders the priorities, never changes a score.
    `peer_medians` maps an axis id to the median of similar offices, where the pages
    show one; `stored_scores` maps an axis id to the score stored at submission, which
    the pages show (it differs from the computed one by its rounding only);
    `targets` maps an axis id to the team's target level: after importance, it
    orders the axes' priorities, never changes a score.
    """
    importance = importance or {}
    peer_medians = peer_medians or {}
    stored_scores = stored_scores or {}
    targets = targets or {}
    by_question = {a.question_id: a for a in answers}
    scored = [score_axis(axis, by_question, levels) for axis in axes]
    overall = weighted_mean((r.axis.weight, r.score) for r in scored)
    level = level_for(overall, levels)
    quick_first = is_beginner(level, levels)
    placed = []
    for r in scored:
        score = stored_scores.get(r.axis.id, r.score)
        axis_importance = importance.get(r.axis.id, DEFAULT_IMPORTANCE)
        shown_score = None if score is None else shown(score)
        target = targets.get(r.axis.id)
        points, steps = target_distance(shown_score, target, levels)
        placed.append(
            replace(
                r,
                importance=axis_importance,
                shown_score=shown_score,
                quadrant=quadrant(axis_importance, r.level, levels),
                target=target,
                points_to_target=points,
                levels_to_target=steps,
            )
        )
    story = _strengths(placed, levels, peer_medians)
    places = {r.axis.id: axis_place(r) for r in placed}
    results = tuple(
        replace(
            r,
            strength=r.axis.id in story.named,
            held_back=r.axis.id in story.held_back,
            priorities=tuple(_plan_ordered(list(r.priorities), axes, places, quick_first)),
        )
        for r in placed
    )
    return Profile(
        score=overall,
        level=level,
        axes=results,
        priorities=tuple(
            _plan_ordered([p for r in results for p in r.priorities], axes, places, quick_first)
        ),
        strengths=tuple(_ranked([s for r in results for s in r.strengths], axes)),
        quick_first=quick_first,
        tied=story.tied,
        none_stands_out=story.none_stands_out,
        weak_up_to=story.weak_up_to,
    )


def quadrant(importance: str, level: LevelSpec | None, levels: Sequence[LevelSpec]) -> str | None:
    """Where an axis falls in the importance × performance matrix; None without a score.

    « reinforce » (important and weak), « maintain » (important and strong),
    « watch » (secondary and strong), « secondary » (secondary and weak); weak
    means at the first levels.
    """
    if level is None:
        return None
    weak = is_beginner(level, levels)
    if importance_rank(importance) < IMPORTANCES.index("secondary"):
        return "reinforce" if weak else "maintain"
    return "secondary" if weak else "watch"
