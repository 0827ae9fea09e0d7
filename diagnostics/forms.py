"""Forms of the diagnostic pages. Validation only: services do the writing."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Answer, AxisImportance, Choice, Question

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


class AxisImportanceForm(forms.Form):
    """How much each axis matters for the territory: one radio group per axis."""

    def __init__(self, *args, axes: list, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.axes = axes
        for axis in axes:
            self.fields[f"axis-{axis.pk}"] = forms.ChoiceField(
                label=axis.name,
                help_text=axis.description,
                choices=AxisImportance.Importance.choices,
                initial=current.get(axis.pk, AxisImportance.Importance.IMPORTANT),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def importances(self) -> dict[int, str]:
        """axis id → importance, once the form is valid."""
        return {axis.pk: self.cleaned_data[f"axis-{axis.pk}"] for axis in self.axes}
