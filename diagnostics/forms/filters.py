"""The staff's filters (GET): by region or department, and by axis or question."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

DEPARTMENT_NOT_IN_REGION = _("Ce département n’est pas dans la région choisie.")


QUESTION_NOT_IN_AXIS = _("Cette question n’est pas dans l’axe choisi.")


class PlainSelect(forms.Select):
    """A select whose options are written in Python, as Django's template writes them (the
    first option of the value selected): Django renders each option through a template,
    about 20 ms for the 150 departments and questions of the staff's filters, and builds
    a context for each first."""

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        found = False

        def options(choices) -> str:
            nonlocal found
            written = []
            for option_value, label in choices:
                selected = not found and str(option_value) in values
                found |= selected
                written.append(
                    f'<option value="{conditional_escape(option_value)}"'
                    f"{' selected' if selected else ''}>{conditional_escape(label)}</option>"
                )
            return "".join(written)

        groups = []
        for option_value, label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(label, (list, tuple)):
                inner = options(label)
                groups.append(
                    f'<optgroup label="{conditional_escape(option_value)}">{inner}</optgroup>'
                    if option_value
                    else inner
                )
            else:
                groups.append(options([(option_value, label)]))
        attributes = flatatt({"name": name, **self.build_attrs(self.attrs, attrs)})
        return mark_safe(f"<select{attributes}>{''.join(groups)}</select>")


class RegionFilterForm(forms.Form):
    """The staff's filter by region (GET): which part of the network a page shows."""

    region = forms.ChoiceField(label=_("Région"), required=False, widget=PlainSelect)

    def __init__(self, data, *, departments, **kwargs):
        super().__init__(data, **kwargs)
        self.departments = list(departments)
        regions = {d.region.code: d.region.name for d in self.departments}
        self.fields["region"].choices = [
            ("", _("Toutes")),
            *sorted(regions.items(), key=lambda r: r[1]),
        ]

    def filters(self) -> dict[str, str]:
        """The valid values, empty when nothing is chosen or the choice is not valid."""
        return self.cleaned_data if self.is_valid() else dict.fromkeys(self.fields, "")


class PoolingFilterForm(RegionFilterForm):
    """« Mutualisation »: by region or department, and by axis or question."""

    departement = forms.ChoiceField(label=_("Département"), required=False, widget=PlainSelect)
    axe = forms.ChoiceField(label=_("Axe"), required=False, widget=PlainSelect)
    question = forms.ChoiceField(label=_("Question"), required=False, widget=PlainSelect)

    def __init__(self, data, *, departments, questions, **kwargs):
        super().__init__(data, departments=departments, **kwargs)
        self.fields["departement"].choices = [
            ("", _("Tous")),
            *[(d.code, str(d)) for d in self.departments],
        ]
        self.questions = {q.code: q for q in questions}
        axes = {q.axis.code: q.axis for q in questions}
        self.fields["axe"].choices = [("", _("Tous")), *[(a.code, a.name) for a in axes.values()]]
        self.fields["question"].choices = [
            ("", _("Toutes")),
            *[
                (axis.name, [(q.code, f"{q.code} — {q.text}") for q in questions if q.axis == axis])
                for axis in axes.values()
            ],
        ]

    def clean(self):
        data = super().clean()
        region, department = data.get("region"), data.get("departement")
        regions = {d.code: d.region.code for d in self.departments}
        if region and department and regions[department] != region:
            self.add_error("departement", DEPARTMENT_NOT_IN_REGION)
        axis, question = data.get("axe"), data.get("question")
        if axis and question and self.questions[question].axis.code != axis:
            self.add_error("question", QUESTION_NOT_IN_AXIS)
        return data

    def department_codes(self) -> set[str] | None:
        """The departments of the chosen region or department, None for the whole network."""
        chosen = self.filters()
        if chosen["departement"]:
            return {chosen["departement"]}
        if chosen["region"]:
            return {d.code for d in self.departments if d.region.code == chosen["region"]}
        return None

    def question_codes(self) -> set[str] | None:
        """The chosen axis's or question's codes, None for every question."""
        chosen = self.filters()
        if chosen["question"]:
            return {chosen["question"]}
        if chosen["axe"]:
            return {code for code, q in self.questions.items() if q.axis.code == chosen["axe"]}
        return None
