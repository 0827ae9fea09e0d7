"""Reads for the filling pages: narratives, importances, answers by axis."""

from dataclasses import dataclass
from itertools import groupby

from diagnostics import applicability
from diagnostics.models import (
    Answer,
    Axis,
    AxisImportance,
    AxisNarrative,
    Diagnostic,
    Questionnaire,
)
from diagnostics.selectors.structure import questionnaire_axes

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
    """The diagnostic's answers grouped by axis, axes and questions in order: one query.
    Read for the admin's table of answers: what it shows of each question, axis and
    choice (their long texts, help and activities are not read)."""
    answers = (
        diagnostic.answers.select_related("question__axis", "choice", "updated_by")
        .only(
            "diagnostic",  # the related manager checks it to attach the diagnostic
            "not_applicable",
            "comment",
            "updated_at",
            "updated_by",
            "question__code",
            "question__text",
            "question__axis__code",
            "question__axis__name",
            "choice__label",
        )
        .order_by("question__axis__order", "question__axis_id", "question__order", "question_id")
    )
    return [(axis, list(group)) for axis, group in groupby(answers, key=lambda a: a.question.axis)]


@dataclass
class AxisProgress:
    """An axis's questions answered so far, while a diagnostic is filled."""

    axis: Axis
    answered: int
    total: int
    unanswered: list

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def axes_progress(axes: list[Axis], answers: dict[int, Answer]) -> list[AxisProgress]:
    """How far the filling has gone on each axis, from load_answers' axes and answers."""
    result = []
    for axis in axes:
        questions = applicability.required_questions(axis)
        unanswered = [q for q in questions if q.pk not in answers or not answers[q.pk].is_answered]
        result.append(
            AxisProgress(axis, len(questions) - len(unanswered), len(questions), unanswered)
        )
    return result


def overall_percent(progress: list[AxisProgress]) -> int:
    total = sum(p.total for p in progress)
    return round(100 * sum(p.answered for p in progress) / total) if total else 100


def load_answers(diagnostic: Diagnostic) -> tuple[list[Axis], dict[int, Answer]]:
    """The diagnostic's axes (the questions its organisation is asked, with their choices)
    and its answers by question id."""
    structure = questionnaire_axes(diagnostic.questionnaire)
    axes = applicability.applicable(structure, diagnostic.organisation).axes
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(diagnostic=diagnostic).select_related("choice", "updated_by")
    }
    return axes, answers
