"""Any change to a questionnaire’s structure (narratives included) moves its `revised_at` forward.

The structure memo (selectors.questionnaire_axes) is keyed by it, so every
process sees the change, whether it came from the admin, a shell or `loaddata`.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from diagnostics.models import (
    Axis,
    AxisNarrative,
    Choice,
    MaturityLevel,
    Question,
    Questionnaire,
)


def _revise(sender, instance, **kwargs):
    if sender is Choice:
        owners = Questionnaire.objects.filter(questions=instance.question_id)
    elif sender is AxisNarrative:
        owners = Questionnaire.objects.filter(axes=instance.axis_id)
    else:
        owners = Questionnaire.objects.filter(pk=instance.questionnaire_id)
    owners.update(revised_at=timezone.now())


def connect() -> None:
    for model in (MaturityLevel, Axis, Question, Choice, AxisNarrative):
        post_save.connect(_revise, sender=model, dispatch_uid=f"revise-{model.__name__}")
        post_delete.connect(_revise, sender=model, dispatch_uid=f"revise-del-{model.__name__}")
