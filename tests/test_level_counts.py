"""The dashboard's counts per maturity level (selectors/regional/distributions.py): each
score counted at the level scoring.level_for gives it, bounds compared as stored."""

import random
from decimal import Decimal

from diagnostics.models import MaturityLevel
from diagnostics.scoring import level_for
from diagnostics.selectors.regional.distributions import level_counts


def levels(*bounds) -> list[MaturityLevel]:
    return [
        MaturityLevel(pk=index + 1, lower_bound=Decimal(bound), name=f"Niveau {index + 1}")
        for index, bound in enumerate(bounds)
    ]


def looked_up(found, scores) -> list[tuple[MaturityLevel, int]]:
    counts = {level.pk: 0 for level in found}
    for score in scores:
        reached = level_for(score, found)
        if reached is not None:
            counts[reached.pk] += 1
    return [(level, counts[level.pk]) for level in found]


def test_each_score_is_counted_at_the_level_level_for_gives_it():
    rng = random.Random(19)
    edges = [0.0, 25.0, 33.3, 50.0, 75.0, 99.99, 100.0, -1.0]
    scores = edges + [round(rng.uniform(-5, 105), rng.choice([0, 1, 2])) for _ in range(2000)]
    for found in (
        levels("0", "25", "50", "75"),
        levels("75", "0", "50", "25"),  # not in order
        levels("10", "33.3", "66.6"),  # no level below 10; 33.3 compared as a decimal
        levels("0", "50", "50", "80"),  # equal bounds: the first one
        levels(),
    ):
        assert level_counts(found, scores) == looked_up(found, scores)
        assert level_counts(found, []) == [(level, 0) for level in found]
