"""Use cases: they validate, write in one transaction and raise clear errors.

Every write to a diagnostic first locks its row, so a submission and a
colleague's answer never interleave: the answer lands before the submission
or is refused after it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from diagnostics import selectors
from diagnostics.emails import build_email
from diagnostics.models import (
    Action,
    Answer,
    Audience,
    Axis,
    AxisImportance,
    AxisNarrative,
    AxisScore,
    Campaign,
    Choice,
    Diagnostic,
    DiagnosticReopening,
    Invitation,
    MaturityLevel,
    Membership,
    Office,
    Organisation,
    Question,
    Questionnaire,
    Reminder,
)
from diagnostics.tasks import (
    dashboard_figures_task,
    invitation_email_enqueue,
    messages_enqueue,
    report_pdf_at_submission,
    report_pdf_enqueue,
)
from diagnostics.tokens import token_hash, unusable_hash

CAMPAIGN_CLOSED = gettext_noop(
    "La campagne « {campaign} » n’est pas ouverte : elle court du {opens} au {closes}."
)
NOT_IN_AUDIENCE = gettext_noop(
    "La campagne « {campaign} » ne s’adresse pas à votre organisation : elle ne peut pas y "
    "répondre."
)
ALREADY_STARTED = gettext_noop(
    "Un diagnostic est déjà en cours pour cet office dans la campagne « {campaign} » : "
    "reprenez-le plutôt que d’en commencer un autre."
)
ALREADY_SUBMITTED = gettext_noop("Ce diagnostic a été soumis : il ne peut plus être modifié.")
ALREADY_SUBMITTED_IN_CAMPAIGN = gettext_noop(
    "Votre office a déjà soumis son diagnostic de la campagne « {campaign} » : "
    "un seul diagnostic par office et par campagne."
)
DIRECTOR_ONLY = gettext_noop(
    "Seule la direction de l’office peut soumettre ou abandonner le diagnostic : "
    "vos réponses sont enregistrées, elle le fera quand tout sera prêt."
)
NOTHING_TO_CARRY_OVER = gettext_noop(
    "Votre office n’a pas de diagnostic soumis lors d’une campagne précédente : "
    "il n’y a pas de réponses à reprendre."
)
ANSWER_CHANGED = gettext_noop("Cette réponse a changé depuis l’ouverture de votre page.")
ANSWER_CHANGED_BY = gettext_noop(
    "{name} a modifié cette réponse le {date} à {time}, après l’ouverture de votre page."
)
QUESTION_NOT_IN_QUESTIONNAIRE = gettext_noop(
    "Cette question n’appartient pas au questionnaire de ce diagnostic."
)
CHOICE_NOT_OF_QUESTION = gettext_noop("Cette réponse n’appartient pas à la question posée.")
NOT_APPLICABLE_REFUSED = gettext_noop("« Non concerné » n’est pas possible pour cette question.")
CHOICE_AND_NOT_APPLICABLE = gettext_noop(
    "Choisissez une réponse ou « non concerné », pas les deux."
)
COMMENT_TOO_LONG = gettext_noop("Le commentaire dépasse {max} caractères.")
# ngettext needs both forms as literals for the catalogue.
UNANSWERED_ONE = "Il reste {count} question sans réponse ou à confirmer : répondez-y (ou choisissez « non concerné » quand c’est possible) avant de soumettre."
UNANSWERED_MANY = "Il reste {count} questions sans réponse ou à confirmer : répondez-y (ou choisissez « non concerné » quand c’est possible) avant de soumettre."

COMMENT_MAX_LENGTH = Answer._meta.get_field("comment").max_length
ANSWER_FIELDS = ("choice", "comment")

logger = logging.getLogger("diagnostics.audit")


def _check_open(campaign: Campaign, now: datetime | None) -> None:
    if not campaign.is_open(timezone.localdate(now) if now else None):
        raise ValidationError(
            _(CAMPAIGN_CLOSED).format(
                campaign=campaign.name,
                opens=campaign.opens.strftime("%d/%m/%Y"),
                closes=campaign.closes.strftime("%d/%m/%Y"),
            )
        )


def is_director(user, office: Office) -> bool:
    return Membership.objects.filter(
        user=user, office=office, role=Membership.Role.DIRECTOR
    ).exists()


def _check_director(user, office: Office) -> None:
    if not is_director(user, office):
        raise ValidationError(_(DIRECTOR_ONLY))


def diagnostic_start(
    *,
    organisation: Organisation,
    campaign: Campaign,
    user=None,
    carry_over: bool = False,
    now=None,
) -> Diagnostic:
    """Opens the organisation's one diagnostic of an open campaign of its audience.

    With `carry_over`, the answers of its diagnostic of the previous campaign
    pre-fill the questions of the same code, each to be confirmed. A business
    starts from its link, without an account: `user` is then None.
    """
    if not campaign.admits(organisation):
        raise ValidationError(_(NOT_IN_AUDIENCE).format(campaign=campaign.name))
    _check_open(campaign, now)
    already = ValidationError(_(ALREADY_STARTED).format(campaign=campaign.name))
    try:
        with transaction.atomic():
            # Locking the office serialises two clicks on « Commencer »; the
            # database constraint still has the last word where locks are no-ops.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            existing = Diagnostic.objects.filter(
                organisation=organisation,
                campaign=campaign,
                status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
            ).first()
            if existing is not None and existing.is_submitted:
                raise ValidationError(
                    _(ALREADY_SUBMITTED_IN_CAMPAIGN).format(campaign=campaign.name)
                )
            if existing is not None:
                raise already
            previous = None
            if carry_over:
                previous = selectors.previous_diagnostics(organisation.pk, campaign).first()
                if previous is None:
                    raise ValidationError(_(NOTHING_TO_CARRY_OVER))
            diagnostic = Diagnostic.objects.create(
                organisation=organisation,
                campaign=campaign,
                questionnaire_id=campaign.questionnaire_id,
                created_by=user,
            )
            if previous is not None:
                _carry_over(previous, diagnostic, user)
            return diagnostic
    except IntegrityError:
        raise already from None


def _matching_choice(old: Choice, question: Question) -> Choice | None:
    """The new question's choice that says what the old one said: same label, else the
    same rank when both questions have as many choices."""
    choices = list(question.choices.all())
    same_label = [c for c in choices if c.label.strip() == old.label.strip()]
    if same_label:
        return same_label[0]
    old_choices = list(old.question.choices.all())
    if len(old_choices) == len(choices):
        rank = [c.pk for c in old_choices].index(old.pk)
        return choices[rank]
    return None


def _carry_over(previous: Diagnostic, diagnostic: Diagnostic, user) -> None:
    questions = {
        q.code: q
        for axis in selectors.questionnaire_axes(diagnostic.questionnaire)
        for q in axis.questions.all()
    }
    old_answers = Answer.objects.filter(diagnostic=previous).select_related("question", "choice")
    old_answers = old_answers.prefetch_related("question__choices")
    carried = []
    for old in old_answers:
        question = questions.get(old.question.code)
        if question is None:
            continue
        choice = _matching_choice(old.choice, question) if old.choice_id else None
        not_applicable = old.not_applicable and question.allow_not_applicable
        if choice is None and not not_applicable and not old.comment:
            continue
        carried.append(
            Answer(
                diagnostic=diagnostic,
                question=question,
                choice=choice,
                not_applicable=not_applicable,
                comment=old.comment,
                carried_over=True,
                updated_by=user,
            )
        )
    Answer.objects.bulk_create(carried)


def diagnostic_abandon(*, diagnostic: Diagnostic, user) -> None:
    """Deletes a draft and its answers: the director's act, logged."""
    with transaction.atomic():
        locked = _lock_draft(diagnostic)
        _check_director(user, locked.organisation)
        answers = locked.answers.count()
        locked.delete()
    logger.info(
        "diagnostic abandoned",
        extra={
            "diagnostic": diagnostic.pk,
            "organisation": diagnostic.organisation_id,
            "campaign": diagnostic.campaign_id,
            "answers": answers,
            "user": user.pk,
        },
    )


