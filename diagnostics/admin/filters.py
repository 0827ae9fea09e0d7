"""List filters shared by the admin's lists: organisations by segment, diagnostics and
campaigns by type (full or express)."""

import copy

from django.contrib import admin
from django.utils.translation import gettext, gettext_lazy

from diagnostics.models import Organisation


class _SegmentFilter(admin.ChoicesFieldListFilter):
    """The « segment » filter offering only the segments of the list's kind: an office is
    classed by category, a business by activity, and a value of the other kind lists nobody."""

    segments: tuple = ()

    def __init__(self, field, request, params, model, model_admin, field_path):
        field = copy.copy(field)  # the model's own field keeps every choice
        field.choices = [(s.value, s.label) for s in self.segments]
        super().__init__(field, request, params, model, model_admin, field_path)


class OfficeSegmentFilter(_SegmentFilter):
    segments = Organisation.OFFICE_SEGMENTS


class BusinessSegmentFilter(_SegmentFilter):
    segments = Organisation.BUSINESS_SEGMENTS


class _KindFilter(admin.SimpleListFilter):
    """Full diagnostics and express ones apart (« type »): an express profile is indicative."""

    title = gettext_lazy("type de diagnostic")
    parameter_name = "type"
    questionnaire_path = "questionnaire"

    def lookups(self, request, model_admin):
        return [("complet", gettext_lazy("Complet")), ("express", gettext_lazy("Express"))]

    def queryset(self, request, queryset):
        if self.value() not in ("complet", "express"):
            return queryset
        lookup = f"{self.questionnaire_path}__abbreviates__isnull"
        return queryset.filter(**{lookup: self.value() == "complet"})


DiagnosticKindFilter = _KindFilter
CampaignKindFilter = _KindFilter


def kind_label(questionnaire) -> str:
    return gettext("Express") if questionnaire.is_express else gettext("Complet")
