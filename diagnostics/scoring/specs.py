"""What scoring takes and gives: the questionnaire, levels and answers as plain frozen
dataclasses, and the results (a question's, an axis's, the profile), with the vocabulary
their fields use. The rules are in the package's docstring (diagnostics/scoring/__init__.py)."""

from dataclasses import dataclass

EFFORTS = ("quick", "worksite", "project")  # action rapide, chantier, projet
SCALES = ("office", "local", "department", "region")
IMPORTANCES = ("essential", "important", "secondary")
DEFAULT_IMPORTANCE = "important"
FOCUS_PER_AXIS = 3
# The matrix's quadrants in the plan's order of axes.
QUADRANTS = ("reinforce", "maintain", "secondary", "watch")


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
