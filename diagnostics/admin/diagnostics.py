"""Admin of campaigns and of the diagnostics they collect (read-only: directors write them).

A submitted diagnostic is read-only for everyone, superusers included, and cannot
be deleted; the one change it may get is a reopening by the network staff, with
a written reason kept in its history (services.diagnostic_reopen).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from diagnostics import services, visibility
from diagnostics.admin.diagnostic_sections import diagnostic_sections
from diagnostics.admin.filters import (
    CampaignKindFilter,
    DiagnosticKindFilter,
    KeptLevelFilter,
    KeptRelatedOnlyFilter,
    OfficesCampaignFilter,
    OfficeSegmentFilter,
    kind_label,
)
from diagnostics.admin.rows import OneCountChangeList, OnlyShownChangeList, QuickRowsMixin
from diagnostics.display import score as format_score
from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    Campaign,
    Diagnostic,
    Questionnaire,
)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "questionnaire_version",
        "opens",
        "closes",
        "is_open",
        "submitted_count",
        "pending",
    ]
    list_filter = [CampaignKindFilter, "questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["name"]
    date_hierarchy = "opens"
    # The network's campaigns, asking the offices; offices run their businesses' own.
    exclude = ["audience", "organiser"]

    def changelist_view(self, request, extra_context=None):
        # Every column, the link to the offices yet to submit included, fits a 1366 px laptop.
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("type"))
    def kind(self, obj):
        return kind_label(obj.questionnaire)

    @admin.display(description=_("questionnaire"), ordering="questionnaire__version")
    def questionnaire_version(self, obj):
        return format_html(
            '<abbr title="{}">v{}</abbr>', obj.questionnaire.name, obj.questionnaire.version
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":
            kwargs["queryset"] = Questionnaire.objects.filter(
                status=Questionnaire.Status.PUBLISHED, audience=Audience.OFFICES
            )
            kwargs["help_text"] = _(
                "Le questionnaire complet, ou sa version express pour une campagne de diagnostic "
                "express (par exemple auprès des offices qui n’ont jamais participé) : ses "
                "résultats sont indicatifs et toujours présentés à part."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Diagnostics keep the questionnaire they were answered with.
        if obj is not None and obj.diagnostics.exists():
            return ["questionnaire"]
        return []

    def get_queryset(self, request):
        # A correlated count, not a join grouped by campaign: the date hierarchy's
        # first and last dates and its years are then read from the campaigns alone
        # (a grouped annotation made each of them count every diagnostic).
        submitted = (
            Diagnostic.objects.filter(campaign=OuterRef("pk"), status=Diagnostic.Status.SUBMITTED)
            .order_by()
            .values("campaign")
            .annotate(count=Count("pk"))
            .values("count")
        )
        queryset = super().get_queryset(request).filter(audience=Audience.OFFICES)
        return queryset.annotate(n_submitted=Coalesce(Subquery(submitted), 0))

    @admin.display(description=_("ouverte"), boolean=True)
    def is_open(self, obj):
        return obj.is_open()

    @admin.display(description=_("diagnostics soumis"), ordering="n_submitted")
    def submitted_count(self, obj):
        return obj.n_submitted

    @admin.display(description=_("qui n’a pas encore soumis ?"))
    def pending(self, obj):
        if obj.questionnaire.is_express:  # no office list shows an express campaign
            url = reverse("admin:diagnostics_diagnostic_changelist")
            return format_html(
                '<a href="{}?campaign__id__exact={}">{}</a>', url, obj.pk, _("diagnostics express")
            )
        url = reverse("admin:diagnostics_office_changelist")
        return format_html(
            '<a href="{}?campagne={}&amp;statut=pending">{}</a>',
            url,
            obj.pk,
            _("offices sans diagnostic soumis"),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to the network staff, written only through the app (by the offices, or at submission)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Par exemple : « soumis par erreur le 12 mars, à la demande de la directrice ». "
            "Le motif, votre nom et les scores actuels sont gardés dans l’historique."
        ),
    )


class DiagnosticChangeList(OnlyShownChangeList, OneCountChangeList):
    """The rows read with only the fields they show, the list counted once."""


@admin.register(Diagnostic)
class DiagnosticAdmin(QuickRowsMixin, admin.ModelAdmin):
    """Diagnostics are written by directors through the app; here they are read."""

    change_form_template = "admin/diagnostics/diagnostic/change_form.html"
    change_list_template = "admin/diagnostics/diagnostic/change_list.html"

    list_display = [
        "organisation",
        "campaign",
        "kind",
        "status",
        "shown_overall_score",
        "overall_level",
        "submitted_at",
    ]
    list_filter = [
        DiagnosticKindFilter,
        "status",
        # Their choices kept until a table they read is written (filters.KeptChoicesMixin):
        # those the list's rows use, offices' segments only (its rows are offices').
        ("campaign", OfficesCampaignFilter),
        ("organisation__department", KeptRelatedOnlyFilter),
        ("organisation__segment", OfficeSegmentFilter),
        ("overall_level", KeptLevelFilter),
    ]
    list_select_related = ["organisation", "campaign", "overall_level", "questionnaire"]
    # What the rows show (their names, the questionnaire's kind): nothing else is read.
    list_only = [
        "organisation__name",
        "campaign__name",
        "questionnaire__abbreviates",
        "status",
        "overall_score",
        "overall_level__name",
        "submitted_at",
    ]
    search_fields = ["organisation__name", "organisation__commune"]
    readonly_fields = [
        "organisation",
        "campaign",
        "questionnaire",
        "status",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "shown_overall_score",
        "overall_level",
    ]
    fields = readonly_fields  # the score as shown everywhere, not the stored decimals
    # Reopenings, axis scores, importance and answers follow as plain tables
    # (diagnostic_sections, _sections.html), not inlines.

    @admin.display(description=_("type"))
    def kind(self, obj):
        return kind_label(obj.questionnaire)

    def get_changelist(self, request, **kwargs):
        return DiagnosticChangeList

    def get_queryset(self, request):
        # The businesses' diagnostics are read only in aggregates here (visibility.py).
        return visibility.named_for_staff(super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        """As Django's, with everything the change page shows read in the same query."""
        queryset = self.get_queryset(request).select_related(
            "organisation", "campaign", "questionnaire", "overall_level", "created_by",
            "submitted_by",
        )  # fmt: skip
        field = (
            self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def has_add_permission(self, request):
        return False

    # Submitted: read-only and never deleted, for everyone (superusers included).
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_submitted:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_submitted:
            return False
        return super().has_delete_permission(request, obj)

    def has_reopen_permission(self, request, obj=None):
        return request.user.has_perm("diagnostics.reopen_diagnostic")

    def get_urls(self):
        reopen = path(
            "<int:pk>/rouvrir/",
            self.admin_site.admin_view(self.reopen_view),
            name="diagnostics_diagnostic_reopen",
        )
        return [reopen, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_reopen": self.has_reopen_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(diagnostic_sections(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def reopen_view(self, request, pk):
        if not self.has_reopen_permission(request):
            raise PermissionDenied
        diagnostic = get_object_or_404(
            Diagnostic.objects.select_related("organisation", "campaign", "overall_level"), pk=pk
        )
        change_url = reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.diagnostic_reopen(
                    diagnostic=diagnostic, user=request.user, reason=form.cleaned_data["reason"]
                )
            except services.ServiceError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Diagnostic rouvert : l’office peut de nouveau le modifier et le soumettre."),
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Rouvrir le diagnostic soumis"),
            "diagnostic": diagnostic,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(
            request,
            "admin/diagnostics/diagnostic/reopen.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    @admin.display(description=_("score global"), ordering="overall_score")
    def shown_overall_score(self, obj):
        """The whole number shown everywhere (pages, PDF, exports)."""
        return format_score(obj.overall_score)


@admin.register(AxisScore)
class AxisScoreAdmin(ReadOnlyAdmin):
    """Scores stored at submission: read them, never change them."""

    list_display = ["diagnostic", "axis", "shown_score", "level", "answered", "total"]
    # The offices' campaigns: each office's campaign with its businesses would add a link
    # per office (their diagnostics stay in the list, found by the search).
    list_filter = [("diagnostic__campaign", OfficesCampaignFilter), "axis", "level"]
    list_select_related = ["diagnostic__organisation", "diagnostic__campaign", "axis", "level"]
    search_fields = ["diagnostic__organisation__name"]

    def get_queryset(self, request):
        return visibility.named_for_staff(super().get_queryset(request), "diagnostic__")

    @admin.display(description=_("score"), ordering="score")
    def shown_score(self, obj):
        return format_score(obj.score)


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["diagnostic", "question", "choice", "not_applicable", "updated_at"]
    list_filter = [("diagnostic__campaign", OfficesCampaignFilter), "not_applicable"]
    list_select_related = ["diagnostic__organisation", "diagnostic__campaign", "question", "choice"]
    search_fields = ["diagnostic__organisation__name", "question__code"]
    readonly_fields = [
        "diagnostic",
        "question",
        "choice",
        "not_applicable",
        "comment",
        "updated_by",
    ]

    def get_queryset(self, request):
        return visibility.named_for_staff(super().get_queryset(request), "diagnostic__")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
