"""« Avis de l’équipe »: a person's own opinion, the director's choice of axes, an invitation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.consensus import NOT_APPLICABLE
from diagnostics.models import Respondent


class OpinionForm(forms.Form):
    """One radio group per question of the axes asked: a choice, or « non concerné »."""

    def __init__(self, *args, axes: list, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.axes = axes
        for axis in axes:
            for question in axis.questions.all():
                choices = [(str(c.pk), c.label) for c in question.choices.all()]
                if question.allow_not_applicable:
                    choices.append((NOT_APPLICABLE, _("Non concerné")))
                self.fields[f"q-{question.pk}"] = forms.ChoiceField(
                    label=question.text,
                    help_text=question.help_text,
                    choices=choices,
                    initial=current.get(question.pk),
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={"required": _("Choisissez une réponse.")},
                )

    def grouped(self) -> list[tuple]:
        """(axis, its bound fields), in order, for the page's fieldsets."""
        return [(axis, [self[f"q-{q.pk}"] for q in axis.questions.all()]) for axis in self.axes]

    def choices(self) -> dict[int, str]:
        """question id → answer token, once the form is valid."""
        return {int(name.removeprefix("q-")): value for name, value in self.cleaned_data.items()}


class OpinionRoundForm(forms.Form):
    axes = forms.MultipleChoiceField(
        label=_("Axes sur lesquels demander l’avis de chacun"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un axe.")},
    )
    asks_importance = forms.BooleanField(
        label=_(
            "Demander aussi aux personnes invitées l’importance de chaque axe pour le territoire"
        ),
        help_text=_(
            "La médiane de leurs réponses place alors les axes dans la matrice importance × "
            "performance, à la place de celle de l’équipe."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, axes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axes"].choices = [(str(a.pk), a.name) for a in axes]

    def axis_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["axes"]]


class OpinionInviteForm(forms.Form):
    name = forms.CharField(label=_("Prénom et nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(r.value, r.label) for r in Respondent.Role if r != Respondent.Role.TEAM],
    )
