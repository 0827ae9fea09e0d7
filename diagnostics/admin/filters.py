"""List filters shared by the admin's lists: organisations by segment, diagnostics and
campaigns by type (full or express)."""

import copy

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language, gettext, gettext_lazy

from diagnostics.models import Audience, Business, MaturityLevel, Office, Organisation
from snut import page_memo


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


class KeptChoicesMixin:
    """A related field's filter whose choices (the related objects' ids and names, the same
    for every reader) are kept in the shared cache until a table they were read from is
    written (page_memo.kept): a hundred departments were read and built again on every
    view of a list. The key holds the list's model, the field, the filter's kind, the
    related admin's ordering and the language."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        key = ":".join(
            [
                "filter-choices",
                model_admin.model._meta.label,
                self.field_path,
                type(self).__qualname__,
                repr(ordering),
                get_language() or "",
            ]
        )
        choices = super().field_choices
        return page_memo.kept(key, lambda: list(choices(field, request, model_admin)))


class KeptRelatedFilter(KeptChoicesMixin, admin.RelatedFieldListFilter):
    """Django's filter of a foreign key, its choices kept (KeptChoicesMixin)."""


class KeptRelatedOnlyFilter(KeptChoicesMixin, admin.RelatedOnlyFieldListFilter):
    """Django's « related only » filter, its choices kept: the related objects the list's
    own rows use (its queryset: for the diagnostics, the offices' only), not every
    department of France nor every questionnaire's levels."""


class _VersionedLevels:
    """Maturity levels named with their questionnaire where two levels offered share a
    name (« Premiers pas (version 3) », « Premiers pas (express) »): the
    office questionnaire's versions, and the express one, keep their levels' names. Then
    the latest version's first, each from the lowest level up (one query more)."""

    def field_choices(self, field, request, model_admin):
        choices = dict(super().field_choices(field, request, model_admin))
        names = [str(name) for name in choices.values()]
        if len(set(names)) == len(names):
            return list(choices.items())
        found = {
            pk: (version, express is not None, bound)
            for pk, version, express, bound in MaturityLevel.objects.filter(
                pk__in=list(choices)
            ).values_list(
                "pk", "questionnaire__version", "questionnaire__abbreviates", "lower_bound"
            )
        }
        shown = []
        for pk in sorted(choices, key=lambda pk: (-found[pk][0], *found[pk][1:])):
            name = choices[pk]
            if names.count(str(name)) > 1:
                version, express, _bound = found[pk]
                which = gettext("express") if express else gettext("version %(n)s") % {"n": version}
                name = f"{name} ({which})"
            shown.append((pk, name))
        return shown


class KeptLevelFilter(KeptChoicesMixin, _VersionedLevels, admin.RelatedOnlyFieldListFilter):
    """The levels the list's rows reached (KeptRelatedOnlyFilter), told apart by version;
    « Sans niveau » for the diagnostics not scored yet (Django's « - »)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = gettext("Sans niveau")


class _OfficesCampaigns(admin.RelatedFieldListFilter):
    """The campaigns the offices answer (full and express), not each office's campaign
    with its businesses: a network of a thousand offices has a thousand of them, a link
    each on every view of the list (a list of the offices' diagnostics never holds one)."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"audience": Audience.OFFICES},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class OfficesCampaignFilter(KeptChoicesMixin, _OfficesCampaigns):
    """The offices' campaigns (_OfficesCampaigns), kept (KeptChoicesMixin)."""


class _RelatedOnlyFromModelFilter(admin.RelatedOnlyFieldListFilter):
    """Django's « related only » filter, reading which related objects are used from the
    model's own rows rather than the list's queryset: the office list's carries the
    campaign's joins and scores, which the filter's query compiled for nothing."""

    def field_choices(self, field, request, model_admin):
        used = (
            model_admin.model._default_manager.distinct()
            .order_by()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": used},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class PlainRelatedOnlyFilter(KeptChoicesMixin, _RelatedOnlyFromModelFilter):
    """The related objects the model's own rows use (_RelatedOnlyFromModelFilter), kept
    (KeptChoicesMixin)."""


class _OfficeDepartmentFilter(admin.RelatedOnlyFieldListFilter):
    """The business list's « parent__department »: the departments of the offices that have
    businesses (a business's parent is its office), read from the offices (a thousand)
    rather than from every business (fifty thousand, each joined to its office): the same
    choices."""

    def field_choices(self, field, request, model_admin):
        has_businesses = Business.objects.filter(parent=OuterRef("pk"))
        # By code, the offices' own column: by id, the join led the database through
        # every organisation of each department, businesses included.
        used = Office.objects.filter(Exists(has_businesses)).values("department")
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"code__in": used},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class BusinessOfficeDepartmentFilter(KeptChoicesMixin, _OfficeDepartmentFilter):
    """The departments of the offices that have businesses (_OfficeDepartmentFilter), kept
    (KeptChoicesMixin)."""