def _lock_draft(diagnostic: Diagnostic) -> Diagnostic:
    """Re-reads the diagnostic under a row lock and checks it may still change."""
    locked = (
        Diagnostic.objects.select_for_update()
        .select_related("campaign", "organisation")
        .get(pk=diagnostic.pk)
    )
    if locked.status != Diagnostic.Status.DRAFT:
        raise ValidationError(_(ALREADY_SUBMITTED))
    return locked


def choice_token(answer: Answer | None) -> str:
    """The stored choice as the pages send it: a choice id, « na », or "" for none."""
    if answer is None:
        return ""
    if answer.not_applicable:
        return "na"
    return str(answer.choice_id) if answer.choice_id else ""


def comment_text(text: str | None) -> str:
    """A comment as stored: browsers send line breaks as CRLF."""
    return (text or "").replace("\r\n", "\n").strip()


@dataclass(frozen=True)
class AnswerChange:
    """What a member changed on one question.

    `expected` holds, per field, the stored value the member's page showed
    (`choice_token`, `comment_text`): the save is refused as a conflict when a
    colleague stored something else since. None skips the check (scripts).
    """

    question: Question
    choice: Choice | None = None
    not_applicable: bool = False
    comment: str = ""
    fields: tuple[str, ...] = ANSWER_FIELDS
    expected: dict[str, str] | None = None
    confirm: bool = False  # confirms an answer carried over from the previous diagnostic

    @property
    def token(self) -> str:
        if self.not_applicable:
            return "na"
        return str(self.choice.pk) if self.choice else ""

    def new(self, field_name: str) -> str:
        return self.token if field_name == "choice" else comment_text(self.comment)


