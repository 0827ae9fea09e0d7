"""A workshop session: scheduling it, marking who came, and the attendees' two questions."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diagnostics.models import SessionRegistration

CAPACITY_MAX = 500


class SessionForm(forms.Form):
    """A session on one day, from `start` to `end` (Paris time)."""

    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Ou lien de visioconférence"), required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(
        label=_("Nombre de places"),
        min_value=1,
        max_value=CAPACITY_MAX,
        required=False,
        help_text=_("Vide : sans limite. Au-delà, les inscrits passent en liste d’attente."),
    )
    facilitator = forms.CharField(label=_("Animé par"), max_length=160, required=False)
    partner = forms.CharField(
        label=_("Partenaire (s’il y en a un)"), max_length=160, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            data["starts"] = timezone.make_aware(datetime.combine(day, start))
            data["ends"] = timezone.make_aware(datetime.combine(day, end))
            if data["ends"] <= data["starts"]:
                self.add_error("end", _("La fin doit venir après le début."))
            elif data["starts"] <= timezone.now():
                self.add_error("day", _("Choisissez une date à venir."))
        if not data.get("place", "").strip() and not data.get("video_link"):
            self.add_error("place", _("Indiquez un lieu ou un lien de visioconférence."))
        return data


class SurveyForm(forms.Form):
    """The attendees' two questions, and a comment if they wish."""

    useful = forms.ChoiceField(
        label=_("Cet atelier vous a-t-il été utile ?"),
        choices=SessionRegistration.Useful.choices,
        widget=forms.RadioSelect,
    )
    next_step = forms.ChoiceField(
        label=_("Et maintenant, que souhaitez-vous ?"),
        choices=SessionRegistration.NextStep.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire (facultatif)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
