"""The express diagnostic read: its indicative profile with the margins of the fit, and where
the office goes on with the full diagnostic. A fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from diagnostics.express import (
    abbreviated,
    axis_score,
    estimates,
    indicative_range,
    mean_absolute_error,
)
from diagnostics.models import (
    Answer,
    AxisScore,
    Campaign,
    Diagnostic,
    MaturityLevel,
    Question,
    Questionnaire,
)
from diagnostics.scoring import AnswerSpec, LevelSpec, level_for
from diagnostics.selectors.structure import questionnaire_axes, scoring_axes


@dataclass(frozen=True)
class ExpressAxis:
    name: str
    code: str
    estimate: float | None  # the express score: the engine's, on the axis's few questions
    low: int | None  # « entre low et high »: where the full score should stand
    high: int | None
    level: MaturityLevel | None  # the estimate's level
    low_level: MaturityLevel | None
    high_level: MaturityLevel | None
    questions: int

    @property
    def levels_differ(self) -> bool:
        return self.low_level != self.high_level

    @property
    def spread(self) -> int:
        """How wide the range is, in points (the bar's width)."""
        return 0 if self.low is None or self.high is None else self.high - self.low


@dataclass(frozen=True)
class Continuation:
    """The open full campaign where the office goes on, and its diagnostic there if any."""

    campaign: Campaign | None
    diagnostic: Diagnostic | None

    @property
    def possible(self) -> bool:
        return self.campaign is not None and (
            self.diagnostic is None or not self.diagnostic.is_submitted
        )


@dataclass(frozen=True)
class ExpressResults:
    diagnostic: Diagnostic
    axes: list[ExpressAxis]
    levels: list[MaturityLevel]
    full_questions: int  # how many questions the full diagnostic asks

    @property
    def questions(self) -> int:
        return sum(axis.questions for axis in self.axes)


def full_campaign(today: date) -> Campaign | None:
    """The open network campaign of full diagnostics where an express one goes on: the
    latest opened. One query."""
    return (
        Campaign.objects.network()
        .filter(opens__lte=today, closes__gte=today)
        .select_related("questionnaire")
        .order_by("-opens", "-pk")
        .first()
    )


def continuation(office_id: int, today: date) -> Continuation:
    """Two queries: the campaign, the office's diagnostic in it."""
    campaign = full_campaign(today)
    if campaign is None:
        return Continuation(None, None)
    diagnostic = Diagnostic.objects.filter(
        organisation_id=office_id,
        campaign=campaign,
        status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
    ).first()
    return Continuation(campaign, diagnostic)


def express_results(diagnostic: Diagnostic) -> ExpressResults:
    """The submitted express diagnostic's estimate per axis, each widened by its axis's
    margins: three queries (none for the structure once read), whatever the office."""
    questionnaire = diagnostic.questionnaire
    axes = questionnaire_axes(questionnaire)
    levels = list(questionnaire.levels.order_by("lower_bound"))
    specs = [LevelSpec(id=lv.pk, lower_bound=lv.lower_bound, name=lv.name) for lv in levels]
    by_id = {lv.pk: lv for lv in levels}

    def level(score):
        found = level_for(score, specs)
        return by_id[found.id] if found else None

    stored = {s.axis_id: s.score for s in AxisScore.objects.filter(diagnostic=diagnostic)}
    rows = []
    for axis in axes:
        score = stored.get(axis.pk)
        estimate = None if score is None else float(score)
        low, high = (
            (None, None)
            if estimate is None
            else indicative_range(estimate, axis.margin_below, axis.margin_above)
        )
        rows.append(
            ExpressAxis(
                name=axis.name,
                code=axis.code,
                estimate=estimate,
                low=low,
                high=high,
                level=level(estimate),
                low_level=level(low),
                high_level=level(high),
                questions=len(axis.questions.all()),
            )
        )
    full_questions = Question.objects.filter(questionnaire=questionnaire.abbreviates_id).count()
    return ExpressResults(
        diagnostic=diagnostic, axes=rows, levels=levels, full_questions=full_questions
    )


@dataclass(frozen=True)
class AxisAccuracy:
    code: str
    name: str
    diagnostics: int  # full diagnostics with both a full score and an express estimate
    mean_absolute_error: float
    within: int  # of them, how many full scores fell within the express range
    below: int
    above: int


def express_accuracy(questionnaire: Questionnaire) -> list[AxisAccuracy]:
    """How well the express questionnaire estimates each axis of the full one it abbreviates,
    on the submitted full diagnostics of that questionnaire in the database: the express
    estimate read from their answers to the express codes, against the score stored at their
    submission. Four queries, whatever the number of diagnostics."""
    full = Questionnaire.objects.get(pk=questionnaire.abbreviates_id)
    express_axes = {axis.code: axis for axis in questionnaire_axes(questionnaire)}
    specs = scoring_axes(questionnaire_axes(full))
    answers: dict[int, dict[int, AnswerSpec]] = {}
    for diagnostic_id, question_id, choice_id, not_applicable in Answer.objects.filter(
        diagnostic__questionnaire=full, diagnostic__status=Diagnostic.Status.SUBMITTED
    ).values_list("diagnostic_id", "question_id", "choice_id", "not_applicable"):
        answers.setdefault(diagnostic_id, {})[question_id] = AnswerSpec(
            question_id, choice_id, not_applicable
        )
    stored: dict[tuple[int, int], float] = {
        (diagnostic_id, axis_id): float(score)
        for diagnostic_id, axis_id, score in AxisScore.objects.filter(
            diagnostic_id__in=list(answers), score__isnull=False
        ).values_list("diagnostic_id", "axis_id", "score")
    }
    shorts = {
        spec.code: abbreviated(spec, [q.code for q in express_axes[spec.code].questions.all()])
        for spec in specs
        if spec.code in express_axes
    }
    shrinkage = {code: axis.shrinkage / 100 for code, axis in express_axes.items()}
    pairs: dict[str, list[tuple[float, float]]] = {code: [] for code in shorts}
    for diagnostic_id, given in answers.items():
        estimated = estimates(
            {code: axis_score(short, given) for code, short in shorts.items()}, shrinkage
        )
        for spec in specs:
            score = stored.get((diagnostic_id, spec.id))
            estimate = estimated.get(spec.code)
            if score is not None and estimate is not None:
                pairs[spec.code].append((score, estimate))
    out = []
    for spec in specs:
        if spec.code not in shorts:
            continue
        own = express_axes[spec.code]
        found = pairs[spec.code]
        within = 0
        for score, estimate in found:
            low, high = indicative_range(estimate, own.margin_below, own.margin_above)
            within += low <= score <= high
        out.append(
            AxisAccuracy(
                code=spec.code,
                name=spec.name,
                diagnostics=len(found),
                mean_absolute_error=mean_absolute_error([s - e for s, e in found]),
                within=within,
                below=own.margin_below,
                above=own.margin_above,
            )
        )
    return out


def with_latest_express(offices: QuerySet) -> QuerySet:
    """Offices annotated with their latest submitted express diagnostic (`express_id`) and its
    overall estimate (`express_score`): correlated subqueries, the list's own query."""
    latest = Diagnostic.objects.filter(
        organisation=OuterRef("pk"),
        status=Diagnostic.Status.SUBMITTED,
        questionnaire__abbreviates__isnull=False,
    ).order_by("-submitted_at", "-pk")
    return offices.annotate(
        express_id=Subquery(latest.values("pk")[:1]),
        express_score=Subquery(latest.values("overall_score")[:1]),
    )
