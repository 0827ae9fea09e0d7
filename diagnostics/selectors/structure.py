"""A questionnaire's structure: its axes, questions and choices, read once per revision, and the
plain specs that scoring reads."""

from django.db.models import Prefetch

from diagnostics import applicability, scoring
from diagnostics.models import (
    Answer,
    Axis,
    Choice,
    Diagnostic,
    MaturityLevel,
    Question,
    Questionnaire,
)

# Published and archived questionnaires never change: their structure is read
# once per process and revision, then shared read-only by every request.
_frozen_axes: dict[tuple[int, object], list[Axis]] = {}
FROZEN_AXES_KEPT = 16


def questionnaire_axes(questionnaire: Questionnaire) -> list[Axis]:
    """Axes with their questions and choices, in order.

    Three queries for a draft; none for a frozen questionnaire already read at
    this revision. Callers must not modify the objects returned.
    """
    if not questionnaire.is_frozen:
        return _read_axes(questionnaire)
    key = (questionnaire.pk, questionnaire.revised_at)
    axes = _frozen_axes.get(key)
    if axes is None:
        if len(_frozen_axes) >= FROZEN_AXES_KEPT:
            _frozen_axes.clear()
        axes = _frozen_axes[key] = _read_axes(questionnaire)
    return axes


_frozen_levels: dict[tuple[int, object], list[MaturityLevel]] = {}


def questionnaire_levels(questionnaire: Questionnaire) -> list[MaturityLevel]:
    """The maturity levels, lowest first: one query for a draft, none for a frozen
    questionnaire already read at this revision (as its axes). Not to be modified."""
    if not questionnaire.is_frozen:
        return list(questionnaire.levels.order_by("lower_bound"))
    key = (questionnaire.pk, questionnaire.revised_at)
    levels = _frozen_levels.get(key)
    if levels is None:
        if len(_frozen_levels) >= FROZEN_AXES_KEPT:
            _frozen_levels.clear()
        levels = _frozen_levels[key] = list(questionnaire.levels.order_by("lower_bound"))
    return levels


def _read_axes(questionnaire: Questionnaire) -> list[Axis]:
    choices = Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
    questions = Prefetch(
        "questions", queryset=Question.objects.order_by("order", "pk").prefetch_related(choices)
    )
    return list(
        Axis.objects.filter(questionnaire=questionnaire)
        .order_by("order", "pk")
        .prefetch_related(questions)
    )


def scoring_axes(axes: list[Axis]) -> tuple[scoring.AxisSpec, ...]:
    """The scoring service's view of prefetched axes (no query)."""
    return tuple(
        scoring.AxisSpec(
            id=axis.pk,
            code=axis.code,
            name=axis.name,
            weight=axis.weight,
            questions=tuple(
                scoring.QuestionSpec(
                    id=question.pk,
                    code=question.code,
                    text=question.text,
                    weight=question.weight,
                    choices=tuple(
                        scoring.ChoiceSpec(
                            id=choice.pk,
                            points=choice.points,
                            label=choice.label,
                            recommendation=choice.recommendation,
                            effort=choice.effort,
                            scale=choice.scale,
                        )
                        for choice in question.choices.all()
                    ),
                )
                for question in axis.questions.all()
            ),
        )
        for axis in axes
    )


def scoring_levels(questionnaire: Questionnaire) -> tuple[scoring.LevelSpec, ...]:
    return tuple(
        scoring.LevelSpec(
            id=level.pk,
            lower_bound=level.lower_bound,
            name=level.name,
            description=level.description,
        )
        for level in questionnaire_levels(questionnaire)
    )


def scoring_answers(answers) -> list[scoring.AnswerSpec]:
    return [
        scoring.AnswerSpec(
            question_id=a.question_id, choice_id=a.choice_id, not_applicable=a.not_applicable
        )
        for a in answers
    ]


def diagnostic_profile(
    diagnostic: Diagnostic, answers: list[scoring.AnswerSpec] | None = None
) -> scoring.Profile:
    """The live profile of a diagnostic from its current answers (read unless given), over
    the questions its organisation is scored on: five queries, four with the answers."""
    structure = questionnaire_axes(diagnostic.questionnaire)
    axes = scoring_axes(applicability.applicable(structure, diagnostic.organisation).scored)
    levels = scoring_levels(diagnostic.questionnaire)
    if answers is None:
        answers = scoring_answers(Answer.objects.filter(diagnostic=diagnostic))
    return scoring.score_diagnostic(axes, levels, answers)


def weak_question_codes(
    questionnaire: Questionnaire, answers: list[scoring.AnswerSpec]
) -> list[str]:
    """The codes of the questions these answers answer weakly, over every question of the
    questionnaire (scoring.weak_questions): what a diagnostic stores at submission. No
    query once the questionnaire's structure is read."""
    return scoring.weak_questions(scoring_axes(questionnaire_axes(questionnaire)), answers)
