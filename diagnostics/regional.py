"""Read paths for the regional network staff: where each office stands.

Everything here reads the scores stored at submission; nothing is recomputed,
and every function runs a fixed number of queries whatever the number of offices.
"""

import hashlib
from dataclasses import dataclass, field
from statistics import median, quantiles

from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from diagnostics import charts, selectors
from diagnostics.formatting import difference
from diagnostics.models import (
    Answer,
    Axis,
    AxisScore,
    Campaign,
    Diagnostic,
    MaturityLevel,
    Office,
)

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
STATUS_LABELS = {
    NOT_STARTED: _("Pas commencé"),
    IN_PROGRESS: _("En cours"),
    SUBMITTED: _("Soumis"),
}
MAX_COMPARED = 12
# Colours told apart with the common colour-vision deficiencies: the Okabe–Ito palette (its
# yellow and black left out: too pale on white, and black is the median), then the dark tones
# of Paul Tol's muted palette; the table beside the chart gives every value anyway.
PALETTE = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
    "#332288", "#882255", "#117733", "#999933", "#aa4499", "#44aa99",
]  # fmt: skip


def campaign_axes(campaign: Campaign) -> list[Axis]:
    return list(
        Axis.objects.filter(questionnaire_id=campaign.questionnaire_id).order_by("order", "pk")
    )


def axis_alias(axis: Axis) -> str:
    return f"axis_{axis.pk}"


