"""The followed action plan: any member adds and updates its actions; only its direction deletes one."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.access import is_director
from diagnostics.models import Action, Answer, Diagnostic, Membership, Office, Question
from diagnostics.services.answers import QUESTION_NOT_IN_QUESTIONNAIRE
from diagnostics.services.errors import ServiceError

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
ACTION_FIELDS_NOT_EDITABLE = gettext_noop("Champs non modifiables : {fields}.")
ACTION_EDITABLE_FIELDS = ("title", "axis", "owner", "owner_name", "due_date", "status", "note")


def _action_check(action: Action) -> None:
    action.title = (action.title or "").strip()
    action.owner_name = (action.owner_name or "").strip()
    if not action.title:
        raise ServiceError(_(ACTION_TITLE_REQUIRED))
    if len(action.note or "") > ACTION_NOTE_MAX_LENGTH:
        raise ServiceError(_(ACTION_NOTE_TOO_LONG).format(max=ACTION_NOTE_MAX_LENGTH))
    if (
        action.owner_id
        and not Membership.objects.filter(office=action.office_id, user=action.owner_id).exists()
    ):
        raise ServiceError(_(ACTION_OWNER_NOT_MEMBER))
    if action.status not in Action.Status.values:
        raise ServiceError(_("Statut inconnu."))


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
            raise ServiceError(_(ACTION_FOREIGN_DIAGNOSTIC))
        if not diagnostic.is_submitted:
            raise ServiceError(_(ACTION_NOT_SUBMITTED))
        if question.questionnaire_id != diagnostic.questionnaire_id:
            raise ServiceError(_(QUESTION_NOT_IN_QUESTIONNAIRE))
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
        raise ServiceError(_(ACTION_ALREADY_PLANNED)) from None
    return action


def action_update(*, action: Action, user, **fields) -> Action:
    """Changes what the team says of an action (status, owner, due date, note…)."""
    unknown = set(fields) - set(ACTION_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_(ACTION_FIELDS_NOT_EDITABLE).format(fields=", ".join(sorted(unknown))))
    for name, value in fields.items():
        setattr(action, name, value)
    action.updated_by = user
    _action_check(action)
    with transaction.atomic():
        action.save()
    return action


def action_delete(*, action: Action, user) -> None:
    if not is_director(user, action.office):
        raise ServiceError(_(ACTION_DELETE_DIRECTOR_ONLY))
    action.delete()
