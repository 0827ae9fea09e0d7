"""Answers and axis importances, saved with a compare-and-set against what the page showed."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Answer, Axis, AxisImportance, Choice, Diagnostic, Question
from diagnostics.services.diagnostics import check_open, lock_draft
from diagnostics.services.errors import ServiceError
from snut import table_stamps

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


COMMENT_MAX_LENGTH = Answer._meta.get_field("comment").max_length
ANSWER_FIELDS = ("choice", "comment")


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


class AnswerConflict(ServiceError):
    """Colleagues changed some of these answers since the member's page was loaded."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__([c.message for c in conflicts])


def _check(change: AnswerChange, diagnostic: Diagnostic) -> None:
    question, choice = change.question, change.choice
    if question.questionnaire_id != diagnostic.questionnaire_id:
        raise ServiceError(_(QUESTION_NOT_IN_QUESTIONNAIRE))
    if "choice" in change.fields:
        if choice is not None and choice.question_id != question.pk:
            raise ServiceError(_(CHOICE_NOT_OF_QUESTION))
        if change.not_applicable and choice is not None:
            raise ServiceError(_(CHOICE_AND_NOT_APPLICABLE))
        if change.not_applicable and not question.allow_not_applicable:
            raise ServiceError(_(NOT_APPLICABLE_REFUSED))
    if "comment" in change.fields and len(change.comment) > COMMENT_MAX_LENGTH:
        raise ServiceError(_(COMMENT_TOO_LONG).format(max=COMMENT_MAX_LENGTH))


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
        locked = lock_draft(diagnostic)  # also serialises the colleagues' saves
        check_open(locked.campaign, now)
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
        # A draft's answers and activity only (the page memo's pages blind to drafts
        # are not computed again for them: snut/table_stamps.py).
        with table_stamps.drafts_only():
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
        raise ServiceError(_(IMPORTANCE_UNKNOWN))
    axes = set(
        Axis.objects.filter(questionnaire=diagnostic.questionnaire_id).values_list("pk", flat=True)
    )
    if not set(importances) <= axes:
        raise ServiceError(_(AXIS_NOT_IN_QUESTIONNAIRE))
    with transaction.atomic():
        locked = lock_draft(diagnostic)
        check_open(locked.campaign, now)
        saved = [
            AxisImportance.objects.update_or_create(
                diagnostic=locked, axis_id=axis_id, defaults={"importance": importance}
            )[0]
            for axis_id, importance in importances.items()
        ]
        Diagnostic.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return saved