@dataclass(frozen=True)
class Conflict:
    question: Question
    answer: Answer | None  # as stored
    fields: tuple[str, ...]

    @property
    def message(self) -> str:
        # A business answers without an account: nobody to name.
        if self.answer is None or self.answer.updated_by is None:
            return _(ANSWER_CHANGED)
        user = self.answer.updated_by
        name = user.get_full_name() or user.get_username()
        when = timezone.localtime(self.answer.updated_at)
        return _(ANSWER_CHANGED_BY).format(
            name=name, date=date_format(when, "j F"), time=time_format(when, "H:i")
        )


class AnswerConflict(ValidationError):
    """Colleagues changed some of these answers since the member's page was loaded."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__([c.message for c in conflicts])


def _check(change: AnswerChange, diagnostic: Diagnostic) -> None:
    question, choice = change.question, change.choice
    if question.questionnaire_id != diagnostic.questionnaire_id:
        raise ValidationError(_(QUESTION_NOT_IN_QUESTIONNAIRE))
    if "choice" in change.fields:
        if choice is not None and choice.question_id != question.pk:
            raise ValidationError(_(CHOICE_NOT_OF_QUESTION))
        if change.not_applicable and choice is not None:
            raise ValidationError(_(CHOICE_AND_NOT_APPLICABLE))
        if change.not_applicable and not question.allow_not_applicable:
            raise ValidationError(_(NOT_APPLICABLE_REFUSED))
    if "comment" in change.fields and len(change.comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(_(COMMENT_TOO_LONG).format(max=COMMENT_MAX_LENGTH))


def _stored(answer: Answer | None, field_name: str) -> str:
    if field_name == "choice":
        return choice_token(answer)
    return comment_text(answer.comment if answer else "")


def answers_save(
    *, diagnostic: Diagnostic, changes: list[AnswerChange], user, now: datetime | None = None
) -> list[Answer]:
    """Upserts the changed answers of a page, all or none, and returns them as stored.

    Only the given fields are written ("choice" covers « non concerné » too), so a
    colleague's newer comment survives a choice made on an older page. A field a
    colleague changed since the page was loaded is never overwritten: the whole
    save is refused with the conflicts, so that the member can choose.
    """
    for change in changes:
        _check(change, diagnostic)
    with transaction.atomic():
        locked = _lock_draft(diagnostic)  # also serialises the colleagues' saves
        _check_open(locked.campaign, now)
        stored = {
            a.question_id: a
            for a in Answer.objects.filter(
                diagnostic=locked, question__in=[c.question for c in changes]
            ).select_related("updated_by")
        }
        conflicts = []
        for change in changes:
            if change.expected is None:
                continue
            answer = stored.get(change.question.pk)
            checked = change.fields + (("choice",) if change.confirm else ())
            clashing = tuple(
                f
                for f in dict.fromkeys(checked)
                if _stored(answer, f) != change.expected.get(f, "")
                and _stored(answer, f) != change.new(f)
            )
            if clashing:
                conflicts.append(Conflict(change.question, answer, clashing))
        if conflicts:
            raise AnswerConflict(conflicts)
        saved = []
        for change in changes:
            answer = stored.get(change.question.pk) or Answer(
                diagnostic=locked, question=change.question
            )
            if "choice" in change.fields:
                answer.choice, answer.not_applicable = change.choice, change.not_applicable
            if "comment" in change.fields:
                answer.comment = comment_text(change.comment)
            if "choice" in change.fields or change.confirm:
                answer.carried_over = False
            answer.updated_by = user
            answer.save()
            saved.append(answer)
        if saved:
            Diagnostic.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return saved


def answer_save(
    *,
    diagnostic: Diagnostic,
    question: Question,
    choice: Choice | None = None,
    not_applicable: bool = False,
    comment: str = "",
    fields: tuple[str, ...] = ANSWER_FIELDS,
    expected: dict[str, str] | None = None,
    user,
    now: datetime | None = None,
) -> Answer:
    """Upserts the answer to one question (see answers_save)."""
    change = AnswerChange(
        question=question,
        choice=choice,
        not_applicable=not_applicable,
        comment=comment,
        fields=fields,
        expected=expected,
    )
    return answers_save(diagnostic=diagnostic, changes=[change], user=user, now=now)[0]


def _decimal(score: float | None) -> Decimal | None:
    return None if score is None else Decimal(f"{score:.2f}")


def diagnostic_submit(
    *,
    diagnostic: Diagnostic,
    user=None,
    share_details: bool = True,
    now: datetime | None = None,
) -> Diagnostic:
    """Freezes a complete diagnostic and stores its scores for good.

    An office's diagnostic is submitted by its director; a business's by the
    business itself, from its personal link (the caller checked it: no user),
    saying whether its office may read the detail of its answers.
    """
    with transaction.atomic():
        locked = _lock_draft(diagnostic)
        if not locked.organisation.is_business:
            _check_director(user, locked.organisation)
        # Read the clock once the lock is held: an answer saved while we waited
        # is scored, and stamped before the submission.
        now = now or timezone.now()
        _check_open(locked.campaign, now)
        profile = selectors.diagnostic_profile(locked)
        missing = profile.total - profile.answered
        counted = [q.id for result in profile.axes for q in result.axis.questions]
        missing += Answer.objects.filter(
            diagnostic=locked, carried_over=True, question_id__in=counted
        ).count()
        if missing:
            message = ngettext(UNANSWERED_ONE, UNANSWERED_MANY, missing)
            raise ValidationError(message.format(count=missing))
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
        locked.share_details = share_details if locked.organisation.is_business else True
        locked.save()
        # The report is printed in the background once the submission is
        # committed, so that its first download is immediate; so are the
        # regional dashboard's figures, which the submission has made stale.
        if report_pdf_at_submission():
            transaction.on_commit(partial(report_pdf_enqueue, diagnostic_id=locked.pk), robust=True)
            if locked.campaign.audience == Audience.OFFICES:
                transaction.on_commit(
                    partial(dashboard_figures_task.enqueue, campaign_id=locked.campaign_id),
                    robust=True,
                )
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
    "training",
    "trainingsession",
]
NETWORK_READ_MODELS = [
    "diagnostic",
    "answer",
    "axisscore",
    "diagnosticreopening",
    "axisimportance",
    "action",  # the admin shows counts per axis only, never an action's content
    # The offices run their businesses' campaigns; the network reads them.
    "businesscampaign",
    "business",
]
# Reading accounts lets staff attach a director to an office; creating or
# changing accounts stays with the superusers.
NETWORK_AUTH_PERMISSIONS = ["view_user"]
# Reopening a diagnostic submitted by mistake (with a reason, kept: diagnostic_reopen).
NETWORK_EXTRA_PERMISSIONS = ["reopen_diagnostic"]
# Onboarding: staff invite (add), resend and revoke (change) and read invitations;
# an invitation is never deleted, it is revoked. Reminders are sent from the
# campaign list (change_campaign), which shows the date of the last one.
NETWORK_ONBOARDING_PERMISSIONS = ["add_invitation", "change_invitation", "view_invitation"]
# Following background tasks (failures with their traceback) in the admin.
NETWORK_TASK_PERMISSIONS = ["view_dbtaskresult"]


def network_group_sync() -> Group:
    """Creates or updates the « Réseau » group with exactly the permissions it needs."""
    group, _created = Group.objects.get_or_create(name=NETWORK_GROUP)
    codenames = [
        f"{action}_{model}"
        for model in NETWORK_MANAGED_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    codenames += [f"view_{model}" for model in NETWORK_READ_MODELS]
    codenames += NETWORK_EXTRA_PERMISSIONS
    codenames += NETWORK_ONBOARDING_PERMISSIONS
    permissions = Permission.objects.filter(
        Q(content_type__app_label="diagnostics", codename__in=codenames)
        | Q(content_type__app_label="auth", codename__in=NETWORK_AUTH_PERMISSIONS)
        | Q(content_type__app_label="django_tasks_database", codename__in=NETWORK_TASK_PERMISSIONS)
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
            audience=questionnaire.audience,
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


REOPEN_NOT_SUBMITTED = gettext_noop("Ce diagnostic n’est pas soumis : il n’y a rien à rouvrir.")
REOPEN_REASON_REQUIRED = gettext_noop(
    "Écrivez pourquoi ce diagnostic est rouvert : le motif est gardé dans son historique."
)
REOPEN_NOT_ALLOWED = gettext_noop("Seule l’équipe du réseau peut rouvrir un diagnostic soumis.")


def diagnostic_reopen(
    *, diagnostic: Diagnostic, user, reason: str, now: datetime | None = None
) -> DiagnosticReopening:
    """Puts a submitted diagnostic back to draft, for a written reason kept with its
    previous scores; refused once the campaign is closed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_(REOPEN_REASON_REQUIRED))
    if not user.has_perm("diagnostics.reopen_diagnostic"):
        raise ValidationError(_(REOPEN_NOT_ALLOWED))
    with transaction.atomic():
        locked = (
            Diagnostic.objects.select_for_update().select_related("campaign").get(pk=diagnostic.pk)
        )
        if not locked.is_submitted:
            raise ValidationError(_(REOPEN_NOT_SUBMITTED))
        now = now or timezone.now()
        _check_open(locked.campaign, now)
        scores = locked.axis_scores.select_related("axis", "level").order_by("axis__order")
        reopening = DiagnosticReopening.objects.create(
            diagnostic=locked,
            reopened_by=user,
            reopened_at=now,
            reason=reason,
            previous_submitted_at=locked.submitted_at,
            previous_overall_score=locked.overall_score,
            previous_axis_scores=[
                {
                    "axis": s.axis.code,
                    "name": s.axis.name,
                    "score": None if s.score is None else str(s.score),
                    "level": s.level.name if s.level else None,
                }
                for s in scores
            ],
        )
        scores.delete()
        locked.status = Diagnostic.Status.DRAFT
        locked.submitted_by = None
        locked.submitted_at = None
        locked.overall_score = None
        locked.overall_level = None
        locked.save()
    return reopening


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


