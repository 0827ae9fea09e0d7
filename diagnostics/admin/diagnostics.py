"""Admin of campaigns and of the diagnostics they collect (read-only: directors write them)."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from diagnostics.models import (
    Answer,
    AxisImportance,
    AxisNarrative,
    AxisScore,
    Campaign,
    Diagnostic,
    Questionnaire,
)
from diagnostics.templatetags.snut import score as format_score


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "questionnaire",
        "opens",
        "closes",
        "is_open",
        "submitted_count",
        "pending",
    ]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["name"]
    date_hierarchy = "opens"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":
            kwargs["queryset"] = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Diagnostics keep the questionnaire they were answered with.
        if obj is not None and obj.diagnostics.exists():
            return ["questionnaire"]
        return []

    def get_queryset(self, request):
        submitted = Count("diagnostics", filter=Q(diagnostics__status=Diagnostic.Status.SUBMITTED))
        return super().get_queryset(request).annotate(n_submitted=submitted)

    @admin.display(description=_("ouverte"), boolean=True)
    def is_open(self, obj):
        return obj.is_open()

    @admin.display(description=_("diagnostics soumis"), ordering="n_submitted")
    def submitted_count(self, obj):
        return obj.n_submitted

    @admin.display(description=_("qui n’a pas encore soumis ?"))
    def pending(self, obj):
        url = reverse("admin:diagnostics_office_changelist")
        return format_html(
            '<a href="{}?campagne={}&amp;statut=pending">{}</a>',
            url,
            obj.pk,
            _("offices sans diagnostic soumis"),
        )


class ReadOnlyInline(admin.TabularInline):
    """What a submission stored or a director answered: shown, never edited here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class AxisScoreInline(ReadOnlyInline):
    model = AxisScore
    fields = ["axis", "shown_score", "level", "narrative", "answered", "total"]

    def get_queryset(self, request):
        own_text = AxisNarrative.objects.filter(
            axis=OuterRef("axis"), level=OuterRef("level")
        ).values("text")[:1]
        return (
            super()
            .get_queryset(request)
            .select_related("axis", "level", "diagnostic__office", "diagnostic__campaign")
            .annotate(narrative_text=Coalesce(Subquery(own_text), "level__description"))
        )

    @admin.display(description=_("score"))
    def shown_score(self, obj):
        return format_score(obj.score)

    @admin.display(description=_("texte de l’axe à ce niveau"))
    def narrative(self, obj):
        return obj.narrative_text or "—"


class AxisImportanceInline(ReadOnlyInline):
    model = AxisImportance
    fields = ["axis", "importance"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("axis")


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["question", "choice", "not_applicable", "comment", "updated_by", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "question", "choice", "updated_by", "diagnostic__office", "diagnostic__campaign"
            )
            .order_by("question__axis__order", "question__order")
        )


@admin.register(Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin):
    """Diagnostics are written by directors through the app; here they are read."""

    list_display = [
        "office",
        "campaign",
        "status",
        "shown_overall_score",
        "overall_level",
        "submitted_at",
    ]
    list_filter = ["status", "campaign", "office__department", "office__category", "overall_level"]
    list_select_related = ["office", "campaign", "overall_level"]
    search_fields = ["office__name", "office__commune"]
    readonly_fields = [
        "office",
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
    inlines = [AxisScoreInline, AxisImportanceInline, AnswerInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("score global"), ordering="overall_score")
    def shown_overall_score(self, obj):
        """The whole number shown everywhere (pages, PDF, exports)."""
        return format_score(obj.overall_score)


@admin.register(AxisScore)
class AxisScoreAdmin(admin.ModelAdmin):
    """Scores stored at submission: read them, never change them."""

    list_display = ["diagnostic", "axis", "shown_score", "level", "answered", "total"]
    list_filter = ["diagnostic__campaign", "axis", "level"]
    list_select_related = ["diagnostic__office", "diagnostic__campaign", "axis", "level"]
    search_fields = ["diagnostic__office__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("score"), ordering="score")
    def shown_score(self, obj):
        return format_score(obj.score)


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["diagnostic", "question", "choice", "not_applicable", "updated_at"]
    list_filter = ["diagnostic__campaign", "not_applicable"]
    list_select_related = ["diagnostic__office", "diagnostic__campaign", "question", "choice"]
    search_fields = ["diagnostic__office__name", "question__code"]
    readonly_fields = [
        "diagnostic",
        "question",
        "choice",
        "not_applicable",
        "comment",
        "updated_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
