"""Any change to a questionnaire’s structure (narratives included) moves its `revised_at` forward.

The structure memo (selectors.questionnaire_axes) is keyed by it, so every
process sees the change, whether it came from the admin, a shell or `loaddata`.
Also: an office's member is never saved as network staff, whoever writes the account.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from diagnostics.models import (
    MEMBER_NEVER_STAFF,
    Axis,
    AxisNarrative,
    Choice,
    MaturityLevel,
    Membership,
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


def _refuse_staff_member(sender, instance, **kwargs):
    """A member of an office never becomes network staff, whoever saves the account."""
    if instance.is_staff and instance.pk and Membership.objects.filter(user=instance.pk).exists():
        raise ValidationError(MEMBER_NEVER_STAFF)


def connect() -> None:
    pre_save.connect(
        _refuse_staff_member, sender=get_user_model(), dispatch_uid="staff-never-member"
    )
    for model in (MaturityLevel, Axis, Question, Choice, AxisNarrative):
        post_save.connect(_revise, sender=model, dispatch_uid=f"revise-{model.__name__}")
        post_delete.connect(_revise, sender=model, dispatch_uid=f"revise-del-{model.__name__}")
