"""Read paths for the regional network staff: where each office stands.

Everything here reads the scores stored at submission; nothing is recomputed,
and every function runs a fixed number of queries whatever the number of offices.
One module per subject: scores (status and scores per campaign), distributions,
comparison (side by side and evolution), dashboard, businesses (the offices'
business campaigns).
"""

from diagnostics.selectors.regional.comparison import (
    MAX_COMPARED,
    PALETTE,
    Compared,
    Comparison,
    ComparisonRow,
    comparison,
    evolution,
)
from diagnostics.selectors.regional.dashboard import (
    DASHBOARD_CACHE_SECONDS,
    AxisSummary,
    Dashboard,
    WeakQuestion,
    dashboard,
    submitted_figures,
    weakest_questions,
)
from diagnostics.selectors.regional.distributions import (
    Distribution,
    axis_median_values,
    distribution,
    level_counts,
)
from diagnostics.selectors.regional.scores import (
    IN_PROGRESS,
    NOT_STARTED,
    STATUS_LABELS,
    SUBMITTED,
    axis_alias,
    campaign_axes,
    campaign_levels,
    filter_status,
    offices_with_scores,
    previous_campaign,
    status_counts,
    with_axis_scores,
)
from diagnostics.selectors.statistics import submissions_key

__all__ = [
    "DASHBOARD_CACHE_SECONDS",
    "IN_PROGRESS",
    "MAX_COMPARED",
    "NOT_STARTED",
    "PALETTE",
    "STATUS_LABELS",
    "SUBMITTED",
    "AxisSummary",
    "Compared",
    "Comparison",
    "ComparisonRow",
    "Dashboard",
    "Distribution",
    "WeakQuestion",
    "axis_alias",
    "axis_median_values",
    "campaign_axes",
    "campaign_levels",
    "comparison",
    "dashboard",
    "distribution",
    "evolution",
    "filter_status",
    "level_counts",
    "offices_with_scores",
    "previous_campaign",
    "status_counts",
    "with_axis_scores",
    "submissions_key",
    "submitted_figures",
    "weakest_questions",
]
