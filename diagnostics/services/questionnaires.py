"""Questionnaires: a draft copied from a published one."""

from django.db import transaction

from diagnostics import selectors
from diagnostics.models import Axis, AxisNarrative, Choice, MaturityLevel, Question, Questionnaire


def questionnaire_duplicate(*, questionnaire: Questionnaire) -> Questionnaire:
    """Copies a questionnaire as the next draft version of its code, ready to edit.

    Diagnostics keep the version they were answered with: editing the copy never
    touches past answers or their stored scores.
    """
    with transaction.atomic():
        latest = (
            Questionnaire.objects.select_for_update()
            .filter(code=questionnaire.code)
            .order_by("-version")
            .first()
        )
        copy = Questionnaire.objects.create(
            code=questionnaire.code,
            version=latest.version + 1,
            name=questionnaire.name,
            description=questionnaire.description,
            audience=questionnaire.audience,
            status=Questionnaire.Status.DRAFT,
            abbreviates_id=questionnaire.abbreviates_id,  # an express copy stays express
        )
        new_levels = MaturityLevel.objects.bulk_create(
            MaturityLevel(
                questionnaire=copy,
                lower_bound=level.lower_bound,
                name=level.name,
                description=level.description,
            )
            for level in questionnaire.levels.all()
        )
        axes = selectors.questionnaire_axes(questionnaire)
        new_axes = Axis.objects.bulk_create(
            Axis(
                questionnaire=copy,
                code=axis.code,
                name=axis.name,
                short_name=axis.short_name,
                description=axis.description,
                order=axis.order,
                weight=axis.weight,
                margin_below=axis.margin_below,
                margin_above=axis.margin_above,
                shrinkage=axis.shrinkage,
            )
            for axis in axes
        )
        old_questions = [
            (q, new_axis)
            for axis, new_axis in zip(axes, new_axes, strict=True)
            for q in axis.questions.all()
        ]
        new_questions = Question.objects.bulk_create(
            Question(
                questionnaire=copy,
                axis=new_axis,
                code=q.code,
                text=q.text,
                help_text=q.help_text,
                order=q.order,
                weight=q.weight,
                allow_not_applicable=q.allow_not_applicable,
                activities=q.activities,
                scored=q.scored,
            )
            for q, new_axis in old_questions
        )
        Choice.objects.bulk_create(
            Choice(
                question=new_question,
                order=c.order,
                label=c.label,
                points=c.points,
                recommendation=c.recommendation,
                effort=c.effort,
                scale=c.scale,
            )
            for (q, _axis), new_question in zip(old_questions, new_questions, strict=True)
            for c in q.choices.all()
        )
        axis_by_code = {axis.code: axis for axis in new_axes}
        level_by_bound = {level.lower_bound: level for level in new_levels}
        AxisNarrative.objects.bulk_create(
            AxisNarrative(
                axis=axis_by_code[narrative.axis.code],
                level=level_by_bound[narrative.level.lower_bound],
                text=narrative.text,
            )
            for narrative in AxisNarrative.objects.filter(
                axis__questionnaire=questionnaire
            ).select_related("axis", "level")
        )
    return copy
