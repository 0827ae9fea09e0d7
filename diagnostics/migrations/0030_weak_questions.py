# Each diagnostic stores the codes of the questions it answered weakly, written at its
# submission. Every diagnostic already submitted gets them here, computed as a submission
# computes them (scoring.weak_questions, which takes plain data) from its answers and its
# questionnaire's structure as they stand.

from django.db import migrations, models

from diagnostics import scoring

BATCH = 500  # diagnostics at a time: bounded memory on a whole network's history


def _structure(apps, questionnaire_id) -> tuple[scoring.AxisSpec, ...]:
    """A questionnaire's axes, questions and choices as scoring's plain specs, in order."""
    Question = apps.get_model("diagnostics", "Question")
    Choice = apps.get_model("diagnostics", "Choice")
    choices: dict[int, list[scoring.ChoiceSpec]] = {}
    for question_id, pk, points in (
        Choice.objects.filter(question__questionnaire_id=questionnaire_id)
        .order_by("order", "pk")
        .values_list("question_id", "pk", "points")
    ):
        choices.setdefault(question_id, []).append(scoring.ChoiceSpec(id=pk, points=points))
    axes: dict[int, list[scoring.QuestionSpec]] = {}
    for pk, code, axis_id in (
        Question.objects.filter(questionnaire_id=questionnaire_id)
        .order_by("axis__order", "axis_id", "order", "pk")
        .values_list("pk", "code", "axis_id")
    ):
        question = scoring.QuestionSpec(id=pk, code=code, choices=tuple(choices.get(pk, ())))
        axes.setdefault(axis_id, []).append(question)
    return tuple(scoring.AxisSpec(id=pk, questions=tuple(qs)) for pk, qs in axes.items())


def fill_weak_questions(apps, schema_editor):
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    Answer = apps.get_model("diagnostics", "Answer")
    structures: dict[int, tuple[scoring.AxisSpec, ...]] = {}
    submitted = list(
        Diagnostic.objects.filter(status="submitted")
        .order_by("pk")
        .values_list("pk", "questionnaire_id")
    )
    for start in range(0, len(submitted), BATCH):
        batch = dict(submitted[start : start + BATCH])
        answers: dict[int, list[scoring.AnswerSpec]] = {pk: [] for pk in batch}
        for diagnostic_id, question_id, choice_id in Answer.objects.filter(
            diagnostic_id__in=batch, choice__isnull=False
        ).values_list("diagnostic_id", "question_id", "choice_id"):
            answers[diagnostic_id].append(scoring.AnswerSpec(question_id, choice_id))
        filled = []
        for pk, questionnaire_id in batch.items():
            if questionnaire_id not in structures:
                structures[questionnaire_id] = _structure(apps, questionnaire_id)
            codes = scoring.weak_questions(structures[questionnaire_id], answers[pk])
            filled.append(Diagnostic(pk=pk, weak_questions=codes))
        Diagnostic.objects.bulk_update(filled, ["weak_questions"])


class Migration(migrations.Migration):

    dependencies = [
        ('diagnostics', '0029_business_rediagnosis'),
    ]

    operations = [
        migrations.AddField(
            model_name='diagnostic',
            name='weak_questions',
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name='questions répondues faiblement'),
        ),
        # Going back drops the column: nothing to undo.
        migrations.RunPython(fill_weak_questions, migrations.RunPython.noop),
    ]
