"""Use cases: they validate, write in one transaction and raise clear errors.

Every write to a diagnostic first locks its row, so a submission and a
colleague's answer never interleave: the answer lands before the submission
or is refused after it.
"""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics import selectors
from diagnostics.models import (
    Answer,
    Axis,
    AxisImportance,
    AxisNarrative,
    AxisScore,
    Campaign,
    Choice,
    Diagnostic,
    MaturityLevel,
    Office,
    Question,
    Questionnaire,
)

CAMPAIGN_CLOSED = gettext_noop(
    "La campagne « {campaign} » n’est pas ouverte : elle court du {opens} au {closes}."
)
ALREADY_STARTED = gettext_noop(
    "Un diagnostic est déjà en cours pour cet office dans la campagne « {campaign} » : "
    "reprenez-le plutôt que d’en commencer un autre."
)
ALREADY_SUBMITTED = gettext_noop("Ce diagnostic a été soumis : il ne peut plus être modifié.")
QUESTION_NOT_IN_QUESTIONNAIRE = gettext_noop(
    "Cette question n’appartient pas au questionnaire de ce diagnostic."
)
CHOICE_NOT_OF_QUESTION = gettext_noop("Cette réponse n’appartient pas à la question posée.")
NOT_APPLICABLE_REFUSED = gettext_noop("« Non concerné » n’est pas possible pour cette question.")
CHOICE_AND_NOT_APPLICABLE = gettext_noop(
    "Choisissez une réponse ou « non concerné », pas les deux."
)
COMMENT_TOO_LONG = gettext_noop("Le commentaire dépasse {max} caractères.")
UNANSWERED_QUESTIONS = gettext_noop(
    "Il reste {count} question(s) sans réponse : répondez-y (ou choisissez « non concerné » "
    "quand c’est possible) avant de soumettre."
)

COMMENT_MAX_LENGTH = Answer._meta.get_field("comment").max_length


def _check_open(campaign: Campaign, now: datetime | None) -> None:
    if not campaign.is_open(timezone.localdate(now) if now else None):
        raise ValidationError(
            _(CAMPAIGN_CLOSED).format(
                campaign=campaign.name,
                opens=campaign.opens.strftime("%d/%m/%Y"),
                closes=campaign.closes.strftime("%d/%m/%Y"),
            )
        )


def diagnostic_start(*, office: Office, campaign: Campaign, user, now=None) -> Diagnostic:
    """Opens the office's diagnostic for an open campaign, one draft at a time."""
    _check_open(campaign, now)
    already = ValidationError(_(ALREADY_STARTED).format(campaign=campaign.name))
    try:
        with transaction.atomic():
            # Locking the office serialises two clicks on « Commencer »; the
            # database constraint still has the last word where locks are no-ops.
            Office.objects.select_for_update().filter(pk=office.pk).first()
            drafts = Diagnostic.objects.filter(
                office=office, campaign=campaign, status=Diagnostic.Status.DRAFT
            )
            if drafts.exists():
                raise already
            return Diagnostic.objects.create(
                office=office,
                campaign=campaign,
                questionnaire_id=campaign.questionnaire_id,
                created_by=user,
            )
    except IntegrityError:
        raise already from None


def _lock_draft(diagnostic: Diagnostic) -> Diagnostic:
    """Re-reads the diagnostic under a row lock and checks it may still change."""
    locked = Diagnostic.objects.select_for_update().select_related("campaign").get(pk=diagnostic.pk)
    if locked.is_submitted:
        raise ValidationError(_(ALREADY_SUBMITTED))
    return locked


ANSWER_FIELDS = ("choice", "comment")


def answer_save(
    *,
    diagnostic: Diagnostic,
    question: Question,
    choice: Choice | None = None,
    not_applicable: bool = False,
    comment: str = "",
    fields: tuple[str, ...] = ANSWER_FIELDS,
    user,
    now: datetime | None = None,
) -> Answer:
    """Upserts the answer to one question, leaving every other answer alone.

    Only the given `fields` are written ("choice" covers « non concerné » too), so
    a colleague's newer comment survives a choice made on an older page, and the
    other way round.
    """
    if question.questionnaire_id != diagnostic.questionnaire_id:
        raise ValidationError(_(QUESTION_NOT_IN_QUESTIONNAIRE))
    if "choice" in fields:
        if choice is not None and choice.question_id != question.pk:
            raise ValidationError(_(CHOICE_NOT_OF_QUESTION))
        if not_applicable and choice is not None:
            raise ValidationError(_(CHOICE_AND_NOT_APPLICABLE))
        if not_applicable and not question.allow_not_applicable:
            raise ValidationError(_(NOT_APPLICABLE_REFUSED))
    if "comment" in fields and len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(_(COMMENT_TOO_LONG).format(max=COMMENT_MAX_LENGTH))
    with transaction.atomic():
        locked = _lock_draft(diagnostic)  # also serialises the colleagues' saves
        _check_open(locked.campaign, now)
        answer = Answer.objects.filter(diagnostic=locked, question=question).first() or Answer(
            diagnostic=locked, question=question
        )
        if "choice" in fields:
            answer.choice, answer.not_applicable = choice, not_applicable
        if "comment" in fields:
            answer.comment = comment.strip()
        answer.updated_by = user
        answer.save()
        Diagnostic.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return answer