# --- team and onboarding by invitation ----------------------------------------------

MEMBERSHIP_STAFF_REFUSED = gettext_noop(
    "Le personnel du réseau ne peut pas être membre d’un office : il consulte les offices "
    "depuis l’administration."
)
ALREADY_MEMBER = gettext_noop("{email} fait déjà partie de l’équipe de cet office.")
ROLE_INVALID = gettext_noop("Choisissez un rôle : direction ou membre de l’équipe.")
LAST_DIRECTOR = gettext_noop(
    "L’office doit garder au moins une personne à sa direction : confiez d’abord la direction "
    "à quelqu’un d’autre."
)
EMAIL_INVALID = gettext_noop("Saisissez une adresse e-mail valide, par exemple nom@office.fr.")
INVITATION_PENDING = gettext_noop(
    "Une invitation est déjà en attente pour {email} : renvoyez-la plutôt que d’en créer une autre."
)
INVITATION_NOT_OPEN = gettext_noop(
    "Cette invitation a déjà été acceptée ou révoquée : elle ne peut plus être renvoyée ni "
    "révoquée."
)
INVITATION_INVALID = gettext_noop(
    "Ce lien d’invitation n’est pas valide. Vérifiez que l’adresse a été copiée en entier, "
    "ou demandez une nouvelle invitation."
)
INVITATION_USED = gettext_noop(
    "Cette invitation a déjà été acceptée : connectez-vous avec votre adresse e-mail."
)
INVITATION_EXPIRED = gettext_noop(
    "Cette invitation a expiré. Demandez à la personne qui vous a invité de vous la renvoyer."
)
INVITATION_REVOKED = gettext_noop(
    "Cette invitation a été annulée. En cas de doute, contactez la direction de votre office "
    "ou votre réseau régional."
)
INVITATION_OTHER_ACCOUNT = gettext_noop(
    "Cette invitation est adressée à {email}, mais vous êtes connecté avec un autre compte. "
    "Déconnectez-vous, puis rouvrez le lien."
)
ACCOUNT_EXISTS = gettext_noop(
    "Un compte existe déjà pour {email} : connectez-vous pour accepter l’invitation."
)
NAME_REQUIRED = gettext_noop("Indiquez votre prénom et votre nom.")
REMINDER_CLOSED = gettext_noop(
    "La campagne « {campaign} » n’est pas ouverte : il n’y a personne à relancer."
)
REMINDER_NOBODY = gettext_noop(
    "Aucun office à relancer dans la campagne « {campaign} » : tous ont soumis, ou aucun "
    "n’a d’adresse e-mail (ni la direction, ni l’office)."
)

