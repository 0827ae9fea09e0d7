"""Pages: scope the object to the user, call a service or a selector, render."""

from diagnostics.views.accessibility import accessibility_statement
from diagnostics.views.express import express_continue, express_profile
from diagnostics.views.filling import (
    answer_autosave,
    diagnostic_abandon,
    diagnostic_axis,
    diagnostic_resume,
    diagnostic_review,
)
from diagnostics.views.importance import axis_importance
from diagnostics.views.offices import diagnostic_start, home, office_detail
from diagnostics.views.plan import (
    action_delete,
    action_edit,
    action_from_priority,
    plan,
    pooling_opt_in,
)
from diagnostics.views.results import report_pdf, results

__all__ = [
    "accessibility_statement",
    "action_delete",
    "action_edit",
    "action_from_priority",
    "plan",
    "pooling_opt_in",
    "answer_autosave",
    "diagnostic_abandon",
    "axis_importance",
    "diagnostic_axis",
    "diagnostic_resume",
    "diagnostic_review",
    "diagnostic_start",
    "express_continue",
    "express_profile",
    "home",
    "office_detail",
    "report_pdf",
    "results",
]
