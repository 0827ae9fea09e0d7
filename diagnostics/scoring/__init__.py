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

One module per subject: specs (what scoring takes and gives), scores (an axis's score,
the overall one, levels, weak answers), story (quadrants, strengths, the plan's order,
distances to targets).
"""

from diagnostics.scoring.scores import (
    WEAK_SHARE,
    is_weak,
    level_for,
    score_axis,
    weak_questions,
    weighted_mean,
)
from diagnostics.scoring.specs import (
    DEFAULT_IMPORTANCE,
    EFFORTS,
    FOCUS_PER_AXIS,
    IMPORTANCES,
    QUADRANTS,
    SCALES,
    AnswerSpec,
    AxisResult,
    AxisSpec,
    ChoiceSpec,
    LevelSpec,
    Profile,
    QuestionResult,
    QuestionSpec,
)
from diagnostics.scoring.story import (
    STRONG_AXES,
    axis_place,
    effort_rank,
    importance_rank,
    is_beginner,
    quadrant,
    score_diagnostic,
    target_distance,
)

__all__ = [
    "DEFAULT_IMPORTANCE",
    "EFFORTS",
    "FOCUS_PER_AXIS",
    "IMPORTANCES",
    "QUADRANTS",
    "SCALES",
    "STRONG_AXES",
    "WEAK_SHARE",
    "AnswerSpec",
    "AxisResult",
    "AxisSpec",
    "ChoiceSpec",
    "LevelSpec",
    "Profile",
    "QuestionResult",
    "QuestionSpec",
    "axis_place",
    "effort_rank",
    "importance_rank",
    "is_beginner",
    "is_weak",
    "level_for",
    "quadrant",
    "score_axis",
    "score_diagnostic",
    "target_distance",
    "weak_questions",
    "weighted_mean",
]