# Usernames are the invitee's e-mail address (lower case): people log in with it.
USERNAME_MAX_LENGTH = 150


def _normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_(EMAIL_INVALID)) from None
    if len(email) > USERNAME_MAX_LENGTH:
        raise ValidationError(_(EMAIL_INVALID))
    return email


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError(_(ROLE_INVALID))


def _other_directors(membership: Membership):
    return Membership.objects.filter(
        office_id=membership.office_id, role=Membership.Role.DIRECTOR
    ).exclude(pk=membership.pk)


def membership_add(*, office: Office, user, role: str) -> Membership:
    """Makes `user` a member of `office`; the one way memberships are created in the app."""
    _check_role(role)
    if user.is_staff:
        raise ValidationError(_(MEMBERSHIP_STAFF_REFUSED))
    with transaction.atomic():
        if Membership.objects.filter(office=office, user=user).exists():
            raise ValidationError(_(ALREADY_MEMBER).format(email=user.email or user.username))
        return Membership.objects.create(office=office, user=user, role=role)


def membership_role_change(*, membership: Membership, role: str) -> Membership:
    """Changes a member's role, never leaving the office without a director."""
    _check_role(role)
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=membership.office_id).first()
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            membership.role == Membership.Role.DIRECTOR
            and role != Membership.Role.DIRECTOR
            and not _other_directors(membership).exists()
        ):
            raise ValidationError(_(LAST_DIRECTOR))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    """Removes a member from the team, never the office's last director."""
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=membership.office_id).first()
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            membership.role == Membership.Role.DIRECTOR
            and not _other_directors(membership).exists()
        ):
            raise ValidationError(_(LAST_DIRECTOR))
        membership.delete()


