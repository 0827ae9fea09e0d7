"""Admin for the regional network staff.

The questionnaire is edited top-down (questionnaire → axes → questions →
choices), each level linking to the next. Once published it is read-only.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from diagnostics.models import (
    Answer,
    Axis,
    AxisScore,
    Campaign,
    Choice,
    Diagnostic,
    MaturityLevel,
    Membership,
    Office,
    Question,
    Questionnaire,
)
from diagnostics.validation import questionnaire_faults

FROZEN_MESSAGE = _(
    "Ce questionnaire est publié : il est en lecture seule, car des diagnostics s’y réfèrent."
)


class FrozenQuestionnaireMixin:
    """Read-only admin for anything that belongs to a published questionnaire."""

    def questionnaire_of(self, obj) -> Questionnaire | None:
        return obj.questionnaire if obj is not None else None

    def is_frozen(self, obj) -> bool:
        questionnaire = self.questionnaire_of(obj)
        return questionnaire is not None and questionnaire.is_frozen

    def has_change_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if self.is_frozen(obj) and request.method == "GET":
            messages.info(request, FROZEN_MESSAGE)
        return super().change_view(request, object_id, form_url, extra_context)


class FrozenInlineMixin:
    """Inlines take the parent's frozen state: no add, change or delete."""

    def _frozen(self, obj) -> bool:
        if obj is None:
            return False
        questionnaire = obj if isinstance(obj, Questionnaire) else obj.questionnaire
        return questionnaire.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class MaturityLevelInline(FrozenInlineMixin, admin.TabularInline):
    model = MaturityLevel
    extra = 0
    fields = ["lower_bound", "name", "description"]


class AxisInline(FrozenInlineMixin, admin.TabularInline):
    model = Axis
    extra = 0
    fields = ["order", "code", "name", "weight"]
    show_change_link = True
    ordering = ["order"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["name", "code", "version", "status", "axis_count", "question_count"]
    list_filter = ["status"]
    search_fields = ["name", "code"]
    inlines = [MaturityLevelInline, AxisInline]
    actions = ["publish"]

    def questionnaire_of(self, obj):
        return obj

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_axes=Count("axes", distinct=True), n_questions=Count("questions", distinct=True)
            )
        )

    @admin.display(description=_("axes"), ordering="n_axes")
    def axis_count(self, obj):
        return obj.n_axes

    @admin.display(description=_("questions"), ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions

    @admin.action(description=_("Publier (après vérification de la structure)"))
    def publish(self, request, queryset):
        published = 0
        for questionnaire in queryset.filter(status=Questionnaire.Status.DRAFT):
            faults = questionnaire_faults(questionnaire)
            if faults:
                self.message_user(
                    request,
                    _("« %(name)s » n’est pas publié : %(faults)s")
                    % {"name": questionnaire, "faults": " ; ".join(faults)},
                    messages.ERROR,
                )
                continue
            questionnaire.status = Questionnaire.Status.PUBLISHED
            questionnaire.save(update_fields=["status"])
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("%d questionnaire publié.", "%d questionnaires publiés.", published)
                % published,
                messages.SUCCESS,
            )


class QuestionInline(FrozenInlineMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "text", "weight", "allow_not_applicable"]
    show_change_link = True
    ordering = ["order"]


@admin.register(Axis)
class AxisAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["name", "code", "questionnaire", "order", "weight"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["name", "code"]
    inlines = [QuestionInline]

    def save_formset(self, request, form, formset, change):
        # New questions take their axis's questionnaire.
        for question in formset.save(commit=False):
            question.questionnaire_id = form.instance.questionnaire_id
            question.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


class ChoiceInline(FrozenInlineMixin, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "label", "points", "recommendation"]
    ordering = ["order"]


@admin.register(Question)
class QuestionAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["code", "text", "axis", "weight", "allow_not_applicable"]
    list_filter = ["questionnaire", "axis", "allow_not_applicable"]
    list_select_related = ["axis", "questionnaire"]
    search_fields = ["code", "text", "help_text"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["label", "question", "order", "points"]
    list_filter = ["question__questionnaire", "question__axis", "points"]
    list_select_related = ["question"]
    search_fields = ["label", "recommendation", "question__code"]

    def questionnaire_of(self, obj):
        return obj.question.questionnaire if obj is not None else None


@admin.register(MaturityLevel)
class MaturityLevelAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["name", "lower_bound", "questionnaire"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "department", "category", "legal_form", "staff_band"]
    list_filter = ["department", "category", "legal_form", "staff_band"]
    search_fields = ["name", "commune", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office__department"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "user__email", "office__name"]
    autocomplete_fields = ["user", "office"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "questionnaire", "opens", "closes", "submitted_count"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["name"]
    date_hierarchy = "opens"

    def get_queryset(self, request):
        submitted = Count("diagnostics", filter=Q(diagnostics__status=Diagnostic.Status.SUBMITTED))
        return super().get_queryset(request).annotate(n_submitted=submitted)

    @admin.display(description=_("diagnostics soumis"), ordering="n_submitted")
    def submitted_count(self, obj):
        return obj.n_submitted


class AxisScoreInline(admin.TabularInline):
    model = AxisScore
    extra = 0
    fields = ["axis", "score", "level", "answered", "total"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "choice", "not_applicable", "comment", "updated_by", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question", "choice", "updated_by")
            .order_by("question__axis__order", "question__order")
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin):
    """Diagnostics are written by directors through the app; here they are read."""

    list_display = [
        "office",
        "campaign",
        "status",
        "overall_score",
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
        "overall_score",
        "overall_level",
    ]
    inlines = [AxisScoreInline, AnswerInline]

    def has_add_permission(self, request):
        return False


@admin.register(AxisScore)
class AxisScoreAdmin(admin.ModelAdmin):
    """Scores stored at submission: read them, never change them."""

    list_display = ["diagnostic", "axis", "score", "level", "answered", "total"]
    list_filter = ["diagnostic__campaign", "axis", "level"]
    list_select_related = ["diagnostic__office", "diagnostic__campaign", "axis", "level"]
    search_fields = ["diagnostic__office__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