def offices_with_scores(
    queryset: QuerySet[Office], campaign: Campaign, axes: list[Axis]
) -> QuerySet[Office]:
    """Offices annotated with their campaign status and latest stored scores: one query."""
    in_campaign = Diagnostic.objects.filter(organisation=OuterRef("pk"), campaign=campaign)
    latest = in_campaign.filter(status=Diagnostic.Status.SUBMITTED).order_by("-submitted_at", "-pk")
    annotations = {
        "campaign_status": Case(
            When(Exists(latest), then=Value(SUBMITTED)),
            When(
                Exists(in_campaign.filter(status=Diagnostic.Status.DRAFT)), then=Value(IN_PROGRESS)
            ),
            default=Value(NOT_STARTED),
            output_field=CharField(),
        ),
        "diagnostic_id": Subquery(latest.values("pk")[:1]),
        "overall_score": Subquery(latest.values("overall_score")[:1]),
        "overall_level_id": Subquery(latest.values("overall_level_id")[:1]),
        "overall_level_name": Subquery(latest.values("overall_level__name")[:1]),
    }
    latest_nested = (
        Diagnostic.objects.filter(
            organisation=OuterRef(OuterRef("pk")),
            campaign=campaign,
            status=Diagnostic.Status.SUBMITTED,
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    for axis in axes:
        # Found through the latest diagnostic's id, so that the (diagnostic, axis)
        # unique index answers each lookup: no scan of every office's scores.
        stored = AxisScore.objects.filter(axis=axis, diagnostic_id=Subquery(latest_nested))
        alias = axis_alias(axis)
        annotations[alias] = Subquery(stored.values("score")[:1])
        annotations[f"{alias}_level"] = Subquery(stored.values("level__name")[:1])
    return queryset.select_related("department").annotate(**annotations)


def filter_status(queryset: QuerySet[Office], status: str) -> QuerySet[Office]:
    if status == "pending":
        return queryset.exclude(campaign_status=SUBMITTED)
    return queryset.filter(campaign_status=status)


# --- distributions --------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    count: int
    minimum: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    maximum: float | None = None


def distribution(values: list[float]) -> Distribution:
    if not values:
        return Distribution(count=0)
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = q3 = ordered[0]
    else:
        q1, _median, q3 = quantiles(ordered, n=4, method="inclusive")
    return Distribution(
        count=len(ordered),
        minimum=ordered[0],
        q1=q1,
        median=median(ordered),
        q3=q3,
        maximum=ordered[-1],
    )


def _axis_medians(diagnostics: QuerySet[Diagnostic]) -> dict[str, float]:
    """axis code → median score over these diagnostics: one query."""
    return {code: value for code, (value, _n) in selectors.axis_medians(diagnostics).items()}


def stored_scores(campaign: Campaign) -> dict[int, dict[str, float | None]]:
    """axis code → score for each office's latest submitted diagnostic: one query."""
    rows = AxisScore.objects.filter(
        diagnostic__in=selectors.latest_submitted().filter(campaign=campaign)
    ).values_list("diagnostic_id", "axis__code", "score")
    result: dict[int, dict[str, float | None]] = {}
    for diagnostic_id, code, score in rows:
        result.setdefault(diagnostic_id, {})[code] = None if score is None else float(score)
    return result


# --- comparison -------------------------------------------------------------------


@dataclass
class Compared:
    label: str
    diagnostic: Diagnostic | None
    color: str
    scores: dict[str, float | None] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)


@dataclass
class ComparisonRow:
    axis: Axis
    median: float | None
    cells: list[dict]
    change: int | None = None  # evolution only: last score shown − first score shown


@dataclass
class Comparison:
    campaign: Campaign
    axes: list[Axis]
    compared: list[Compared]
    rows: list[ComparisonRow]
    overall_row: ComparisonRow
    radar: dict


def _cells(values: list[float | None], levels: list[str], reference: float | None) -> list[dict]:
    scored = [v for v in values if v is not None]
    best = max(scored) if len(scored) > 1 else None
    worst = min(scored) if len(scored) > 1 else None
    return [
        {
            "score": value,
            "level": level,
            "delta": difference(value, reference),
            "best": value is not None and value == best and best != worst,
            "worst": value is not None and value == worst and best != worst,
        }
        for value, level in zip(values, levels, strict=True)
    ]


def comparison(campaign: Campaign, entries: list[tuple[str, Diagnostic | None]]) -> Comparison:
    """Side by side: each (label, diagnostic) against the campaign's regional median.

    Axes are matched by code, so diagnostics of another questionnaire version
    (an office's evolution across campaigns) line up with the campaign's axes.
    """
    axes = campaign_axes(campaign)
    ids = [d.pk for _label, d in entries if d is not None]
    stored = AxisScore.objects.filter(diagnostic_id__in=ids).values_list(
        "diagnostic_id", "axis__code", "score", "level__name"
    )
    scores: dict[int, dict[str, float | None]] = {}
    levels: dict[int, dict[str, str]] = {}
    for diagnostic_id, code, score, level in stored:
        scores.setdefault(diagnostic_id, {})[code] = None if score is None else float(score)
        levels.setdefault(diagnostic_id, {})[code] = level or ""
    compared = [
        Compared(
            label=label,
            diagnostic=diagnostic,
            color=PALETTE[i % len(PALETTE)],
            scores=scores.get(diagnostic.pk, {}) if diagnostic else {},
            levels=levels.get(diagnostic.pk, {}) if diagnostic else {},
        )
        for i, (label, diagnostic) in enumerate(entries)
    ]
    in_campaign = selectors.latest_submitted().filter(campaign=campaign)
    medians = _axis_medians(in_campaign)
    overall_values = [
        None
        if c.diagnostic is None or c.diagnostic.overall_score is None
        else float(c.diagnostic.overall_score)
        for c in compared
    ]
    overall_levels = [
        c.diagnostic.overall_level.name if c.diagnostic and c.diagnostic.overall_level else ""
        for c in compared
    ]
    overall_median = selectors.overall_median(in_campaign)[0]
    rows = [
        ComparisonRow(
            axis=axis,
            median=medians.get(axis.code),
            cells=_cells(
                [c.scores.get(axis.code) for c in compared],
                [c.levels.get(axis.code, "") for c in compared],
                medians.get(axis.code),
            ),
        )
        for axis in axes
    ]
    series = [
        charts.Series(
            key=f"c{i}",
            label=c.label,
            values=tuple(c.scores.get(a.code) for a in axes),
            color=c.color,
        )
        for i, c in enumerate(compared)
    ]
    series.append(
        charts.Series(
            key="median",
            label=str(_("Médiane régionale")),
            values=tuple(medians.get(a.code) for a in axes),
            color="#222222",
            dash="6 4",
        )
    )
    return Comparison(
        campaign=campaign,
        axes=axes,
        compared=compared,
        rows=rows,
        overall_row=ComparisonRow(
            axis=None,
            median=overall_median,
            cells=_cells(overall_values, overall_levels, overall_median),
        ),
        radar=charts.radar([a.name for a in axes], series),
    )


def evolution(diagnostics: list[Diagnostic]) -> Comparison:
    """One office across campaigns (oldest first): each score against the median of its own
    campaign, an "évolution" column from the first to the last, and no best/worst frames
    (a row of one office's years is not a ranking). Two queries per campaign, at most twelve."""
    result = comparison(diagnostics[-1].campaign, [(d.campaign.name, d) for d in diagnostics])
    medians, overall = {}, {}
    for campaign in {d.campaign for d in diagnostics}:
        in_campaign = selectors.latest_submitted().filter(campaign=campaign)
        medians[campaign.pk] = _axis_medians(in_campaign)
        overall[campaign.pk] = selectors.overall_median(in_campaign)[0]
    references = [
        *[[medians[d.campaign_id].get(row.axis.code) for d in diagnostics] for row in result.rows],
        [overall[d.campaign_id] for d in diagnostics],
    ]
    for row, row_medians in zip([*result.rows, result.overall_row], references, strict=True):
        for cell, reference in zip(row.cells, row_medians, strict=True):
            cell.update(delta=difference(cell["score"], reference), best=False, worst=False)
        shown = [cell["score"] for cell in row.cells if cell["score"] is not None]
        row.change = difference(shown[-1], shown[0]) if len(shown) > 1 else None
    return result


# --- dashboard ----------------------------------------------------------------------


@dataclass
class AxisSummary:
    axis: Axis
    distribution: Distribution
    levels: list[tuple[MaturityLevel, int]]
    previous_median: float | None

    @property
    def median_change(self) -> int | None:
        return difference(self.distribution.median, self.previous_median)


@dataclass
class WeakQuestion:
    question: object
    axis: Axis
    share: float  # mean share of the best points, 0–100
    answers: int


@dataclass
class Dashboard:
    campaign: Campaign
    previous: Campaign | None
    counts: dict[str, int]
    axes: list[AxisSummary]
    overall: Distribution
    overall_levels: list[tuple[MaturityLevel, int]]
    previous_overall_median: float | None
    weakest: list[WeakQuestion]
    boxplot: dict

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def previous_campaign(campaign: Campaign) -> Campaign | None:
    return (
        Campaign.objects.filter(
            audience=campaign.audience, organiser=campaign.organiser_id, opens__lt=campaign.opens
        )
        .order_by("-opens")
        .first()
    )


def status_counts(campaign: Campaign) -> dict[str, int]:
    """How many offices have submitted, are in progress or have not started: one query."""
    counts = offices_with_scores(Office.objects.all(), campaign, []).aggregate(
        submitted=Count("pk", filter=Q(campaign_status=SUBMITTED)),
        in_progress=Count("pk", filter=Q(campaign_status=IN_PROGRESS)),
        not_started=Count("pk", filter=Q(campaign_status=NOT_STARTED)),
    )
    return {
        SUBMITTED: counts["submitted"],
        IN_PROGRESS: counts["in_progress"],
        NOT_STARTED: counts["not_started"],
    }


def _level_counts(
    levels: list[MaturityLevel], scores: list[float]
) -> list[tuple[MaturityLevel, int]]:
    counts = {level.pk: 0 for level in levels}
    for score in scores:
        reached = [lv for lv in levels if lv.lower_bound <= score]
        if reached:
            counts[reached[-1].pk] += 1
    return [(level, counts[level.pk]) for level in levels]


def weakest_questions(campaign: Campaign, axes: list[Axis], limit: int = 10) -> list[WeakQuestion]:
    """Questions where the region is weakest: lowest mean share of the best points."""
    prefetched = selectors.questionnaire_axes(campaign.questionnaire)
    questions = {q.pk: (q, axis) for axis in prefetched for q in axis.questions.all()}
    best = {pk: q.best_points for pk, (q, _a) in questions.items()}
    rows = (
        Answer.objects.filter(
            diagnostic__in=selectors.latest_submitted().filter(campaign=campaign),
            choice__isnull=False,
        )
        .values("question_id")
        .annotate(mean_points=Avg("choice__points"), answers=Count("pk"))
    )
    weak = [
        WeakQuestion(
            question=questions[row["question_id"]][0],
            axis=questions[row["question_id"]][1],
            share=100 * float(row["mean_points"]) / best[row["question_id"]],
            answers=row["answers"],
        )
        for row in rows
        if best.get(row["question_id"])
    ]
    weak.sort(key=lambda w: (w.share, w.axis.order, w.question.order))
    return weak[:limit]


DASHBOARD_CACHE_SECONDS = 3600


def _submissions_key(campaign: Campaign, previous: Campaign | None) -> str:
    """Changes whenever a diagnostic of either campaign is submitted or deleted, or
    their questionnaire is revised: one query.

    Submitted diagnostics never change, so neither do the figures drawn from them.
    """
    stamp = Diagnostic.objects.filter(
        campaign__in=[c.pk for c in (campaign, previous) if c], status=Diagnostic.Status.SUBMITTED
    ).aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        last=Max("submitted_at"),
        revised=Max("campaign__questionnaire__revised_at"),
    )
    parts = [campaign.pk, previous.pk if previous else 0, *stamp.values()]
    return "snut-dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _submitted_figures(campaign: Campaign, previous: Campaign | None) -> dict:
    """Everything the dashboard draws from submitted diagnostics."""
    axes = campaign_axes(campaign)
    levels = list(
        MaturityLevel.objects.filter(questionnaire_id=campaign.questionnaire_id).order_by(
            "lower_bound"
        )
    )
    current = stored_scores(campaign)
    before = selectors.latest_submitted().filter(campaign=previous)
    previous_medians = _axis_medians(before) if previous else {}
    summaries = []
    for axis in axes:
        values = [s[axis.code] for s in current.values() if s.get(axis.code) is not None]
        summaries.append(
            AxisSummary(
                axis=axis,
                distribution=distribution(values),
                levels=_level_counts(levels, values),
                previous_median=previous_medians.get(axis.code),
            )
        )
    overall_values = [
        float(v)
        for v in selectors.latest_submitted()
        .filter(campaign=campaign, overall_score__isnull=False)
        .values_list("overall_score", flat=True)
    ]
    return {
        "axes": summaries,
        "overall": distribution(overall_values),
        "overall_levels": _level_counts(levels, overall_values),
        "previous_overall_median": selectors.overall_median(before)[0] if previous else None,
        "weakest": weakest_questions(campaign, axes),
        "boxplot": charts.boxplot(
            [(s.axis.name, s.distribution, s.previous_median) for s in summaries]
        ),
    }


def dashboard(campaign: Campaign) -> Dashboard:
    """The regional dashboard: office counts are read live; the figures drawn from
    submitted diagnostics are computed once per submission (cached under a key that
    any submission changes)."""
    previous = previous_campaign(campaign)
    key = _submissions_key(campaign, previous)
    figures = cache.get(key)
    if figures is None:
        figures = _submitted_figures(campaign, previous)
        cache.set(key, figures, DASHBOARD_CACHE_SECONDS)
    return Dashboard(
        campaign=campaign, previous=previous, counts=status_counts(campaign), **figures
    )
