"""The project's inlines: each row's fields are named after their column."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _


class LabelledInline:
    """Django prints a tabular inline's column headers once and no <label> beside each row's
    fields, and a date-and-time field's two inputs share one label even stacked, so a screen
    reader meets unnamed fields (WCAG 1.3.1, 4.1.2): each visible field, « Supprimer »
    included, carries its column's name as its aria-label."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    # A relation's wrapper (the « + » and pencil links) renders its inner widget.
                    widget = getattr(field.widget, "widget", field.widget)
                    if isinstance(widget, forms.SplitDateTimeWidget):  # a date and a time
                        date, time = widget.widgets
                        date.attrs.setdefault("aria-label", _("%s (date)") % field.label)
                        time.attrs.setdefault("aria-label", _("%s (heure)") % field.label)
                    elif not widget.is_hidden:
                        widget.attrs.setdefault("aria-label", str(field.label))

        return LabelledFormSet


class LabelledTabularInline(LabelledInline, admin.TabularInline):
    pass


class LabelledStackedInline(LabelledInline, admin.StackedInline):
    """For rows too wide for a table at 1366 px."""
