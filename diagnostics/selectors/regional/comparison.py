"""Offices side by side, and one office across campaigns, against the regional median."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from diagnostics import charts
from diagnostics.formatting import difference
from diagnostics.models import Axis, AxisScore, Campaign, Diagnostic, MaturityLevel
from diagnostics.selectors.regional.distributions import axis_median_values
from diagnostics.selectors.regional.scores import campaign_axes, campaign_levels
from diagnostics.selectors.statistics import latest_submitted, overall_median, per_submission

MAX_COMPARED = 12
# Colours told apart with the common colour-vision deficiencies: the Okabe–Ito palette (its
# yellow and black left out: too pale on white, and black is the median), then the dark tones
# of Paul Tol's muted palette; the table beside the chart gives every value anyway.
PALETTE = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
    "#332288", "#882255", "#117733", "#999933", "#aa4499", "#44aa99",
]  # fmt: skip


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
    levels: list[MaturityLevel]  # the campaign's, lowest first: they colour the scores


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


def campaign_medians(campaign: Campaign) -> tuple[dict[str, float], float | None]:
    """The campaign's regional medians, per axis code and overall. Drawn from its submitted
    diagnostics only, so computed once per submission (`selectors.per_submission`): one
    query when cached, three otherwise."""

    def compute() -> tuple[dict[str, float], float | None]:
        in_campaign = latest_submitted().filter(campaign=campaign)
        return axis_median_values(in_campaign), overall_median(in_campaign)[0]

    return per_submission("regional-medians", campaign, compute)


def comparison(
    campaign: Campaign,
    entries: list[tuple[str, Diagnostic | None]],
    medians: tuple[dict[str, float], float | None] | None = None,
) -> Comparison:
    """Side by side: each (label, diagnostic) against the campaign's regional median
    (`campaign_medians`, unless the caller has them).

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
    medians, campaign_median = medians or campaign_medians(campaign)
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
        if c.diagnostic is not None  # an office without a diagnostic draws no line
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
            median=campaign_median,
            cells=_cells(overall_values, overall_levels, campaign_median),
        ),
        radar=charts.radar([a.name for a in axes], series),
        levels=campaign_levels(campaign),
    )


def evolution(diagnostics: list[Diagnostic]) -> Comparison:
    """One office across campaigns (oldest first): each score against the median of its own
    campaign, an "évolution" column from the first to the last, and no best/worst frames
    (a row of one office's years is not a ranking). One query per campaign once its
    medians are cached (`campaign_medians`), at most twelve."""
    medians, overall = {}, {}
    for campaign in {d.campaign for d in diagnostics}:
        medians[campaign.pk], overall[campaign.pk] = campaign_medians(campaign)
    last = diagnostics[-1].campaign
    result = comparison(
        last,
        [(d.campaign.name, d) for d in diagnostics],
        medians=(medians[last.pk], overall[last.pk]),
    )
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
