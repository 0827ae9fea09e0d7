"""Forms of the diagnostic pages. Validation only: services do the writing."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Answer, Choice, Membership, Question
from diagnostics.services import EMAIL_INVALID

NOT_APPLICABLE = "na"
COMMENT_MAX_LENGTH = Answer._meta.get_field("comment").max_length


def choice_field_name(question: Question) -> str:
    return f"q-{question.pk}"


def comment_field_name(question: Question) -> str:
    return f"c-{question.pk}"


@dataclass(frozen=True)
class AnswerChange:
    question: Question
    choice: Choice | None
    not_applicable: bool
    comment: str
    fields: tuple[str, ...]  # what changed: "choice", "comment" or both


class AnswersForm(forms.Form):
    """The answers to some questions of one diagnostic (an axis, or a single question).

    Each field carries its value at display time (show_hidden_initial), so only
    the questions the user actually changed are saved: a colleague's answer to
    another question on the same page is never overwritten by a stale page.
    """

    def __init__(self, *args, questions: list[Question], answers: dict[int, Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.answers = answers
        for question in questions:
            answer = answers.get(question.pk)
            choices = [(str(c.pk), c.label) for c in question.choices.all()]
            if question.allow_not_applicable:
                choices.append((NOT_APPLICABLE, _("Non concerné")))
            self.fields[choice_field_name(question)] = forms.ChoiceField(
                label=question.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=self._initial_choice(answer),
                show_hidden_initial=True,
                error_messages={
                    "invalid_choice": _("Cette réponse n’appartient pas à la question posée.")
                },
            )
            self.fields[comment_field_name(question)] = forms.CharField(
                label=_("Commentaire (facultatif)"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
                show_hidden_initial=True,
            )

    @staticmethod
    def _initial_choice(answer: Answer | None) -> str:
        if answer is None:
            return ""
        if answer.not_applicable:
            return NOT_APPLICABLE
        return str(answer.choice_id) if answer.choice_id else ""

    def rows(self):
        """(question, choice bound field, comment bound field) for the template."""
        for question in self.questions:
            yield question, self[choice_field_name(question)], self[comment_field_name(question)]

    def changes(self) -> list[AnswerChange]:
        """What the user changed, field by field; an empty radio never clears a saved choice."""
        changed = set(self.changed_data)
        result = []
        for question in self.questions:
            value = self.cleaned_data[choice_field_name(question)]
            comment = self.cleaned_data[comment_field_name(question)]
            fields = []
            if choice_field_name(question) in changed and value:
                fields.append("choice")
            if comment_field_name(question) in changed and (comment or question.pk in self.answers):
                fields.append("comment")
            if not fields:
                continue
            choices = {str(c.pk): c for c in question.choices.all()}
            result.append(
                AnswerChange(
                    question=question,
                    choice=choices.get(value),
                    not_applicable=value == NOT_APPLICABLE,
                    comment=comment,
                    fields=tuple(fields),
                )
            )
        return result


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je confirme que ces réponses sont celles de notre office : après soumission, le diagnostic ne pourra plus être modifié."
        ),
        error_messages={"required": _("Cochez la case pour confirmer la soumission.")},
    )


class InvitationForm(forms.Form):
    """A director (or the admin) invites someone to the office's team."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=150,
        error_messages={"invalid": _(EMAIL_INVALID)},
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class InvitationSignupForm(SetPasswordMixin, forms.Form):
    """The invitee's name and password; the service checks the password against the account."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mot de passe"), label2=_("Confirmation du mot de passe")
    )

    def clean(self):
        self.validate_passwords()
        return super().clean()