def _decimal(score: float | None) -> Decimal | None:
    return None if score is None else Decimal(f"{score:.2f}")


def diagnostic_submit(*, diagnostic: Diagnostic, user, now: datetime | None = None) -> Diagnostic:
    """Freezes a complete diagnostic and stores its scores for good."""
    with transaction.atomic():
        locked = _lock_draft(diagnostic)
        # Read the clock once the lock is held: an answer saved while we waited
        # is scored, and stamped before the submission.
        now = now or timezone.now()
        _check_open(locked.campaign, now)
        profile = selectors.diagnostic_profile(locked)
        missing = profile.total - profile.answered
        if missing:
            raise ValidationError(_(UNANSWERED_QUESTIONS).format(count=missing))
        AxisScore.objects.bulk_create(
            AxisScore(
                diagnostic=locked,
                axis_id=result.axis.id,
                score=_decimal(result.score),
                level_id=result.level.id if result.level else None,
                answered=result.answered,
                total=result.total,
            )
            for result in profile.axes
        )
        locked.status = Diagnostic.Status.SUBMITTED
        locked.submitted_by = user
        locked.submitted_at = now
        locked.overall_score = _decimal(profile.score)
        locked.overall_level_id = profile.level.id if profile.level else None
        locked.save()
    return locked


NETWORK_GROUP = "Réseau"
# Staff of the regional network manage the questionnaire, campaigns and
# offices, and read diagnostics; they never edit answers or manage users.
NETWORK_MANAGED_MODELS = [
    "questionnaire",
    "maturitylevel",
    "axis",
    "question",
    "choice",
    "axisnarrative",
    "campaign",
    "office",
    "membership",
]
NETWORK_READ_MODELS = ["diagnostic", "answer", "axisscore", "axisimportance"]
# Reading accounts lets staff attach a director to an office; creating or
# changing accounts stays with the superusers.
NETWORK_AUTH_PERMISSIONS = ["view_user"]


def network_group_sync() -> Group:
    """Creates or updates the « Réseau » group with exactly the permissions it needs."""
    group, _created = Group.objects.get_or_create(name=NETWORK_GROUP)
    codenames = [
        f"{action}_{model}"
        for model in NETWORK_MANAGED_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    codenames += [f"view_{model}" for model in NETWORK_READ_MODELS]
    permissions = Permission.objects.filter(
        Q(content_type__app_label="diagnostics", codename__in=codenames)
        | Q(content_type__app_label="auth", codename__in=NETWORK_AUTH_PERMISSIONS)
    )
    group.permissions.set(permissions)
    return group


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
            status=Questionnaire.Status.DRAFT,
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
                description=axis.description,
                order=axis.order,
                weight=axis.weight,
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


IMPORTANCE_UNKNOWN = gettext_noop(
    "Importance inconnue : choisissez « essentiel », « important » ou « secondaire »."
)
AXIS_NOT_IN_QUESTIONNAIRE = gettext_noop(
    "Cet axe n’appartient pas au questionnaire de ce diagnostic."
)


def axis_importance_save(
    *,
    diagnostic: Diagnostic,
    importances: dict[int, str],
    user,
    now: datetime | None = None,
) -> list[AxisImportance]:
    """Records how much each axis (by id) matters for the territory, while the diagnostic is a draft.

    It never changes a score: it orders the priorities and places the axes in
    the importance × performance matrix.
    """
    valid = set(AxisImportance.Importance.values)
    if any(value not in valid for value in importances.values()):
        raise ValidationError(_(IMPORTANCE_UNKNOWN))
    axes = set(
        Axis.objects.filter(questionnaire=diagnostic.questionnaire_id).values_list("pk", flat=True)
    )
    if not set(importances) <= axes:
        raise ValidationError(_(AXIS_NOT_IN_QUESTIONNAIRE))
    with transaction.atomic():
        locked = _lock_draft(diagnostic)
        _check_open(locked.campaign, now)
        saved = [
            AxisImportance.objects.update_or_create(
                diagnostic=locked, axis_id=axis_id, defaults={"importance": importance}
            )[0]
            for axis_id, importance in importances.items()
        ]
        Diagnostic.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return saved
