"""Forms of the diagnostic pages. Validation only: services do the writing."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from diagnostics.answer_fields import choice_field_name, comment_field_name, confirm_field_name
from diagnostics.models import (
    Action,
    Answer,
    Audience,
    Axis,
    AxisImportance,
    Membership,
    Office,
    Organisation,
    Question,
    Questionnaire,
    Training,
    TrainingSession,
)
from diagnostics.services import EMAIL_INVALID, AnswerChange, choice_token, comment_text

NOT_APPLICABLE = "na"
COMMENT_MAX_LENGTH = Answer._meta.get_field("comment").max_length


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
        """(question, choice bound field, comment bound field) for the template."""
        for question in self.questions:
            yield question, self[choice_field_name(question)], self[comment_field_name(question)]

    def _expected(self, name: str) -> str:
        """The stored value the page showed for a field, as posted beside it."""
        return self.data.get(self.add_initial_prefix(self.add_prefix(name)), "")

    def changes(self, *, sent: bool = False) -> list[AnswerChange]:
        """What the user changed, field by field; an empty radio never clears a saved choice.

        A page's form writes the fields whose value differs from what the page
        showed. With `sent` (autosave), the script sends only the fields the user
        touched: each one sent is meant, even when it equals what the page showed.
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
            confirm = bool(self.data.get(confirm_field_name(question))) and bool(
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


class ActionForm(forms.ModelForm):
    """An action of the office's plan; the owner is a team member or a free name."""

    class Meta:
        model = Action
        fields = ["title", "axis", "owner", "owner_name", "due_date", "status", "note"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "owner_name": _("Quelqu’un hors de SNUT : un élu, un partenaire, un prestataire…"),
        }

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__office=office)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        latest = Questionnaire.objects.latest(Audience.OFFICES).values("pk")
        axes = Axis.objects.filter(questionnaire__in=latest).order_by("order")
        if self.instance.axis_id:
            axes = axes | Axis.objects.filter(pk=self.instance.axis_id)
        self.fields["axis"].queryset = axes
        self.fields["axis"].empty_label = _("— sans axe —")
        self.fields["owner"].empty_label = _("— personne de l’équipe —")
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"


class BusinessForm(forms.Form):
    """A business of the office's territory; duplicates are the service's to refuse."""

    name = forms.CharField(label=_("Nom"), max_length=200)
    segment = forms.ChoiceField(
        label=_("Activité"),
        choices=[("", _("Choisissez une activité"))]
        + [(s.value, s.label) for s in Organisation.BUSINESS_SEGMENTS],
    )
    subtype = forms.CharField(
        label=_("Précision"),
        max_length=80,
        required=False,
        help_text=_("Par exemple : gîte, camping, hôtel, crêperie."),
    )
    commune = forms.CharField(label=_("Commune"), max_length=120)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("L’invitation au diagnostic est envoyée à cette adresse."),
        error_messages={
            "invalid": _("Saisissez une adresse e-mail valide, par exemple nom@gite.fr.")
        },
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)


class BusinessImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV de vos prestataires"),
        help_text=_(
            "Colonnes « nom ; activité ; commune ; e-mail », et « téléphone » si vous le "
            "souhaitez. Séparateur « ; » ou « , », enregistré depuis Excel, LibreOffice ou "
            "un autre tableur."
        ),
    )


class BusinessCampaignForm(forms.Form):
    name = forms.CharField(label=_("Nom de la campagne"), max_length=120)
    opens = forms.DateField(
        label=_("Ouverture"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes = forms.DateField(
        label=_("Clôture"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Les liens des prestataires restent valables jusqu’à cette date."),
    )


class WorkshopForm(forms.ModelForm):
    """An office's own workshop for its businesses: what it is and which questions it addresses."""

    class Meta:
        model = Training
        fields = ["title", "format", "duration", "description", "questions"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "questions": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = (
            questions if questions is not None else Question.objects.none()
        )
        self.fields["questions"].label_from_instance = lambda q: q.text
        self.fields["questions"].help_text = _(
            "Les questions du diagnostic des prestataires sur lesquelles l’atelier fait progresser : "
            "le programme le propose aux prestataires qui y ont répondu faiblement."
        )
        for name in ("title", "duration", "description"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["format"].widget.attrs["class"] = "form-select"
        self.fields["title"].required = True


WorkshopSessionFormSet = forms.inlineformset_factory(
    Training,
    TrainingSession,
    fields=["starts", "ends", "place"],
    extra=2,
    can_delete=True,
    widgets={
        "starts": forms.DateInput(
            attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
        ),
        "ends": forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        "place": forms.TextInput(attrs={"class": "form-control"}),
    },
)


DEPARTMENT_NOT_IN_REGION = _("Ce département n’est pas dans la région choisie.")
QUESTION_NOT_IN_AXIS = _("Cette question n’est pas dans l’axe choisi.")


class PlainSelect(forms.Select):
    """A select whose options are written in Python: Django renders each option through a
    template, about 20 ms for the 150 departments and questions of the staff's filters."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]

        def options(group):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in group),
            )

        return format_html(
            "<select{}>{}</select>",
            flatatt({"name": widget["name"], **widget["attrs"]}),
            format_html_join(
                "",
                "{}",
                (
                    (format_html('<optgroup label="{}">{}</optgroup>', label, options(group)),)
                    if label
                    else (options(group),)
                    for label, group, _index in widget["optgroups"]
                ),
            ),
        )


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
