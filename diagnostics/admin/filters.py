"""List filters shared by the admin's lists of organisations."""

import copy

from django.contrib import admin

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
