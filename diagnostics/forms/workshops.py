"""An office's own workshop (its sessions: forms/sessions.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Question, Training


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
