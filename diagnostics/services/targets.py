"""« Le niveau visé »: the office's team sets, after reading its results, a target level per axis.

Targets live beside a submitted diagnostic (models/targets.py), never in it: its
answers and scores stay as they were. Any member may set, change or clear them
until the office submits a later campaign's diagnostic, which judges them.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.formatting import shown
from diagnostics.models import Axis, AxisTarget, Diagnostic, MaturityLevel, Membership
from diagnostics.selectors.targets import current_scores, later_submitted
from diagnostics.services.errors import ServiceError, ServiceForbidden

TARGETS_CLOSED = gettext_noop(
    "Un diagnostic plus récent est soumis : les niveaux visés de celui-ci sont désormais jugés, "
    "ils ne peuvent plus changer."
)
TARGETS_NOT_MEMBER = gettext_noop(
    "Seuls les membres d’un office fixent ses niveaux visés, sur ses propres diagnostics."
)
TARGET_AXIS_UNKNOWN = gettext_noop("Cet axe n’appartient pas au questionnaire de ce diagnostic.")
TARGET_LEVEL_UNKNOWN = gettext_noop("Ce niveau n’appartient pas au questionnaire de ce diagnostic.")
TARGET_LEVEL_REACHED = gettext_noop(
    "Le niveau visé pour « {axis} » est déjà atteint : choisissez un niveau au-dessus du score "
    "actuel ({score})."
)
TARGET_DUE_PAST = gettext_noop(
    "L’échéance pour « {axis} » est passée : choisissez un mois à venir."
)


@dataclass(frozen=True)
class TargetChoice:
    """What the team chose for one axis: a level of the diagnostic's questionnaire and a date."""

    level_id: int
    due_date: date


def axis_targets_save(
    *,
    diagnostic: Diagnostic,
    targets: dict[int, TargetChoice | None],
    user,
    today: date | None = None,
) -> list[AxisTarget]:
    """Sets (or, for None, clears) the target level of each axis given by id; all or nothing.

    A target stands above the axis's score as shown and is due this month or later.
    Who set it and who changed it last are recorded.
    """
    today = today or timezone.localdate()
    if diagnostic.organisation.is_business:
        raise ServiceForbidden(_(TARGETS_NOT_MEMBER))
    if not Membership.objects.filter(office=diagnostic.organisation_id, user=user).exists():
        raise ServiceForbidden(_(TARGETS_NOT_MEMBER))
    axes = {
        a.pk: a
        for a in Axis.objects.filter(questionnaire=diagnostic.questionnaire_id, pk__in=targets)
    }
    if set(targets) - set(axes):
        raise ServiceError(_(TARGET_AXIS_UNKNOWN))
    chosen = {c.level_id for c in targets.values() if c is not None}
    levels = {
        lv.pk: lv
        for lv in MaturityLevel.objects.filter(
            questionnaire=diagnostic.questionnaire_id, pk__in=chosen
        )
    }
    if chosen - set(levels):
        raise ServiceError(_(TARGET_LEVEL_UNKNOWN))
    scores = current_scores(diagnostic)
    kept = dict(
        AxisTarget.objects.filter(diagnostic=diagnostic.pk).values_list("axis_id", "due_date")
    )
    for axis_id, choice in targets.items():
        if choice is None:
            continue
        name = axes[axis_id].name
        score = scores.get(axis_id)
        if score is not None and levels[choice.level_id].lower_bound <= shown(float(score)):
            raise ServiceError(_(TARGET_LEVEL_REACHED).format(axis=name, score=shown(float(score))))
        past = (choice.due_date.year, choice.due_date.month) < (today.year, today.month)
        if past and kept.get(axis_id) != choice.due_date:  # an overdue target may stay as it was
            raise ServiceError(_(TARGET_DUE_PAST).format(axis=name))
    with transaction.atomic():
        # The diagnostic's row lock serialises two members saving at once.
        locked = (
            Diagnostic.objects.select_for_update().select_related("campaign").get(pk=diagnostic.pk)
        )
        if locked.is_submitted and later_submitted(locked).exists():
            raise ServiceError(_(TARGETS_CLOSED))
        AxisTarget.objects.filter(
            diagnostic=locked, axis_id__in=[pk for pk, c in targets.items() if c is None]
        ).delete()
        saved = []
        for axis_id, choice in targets.items():
            if choice is None:
                continue
            target, created = AxisTarget.objects.get_or_create(
                diagnostic=locked,
                axis_id=axis_id,
                defaults={
                    "office_id": locked.organisation_id,
                    "level_id": choice.level_id,
                    "due_date": choice.due_date,
                    "created_by": user,
                    "updated_by": user,
                },
            )
            if not created and (target.level_id, target.due_date) != (
                choice.level_id,
                choice.due_date,
            ):
                target.level_id = choice.level_id
                target.due_date = choice.due_date
                target.updated_by = user
                target.save(update_fields=["level", "due_date", "updated_by", "updated_at"])
            saved.append(target)
    return saved
