"""Which questions an organisation is asked and scored on: the one place of that rule.

A business is asked only the questions of its activity (Question.activities lists
segment codes; empty means every respondent); an office is asked every question of
its questionnaire. Of those, only the scored ones (Question.scored) are required and
count in its scores: the unscored ones (needs, availability) are optional and feed
its office's workshop programme. Filling pages, progress, review, submission,
results and report all read their questions through `applicable`.

Pure reading of prefetched objects: no query. The shared, read-only structure of
selectors.questionnaire_axes is never modified; filtered axes are shallow copies.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from diagnostics.models import Axis, Organisation, Question

# What a phone reader reads in a minute, and the time of one decision (issue 20).
WORDS_PER_MINUTE = 200
SECONDS_PER_DECISION = 10


def applies(question: Question, organisation: Organisation) -> bool:
    """Whether this question is asked of this organisation."""
    if not question.activities or not organisation.is_business:
        return True
    return organisation.segment in question.activities


def applies_to_activity(question: Question, activity: str) -> bool:
    """Whether this question is asked of a business of this activity (a segment code)."""
    return not question.activities or activity in question.activities


def _with_questions(axis: Axis, questions: list[Question]) -> Axis:
    """A copy of the axis whose `questions.all()` gives these questions, without a query."""
    clone = copy.copy(axis)
    cached = axis.questions.all()
    result = cached._chain() if isinstance(cached, QuerySet) else cached
    result._result_cache = questions
    result._prefetch_done = True
    clone._prefetched_objects_cache = {
        **getattr(axis, "_prefetched_objects_cache", {}),
        "questions": result,
    }
    return clone


def _filtered(axes: Iterable[Axis], keep) -> list[Axis]:
    """Axes with only the questions `keep` accepts; an axis left empty is dropped."""
    result = []
    for axis in axes:
        questions = list(axis.questions.all())
        kept = [q for q in questions if keep(q)]
        if not kept:
            continue
        result.append(axis if len(kept) == len(questions) else _with_questions(axis, kept))
    return result


@dataclass(frozen=True)
class Applicable:
    """An organisation's share of a questionnaire."""

    axes: list[Axis]  # what it fills, in order: its questions only
    scored: list[Axis]  # what its scores count: its scored questions only
    activity: str  # the business's activity as read (« restauration »), "" for an office
    is_partial: bool  # some questions of the questionnaire are not asked of it

    @property
    def scored_count(self) -> int:
        return sum(len(a.questions.all()) for a in self.scored)

    @property
    def asked_count(self) -> int:
        return sum(len(a.questions.all()) for a in self.axes)


def applicable(axes: list[Axis], organisation: Organisation) -> Applicable:
    """The axes and questions this organisation is asked, and those its scores count."""
    asked = _filtered(axes, lambda q: applies(q, organisation))
    activity = str(organisation.get_segment_display()).lower() if organisation.is_business else ""
    count = sum(len(a.questions.all()) for a in asked)
    return Applicable(
        axes=asked,
        scored=_filtered(asked, is_required),
        activity=activity,
        is_partial=count < sum(len(a.questions.all()) for a in axes),
    )


def is_required(question: Question) -> bool:
    """A scored question must be answered before submission; an unscored one is optional."""
    return question.scored


def required_questions(axis: Axis) -> list[Question]:
    return [q for q in axis.questions.all() if is_required(q)]


def required_answered(axes: list[Axis], answers: dict) -> tuple[int, int]:
    """How many of the required questions of these axes have an answer, and how many there are."""
    required = [q.pk for axis in axes for q in required_questions(axis)]
    return sum(1 for pk in required if pk in answers and answers[pk].is_answered), len(required)


# --- reading time ---------------------------------------------------------------


def _words(*texts: str) -> int:
    return sum(len(t.split()) for t in texts)


@dataclass(frozen=True)
class ReadingTime:
    activity: str  # segment code, "" for every respondent
    questions: int
    words: int

    @property
    def seconds(self) -> float:
        return 60 * self.words / WORDS_PER_MINUTE + SECONDS_PER_DECISION * self.questions

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def reading_time(questionnaire, axes: list[Axis], activity: str = "") -> ReadingTime:
    """What a respondent of this activity reads and decides on a phone: the
    questionnaire's introduction, each axis page's title and text, and each of its
    questions (text, help, choices); one decision per question."""
    if activity:
        axes = _filtered(axes, lambda q: applies_to_activity(q, activity))
    questions = [q for axis in axes for q in axis.questions.all()]
    words = _words(questionnaire.name, questionnaire.description)
    words += sum(_words(axis.name, axis.description) for axis in axes)
    words += sum(
        _words(q.text, q.help_text, *(c.label for c in q.choices.all())) for q in questions
    )
    return ReadingTime(activity=activity, questions=len(questions), words=words)
