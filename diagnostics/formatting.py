"""How a score is shown: one rule for pages, the report, exports and the admin."""

import math


def shown(score: float) -> int:
    """The whole number a score is shown as. Rounding down keeps it consistent with
    the levels, whose bounds are whole numbers: 74.6 shows as 74, still « Maîtrise »."""
    return math.floor(score)


def difference(score: float | None, reference: float | None) -> int | None:
    """Points gained over a reference, between the numbers as shown; None when either is missing."""
    if score is None or reference is None:
        return None
    return shown(score) - shown(reference)