def _invitation_send(invitation: Invitation, *, base_url: str, now) -> None:
    """Hands the e-mail to the task queue (retried there if the SMTP server refuses);
    `last_sent_at` records when it was handed over.

    The task receives the invitation's id only: it makes the link's token and
    stores its hash just before the message leaves, so that no token ever sits
    in the queue.
    """
    invitation_email_enqueue(
        invitation_id=invitation.pk,
        base_url=base_url,
        batch_id=f"invitation-{invitation.pk}-{now.timestamp()}",
    )
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=now)
    invitation.last_sent_at = now


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def invitation_check(*, office: Office | None, email: str) -> str:
    """Validates an address before inviting it to `office`; returns it normalised.

    Also used by the admin's form, where the office may not exist yet (None).
    """
    email = _normalise_email(email)
    account = get_user_model().objects.filter(email__iexact=email).first()
    if account is not None and account.is_staff:
        raise ValidationError(_(MEMBERSHIP_STAFF_REFUSED))
    if office is None or office.pk is None:
        return email
    if account is not None and Membership.objects.filter(office=office, user=account).exists():
        raise ValidationError(_(ALREADY_MEMBER).format(email=email))
    open_invitations = selectors.invitations_with_status(
        Invitation.objects.filter(office=office, email=email)
    )
    if open_invitations.filter(status=Invitation.Status.PENDING).exists():
        raise ValidationError(_(INVITATION_PENDING).format(email=email))
    return email


def invitation_create(
    *, office: Office, email: str, role: str, invited_by, base_url: str, now: datetime | None = None
) -> Invitation:
    """Invites `email` to join `office` with `role` and sends the link.

    The e-mail leaves through the task queue, retried there when the SMTP server
    refuses it; the invitation can be resent meanwhile.
    """
    _check_role(role)
    now = now or timezone.now()
    try:
        invitation = _invitation_insert(office, email, role, invited_by, unusable_hash(), now)
    except IntegrityError:  # a colleague invited the same address at the same moment
        raise ValidationError(_(INVITATION_PENDING).format(email=email.strip().lower())) from None
    _invitation_send(invitation, base_url=base_url, now=now)
    return invitation


def _invitation_insert(office, email, role, invited_by, token_hash, now) -> Invitation:
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        email = invitation_check(office=office, email=email)
        # An expired invitation to the same address gives way to the new one.
        Invitation.objects.filter(
            office=office, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            office=office,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            created_at=now,
            expires_at=_expiry(now),
        )
    return invitation


def _lock_open_invitation(invitation: Invitation) -> Invitation:
    # of=self: PostgreSQL cannot lock the nullable side of the invited_by outer join.
    locked = Invitation.objects.select_for_update(of=("self",)).select_related(
        "office", "invited_by"
    )
    locked = locked.get(pk=invitation.pk)
    if locked.accepted_at or locked.revoked_at:
        raise ValidationError(_(INVITATION_NOT_OPEN))
    return locked


