"""The filling pages' forms: answers, submission, the axes' importance (validation only: services decide)."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.answer_fields import choice_field_name, comment_field_name, confirm_field_name
from diagnostics.models import (
    Answer,
    AxisImportance,
    Question,
)
from diagnostics.services import AnswerChange, choice_token, comment_text

NOT_APPLICABLE = "na"


COMMENT_MAX_LENGTH = Answer._meta.get_field("comment").max_length


@dataclass(frozen=True)
class RadioOption:
    """One radio button of a choice field, as `RadioSelect` would render it (same name,
    value, id and checked state), without building a widget context per option: a
    questionnaire page holds a dozen questions of four or five choices each."""

    name: str
    value: str
    label: str
    id: str
    checked: bool


def radio_options(bound: forms.BoundField) -> list[RadioOption]:
    value = bound.value()
    current = "" if value is None else str(value)
    return [
        RadioOption(
            bound.html_name, str(key), label, f"{bound.auto_id}_{index}", str(key) == current
        )
        for index, (key, label) in enumerate(bound.field.choices)
    ]


class AnswersForm(forms.Form):
    """The answers to some questions of one diagnostic (an axis, or a single question).

    Each field carries the stored value the page showed (show_hidden_initial):
    only what the user changed is saved, and the service refuses to overwrite
    what a colleague stored since (the page's value is the expected one).
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
                initial=choice_token(answer),
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

    def rows(self):
        """(question, choice bound field, its radio options, comment bound field) for the
        template."""
        for question in self.questions:
            choice = self[choice_field_name(question)]
            yield question, choice, radio_options(choice), self[comment_field_name(question)]

    def _expected(self, name: str) -> str:
        """The stored value the page showed for a field, as posted beside it."""
        return self.data.get(self.add_initial_prefix(self.add_prefix(name)), "")

    def changes(self, *, sent: bool = False, confirm_all: bool = False) -> list[AnswerChange]:
        """What the user changed, field by field; an empty radio never clears a saved choice.

        A page's form writes the fields whose value differs from what the page
        showed. With `sent` (autosave), the script sends only the fields the user
        touched: each one sent is meant, even when it equals what the page showed.
        With `confirm_all` (« Confirmer toutes les réponses reprises de cet axe »),
        every answer of the page still « à confirmer » is confirmed as one confirmation
        button each would.
        """
        changed = set(self.changed_data)
        result = []
        for question in self.questions:
            choice_name, comment_name = choice_field_name(question), comment_field_name(question)
            value = self.cleaned_data[choice_name]
            comment = self.cleaned_data[comment_name]
            if sent:
                choice_changed = self.add_prefix(choice_name) in self.data
                comment_changed = self.add_prefix(comment_name) in self.data
            else:
                choice_changed, comment_changed = choice_name in changed, comment_name in changed
            fields = []
            if choice_changed and value:
                fields.append("choice")
            if comment_changed and (comment or question.pk in self.answers):
                fields.append("comment")
            answer = self.answers.get(question.pk)
            confirm = (confirm_all or bool(self.data.get(confirm_field_name(question)))) and bool(
                answer and answer.carried_over
            )
            if not fields and not confirm:
                continue
            choices = {str(c.pk): c for c in question.choices.all()}
            result.append(
                AnswerChange(
                    question=question,
                    choice=choices.get(value),
                    not_applicable=value == NOT_APPLICABLE,
                    comment=comment,
                    fields=tuple(fields),
                    expected={
                        "choice": self._expected(choice_name),
                        "comment": comment_text(self._expected(comment_name)),
                    },
                    confirm=confirm,
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


class BusinessSubmitForm(forms.Form):
    """A business submits its diagnostic and says whether its office may read its answers."""

    share_details = forms.TypedChoiceField(
        label=_("Votre office de tourisme peut-il voir le détail de vos réponses ?"),
        choices=[
            (
                "yes",
                _(
                    "Oui : l’office voit mes réponses, mon score et mes priorités, pour "
                    "m’accompagner et me proposer les bons ateliers."
                ),
            ),
            (
                "no",
                _(
                    "Non : l’office ne voit pas mes réponses ; elles comptent seulement, sans "
                    "mon nom, dans les statistiques de son territoire."
                ),
            ),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
        help_text=_(
            "Dans les deux cas, le réseau régional des offices ne voit jamais vos réponses ni "
            "votre score : seulement des chiffres d’ensemble."
        ),
        error_messages={
            "required": _("Dites si votre office peut voir le détail de vos réponses."),
            "invalid_choice": _("Choisissez « oui » ou « non »."),
        },
    )
    confirm = forms.BooleanField(
        label=_(
            "Je confirme mes réponses : après l’envoi, le diagnostic ne pourra plus être modifié."
        ),
        error_messages={"required": _("Cochez la case pour confirmer l’envoi.")},
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
