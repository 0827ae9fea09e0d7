"""Reads for the filling pages: narratives, importances, answers by axis."""

from itertools import groupby

from diagnostics.models import (
    Answer,
    Axis,
    AxisImportance,
    AxisNarrative,
    Diagnostic,
    Questionnaire,
)

# --- narratives and importance --------------------------------------------------


def axis_narratives(questionnaire: Questionnaire) -> dict[tuple[int, int], str]:
    """(axis id, level id) → the axis's own text for that level: one query."""
    rows = AxisNarrative.objects.filter(axis__questionnaire=questionnaire).values_list(
        "axis_id", "level_id", "text"
    )
    return {(axis, level): text for axis, level, text in rows}


def axis_importances(diagnostic: Diagnostic) -> dict[int, str]:
    """axis id → importance the office gave it (absent: « important »): one query."""
    rows = AxisImportance.objects.filter(diagnostic=diagnostic).values_list("axis_id", "importance")
    return dict(rows)


def answers_by_axis(diagnostic: Diagnostic) -> list[tuple[Axis, list[Answer]]]:
    """The diagnostic's answers grouped by axis, axes and questions in order: one query."""
    answers = diagnostic.answers.select_related("question__axis", "choice", "updated_by").order_by(
        "question__axis__order", "question__axis_id", "question__order", "question_id"
    )
    return [(axis, list(group)) for axis, group in groupby(answers, key=lambda a: a.question.axis)]
