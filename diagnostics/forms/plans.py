"""The action plan's form."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from diagnostics.models import (
    Action,
    Audience,
    Axis,
    Office,
    Questionnaire,
)


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