def invitation_resend(
    *, invitation: Invitation, base_url: str, now: datetime | None = None
) -> Invitation:
    """Sends a new link (the previous one stops working), valid for the full period again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open_invitation(invitation)
        locked.token_hash = unusable_hash()  # the previous link stops working at once
        locked.expires_at = _expiry(now)
        locked.save(update_fields=["token_hash", "expires_at"])
    _invitation_send(locked, base_url=base_url, now=now)
    return locked


def invitation_revoke(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """Cancels a pending or expired invitation: its link is refused from now on."""
    with transaction.atomic():
        locked = _lock_open_invitation(invitation)
        locked.revoked_at = now or timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


# Codes of the link's refusals; the page answers 400 for "invalid", 410 for the rest.
LINK_REFUSALS = {
    Invitation.Status.ACCEPTED: ("used", INVITATION_USED),
    Invitation.Status.EXPIRED: ("expired", INVITATION_EXPIRED),
    Invitation.Status.REVOKED: ("revoked", INVITATION_REVOKED),
}


def invitation_for_link(
    *, slug: str, token: str, now: datetime | None = None, lock: bool = False
) -> Invitation:
    """The pending invitation that this link (office slug + token) opens, or a French refusal."""
    queryset = Invitation.objects.select_related("office", "invited_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = (
        selectors.invitations_with_status(queryset, now=now)
        .filter(token_hash=token_hash(token or ""), office__slug=slug)
        .first()
    )
    if invitation is None:
        raise ValidationError(_(INVITATION_INVALID), code="invalid")
    if invitation.status in LINK_REFUSALS:
        code, message = LINK_REFUSALS[invitation.status]
        raise ValidationError(_(message), code=code)
    return invitation


def invitation_account(invitation: Invitation):
    """The existing account the invitation is addressed to, if any."""
    User = get_user_model()
    return User.objects.filter(
        Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email)
    ).first()


def invitation_accept(
    *,
    slug: str,
    token: str,
    user=None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    now: datetime | None = None,
) -> Membership:
    """Accepts the invitation behind the link, once.

    With `user` (logged in, same address) it adds the membership; without, it
    creates the account (username = the e-mail) with a name and a password that
    passes Django's validators.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_link(slug=slug, token=token, now=now, lock=True)
        account = invitation_account(invitation)
        if user is not None:
            if account is None or account.pk != user.pk:
                raise ValidationError(
                    _(INVITATION_OTHER_ACCOUNT).format(email=invitation.email), code="other_account"
                )
        elif account is not None:
            raise ValidationError(
                _(ACCOUNT_EXISTS).format(email=invitation.email), code="account_exists"
            )
        else:
            first_name, last_name = first_name.strip(), last_name.strip()
            if not first_name or not last_name:
                raise ValidationError(_(NAME_REQUIRED))
            User = get_user_model()
            user = User(
                username=invitation.email,
                email=invitation.email,
                first_name=first_name,
                last_name=last_name,
            )
            password_validation.validate_password(password, user)
            user.set_password(password)
            user.save()
        membership = Membership.objects.filter(office=invitation.office, user=user).first()
        if membership is None:
            membership = membership_add(office=invitation.office, user=user, role=invitation.role)
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def campaign_reminder_messages(
    *, campaign: Campaign, base_url: str
) -> list[tuple[Office, EmailMultiAlternatives]]:
    """One message per office that has not submitted, to selectors.reminder_recipients
    (none for an office that has no address: the preview names those)."""
    messages = []
    for office in selectors.reminder_offices(campaign):
        to = selectors.reminder_recipients(office)
        if not to:
            continue
        link = base_url.rstrip("/") + reverse("diagnostics:office", kwargs={"slug": office.slug})
        context = {"office": office, "campaign": campaign, "link": link}
        messages.append((office, build_email("reminder", context, to=to, base_url=base_url)))
    return messages


def campaign_remind(
    *, campaign: Campaign, sent_by, base_url: str, now: datetime | None = None
) -> Reminder:
    """Reminds the directors of every office that has not submitted: one batch on the task
    queue, one SMTP connection; its progress is tasks.messages_progress(batch_id=
    reminder_batch_id(reminder))."""
    now = now or timezone.now()
    if not campaign.is_open(timezone.localdate(now)):
        raise ValidationError(_(REMINDER_CLOSED).format(campaign=campaign.name))
    messages = [
        m for _office, m in campaign_reminder_messages(campaign=campaign, base_url=base_url)
    ]
    if not messages:
        raise ValidationError(_(REMINDER_NOBODY).format(campaign=campaign.name))
    reminder = Reminder.objects.create(
        campaign=campaign, sent_at=now, sent_by=sent_by, recipients=len(messages)
    )
    messages_enqueue(messages=messages, batch_id=reminder_batch_id(reminder))
    return reminder


def reminder_batch_id(reminder: Reminder) -> str:
    return f"reminder-{reminder.pk}"


# --- the followed action plan ------------------------------------------------
# Any member of the office adds and updates its actions; only its direction deletes one.

ACTION_TITLE_REQUIRED = gettext_noop("Donnez un intitulé à l’action.")
ACTION_NOT_SUBMITTED = gettext_noop(
    "Les priorités d’un diagnostic deviennent des actions une fois celui-ci soumis."
)
ACTION_FOREIGN_DIAGNOSTIC = gettext_noop("Ce diagnostic n’est pas celui de votre office.")
ACTION_ALREADY_PLANNED = gettext_noop("Cette priorité est déjà dans le plan d’action.")
ACTION_OWNER_NOT_MEMBER = gettext_noop(
    "Le responsable choisi n’est pas membre de l’équipe de l’office."
)
ACTION_DELETE_DIRECTOR_ONLY = gettext_noop(
    "Seule la direction de l’office peut supprimer une action ; marquez-la plutôt « abandonnée »."
)
ACTION_NOTE_TOO_LONG = gettext_noop("La note dépasse {max} caractères.")
ACTION_NOTE_MAX_LENGTH = Action._meta.get_field("note").max_length
ACTION_EDITABLE_FIELDS = ("title", "axis", "owner", "owner_name", "due_date", "status", "note")


