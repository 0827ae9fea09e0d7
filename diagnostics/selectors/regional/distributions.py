"""Distributions of stored scores: quartiles, medians per axis, counts per maturity level."""

from dataclasses import dataclass
from statistics import median, quantiles

from django.db.models import QuerySet

from diagnostics.models import Diagnostic, MaturityLevel
from diagnostics.scoring import level_for
from diagnostics.selectors.statistics import axis_medians


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


def axis_median_values(diagnostics: QuerySet[Diagnostic]) -> dict[str, float]:
    """axis code → median score over these diagnostics: one query."""
    return {code: value for code, (value, _n) in axis_medians(diagnostics).items()}


def level_counts(
    levels: list[MaturityLevel], scores: list[float]
) -> list[tuple[MaturityLevel, int]]:
    """How many scores reach each level (scoring.level_for: the one level lookup)."""
    counts = {level.pk: 0 for level in levels}
    for score in scores:
        reached = level_for(score, levels)
        if reached is not None:
            counts[reached.pk] += 1
    return [(level, counts[level.pk]) for level in levels]
