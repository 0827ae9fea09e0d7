"""What the results show of an axis and of a priority: the axis cards (`AxisView`, with
their annex and narratives), the plan's items (`PlanItem`) and the verdict on the strong
axes (`StrongAxes`), each with the labels it shows."""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from diagnostics import scoring, selectors
from diagnostics.formatting import difference, shown
from diagnostics.models import Answer, Axis, AxisImportance, Choice, MaturityLevel

EFFORT_LABELS = dict(Choice._meta.get_field("effort").choices)
SCALE_LABELS = dict(Choice._meta.get_field("scale").choices)
IMPORTANCE_LABELS = dict(AxisImportance.Importance.choices)


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
class PlanItem:
    """A priority or a top answer, with what the team wrote beside it."""

    result: scoring.QuestionResult
    comment: str = ""

    @property
    def axis(self):
        return self.result.axis

    @property
    def question(self):
        return self.result.question

    @property
    def choice(self):
        return self.result.choice

    @property
    def recommendation(self) -> str:
        return self.result.recommendation

    @property
    def effort(self) -> str:
        return EFFORT_LABELS.get(self.result.choice.effort, "")

    @property
    def scale(self) -> str:
        return SCALE_LABELS.get(self.result.choice.scale, "")

    @property
    def alone(self) -> bool:
        return self.result.choice.scale in ("", "office")


class Narratives:
    """The questionnaire's axis narratives, read once, when first asked (one query)."""

    def __init__(self, questionnaire):
        self.questionnaire = questionnaire

    @cached_property
    def texts(self) -> dict[tuple[int, int], str]:
        return selectors.axis_narratives(self.questionnaire)


@dataclass
class AxisView:
    axis: Axis
    result: scoring.AxisResult
    score: float | None
    level: MaturityLevel | None
    peer_median: float | None = None
    previous: float | None = None
    annex: list[AnnexRow] = field(default_factory=list)
    # (axis id, level id) → the axis's own text, read on first use: the results page
    # reads it only when the axis cards are not in the cache yet.
    narratives: Narratives | None = field(default=None, repr=False)
    focus: list[PlanItem] = field(default_factory=list)
    later: list[PlanItem] = field(default_factory=list)
    further: list[PlanItem] = field(default_factory=list)  # « Pour aller plus loin »
    quadrant: str | None = None

    @property
    def narrative(self) -> str:
        """The axis's own text for its level, else the level's."""
        if self.level is None:
            return ""
        texts = self.narratives.texts if self.narratives else {}
        return texts.get((self.axis.pk, self.level.pk), self.level.description)

    @property
    def importance(self) -> str:
        return IMPORTANCE_LABELS[self.result.importance]

    @property
    def shown_score(self) -> int | None:
        return None if self.score is None else shown(self.score)

    @property
    def delta_peers(self) -> float | None:
        return difference(self.score, self.peer_median)

    @property
    def delta_previous(self) -> float | None:
        return difference(self.score, self.previous)


@dataclass
class StrongAxes:
    """The axes an office may honestly call strengths, and why others are not
    (decided by scoring.score_diagnostic)."""

    axes: list[AxisView]
    tied: bool  # a tie at the cut: every tied axis is named
    held_back: list[AxisView]  # among the best, but below the median of similar offices
    none_stands_out: bool  # every scored axis shows the same number
    weak_up_to: MaturityLevel | None  # the best axes are not past this level yet


def plan_item(result: scoring.QuestionResult, comments: dict[int, str]) -> PlanItem:
    return PlanItem(result, comments.get(result.question.id, ""))