def _action_check(action: Action) -> None:
    action.title = (action.title or "").strip()
    action.owner_name = (action.owner_name or "").strip()
    if not action.title:
        raise ValidationError(_(ACTION_TITLE_REQUIRED))
    if len(action.note or "") > ACTION_NOTE_MAX_LENGTH:
        raise ValidationError(_(ACTION_NOTE_TOO_LONG).format(max=ACTION_NOTE_MAX_LENGTH))
    if (
        action.owner_id
        and not Membership.objects.filter(office=action.office_id, user=action.owner_id).exists()
    ):
        raise ValidationError(_(ACTION_OWNER_NOT_MEMBER))
    if action.status not in Action.Status.values:
        raise ValidationError(_("Statut inconnu."))


def action_create(
    *,
    office: Office,
    user,
    diagnostic: Diagnostic | None = None,
    question: Question | None = None,
    **fields,
) -> Action:
    """Adds an action to the office's plan: from a priority of a submitted diagnostic
    (title and axis taken from the recommendation of the answer given), or free."""
    action = Action(office=office, created_by=user, updated_by=user, **fields)
    if question is not None:
        if diagnostic is None or diagnostic.organisation_id != office.pk:
            raise ValidationError(_(ACTION_FOREIGN_DIAGNOSTIC))
        if not diagnostic.is_submitted:
            raise ValidationError(_(ACTION_NOT_SUBMITTED))
        if question.questionnaire_id != diagnostic.questionnaire_id:
            raise ValidationError(_(QUESTION_NOT_IN_QUESTIONNAIRE))
        answer = (
            Answer.objects.filter(diagnostic=diagnostic, question=question)
            .select_related("choice")
            .first()
        )
        recommendation = answer.choice.recommendation if answer and answer.choice else ""
        action.diagnostic = diagnostic
        action.question = question
        action.axis_id = question.axis_id
        action.title = action.title or recommendation or question.text
    _action_check(action)
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        raise ValidationError(_(ACTION_ALREADY_PLANNED)) from None
    return action


def action_update(*, action: Action, user, **fields) -> Action:
    """Changes what the team says of an action (status, owner, due date, note…)."""
    unknown = set(fields) - set(ACTION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    for name, value in fields.items():
        setattr(action, name, value)
    action.updated_by = user
    _action_check(action)
    with transaction.atomic():
        action.save()
    return action


def action_delete(*, action: Action, user) -> None:
    if not is_director(user, action.office):
        raise ValidationError(_(ACTION_DELETE_DIRECTOR_ONLY))
    action.delete()


# --- pooling ---------------------------------------------------------------------

POOLING_DIRECTOR_ONLY = gettext_noop(
    "Seule la direction de l’office peut choisir d’apparaître dans les pistes de mutualisation."
)


def office_pooling_set(*, office: Office, user, opt_in: bool) -> Office:
    """Whether the office may be named to its neighbours as sharing a need (off by default)."""
    if not is_director(user, office):
        raise ValidationError(_(POOLING_DIRECTOR_ONLY))
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(pooling_opt_in=opt_in)
    office.pooling_opt_in = opt_in
    return office


# The office's business campaigns (issue 11) live in their own module.
from .businesses import (  # noqa: E402, F401  (re-exported)
    BUSINESS_DUPLICATE_EMAIL,
    BUSINESS_DUPLICATE_NAME,
    CAMPAIGN_ALREADY_OPEN,
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_NOT_A_BUSINESS,
    LINK_REVOKED,
    business_campaign_current,
    business_campaign_open,
    business_create,
    business_diagnostic,
    business_duplicate,
    business_invitations_send,
    business_link_issue,
    business_link_open,
    business_link_revoke,
    business_update,
    businesses_import,
    businesses_import_preview,
)


def membership_businesses_allow(*, membership: Membership, allowed: bool) -> Membership:
    """Lets a member (or not) manage the office's businesses; a director always does."""
    membership.can_manage_businesses = allowed
    membership.save(update_fields=["can_manage_businesses"])
    return membership


from .workshops import WORKSHOP_NOT_OURS, workshop_delete, workshop_save  # noqa: E402, F401
