"""The story every page tells, decided once (`score_diagnostic`): each axis's quadrant,
the strengths an office may claim, the plan's order of axes and priorities, the distance
to the team's target level."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from diagnostics.formatting import shown
from diagnostics.scoring.scores import level_for, ranked, score_axis, weighted_mean
from diagnostics.scoring.specs import (
    DEFAULT_IMPORTANCE,
    EFFORTS,
    IMPORTANCES,
    QUADRANTS,
    AnswerSpec,
    AxisResult,
    AxisSpec,
    ChoiceSpec,
    LevelSpec,
    Profile,
    QuestionResult,
)

STRONG_AXES = 2  # how many of its best axes an office may call strengths (more on a tie)
_UNKNOWN_EFFORT = EFFORTS.index("worksite")  # a version-1 choice has no effort


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
        strengths=tuple(ranked([s for r in results for s in r.strengths], axes)),
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
