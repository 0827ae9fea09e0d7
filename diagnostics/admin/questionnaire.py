"""The questionnaire in the admin.

It is edited top-down (questionnaire → axes → questions →
choices), each level linking to the next. Once published it is read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from diagnostics import services
from diagnostics.admin.inlines import LabelledTabularInline
from diagnostics.models import (
    Axis,
    AxisNarrative,
    Choice,
    MaturityLevel,
    Organisation,
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # New parts and moved parts may only go into a draft questionnaire.
        model = db_field.related_model
        if model is Questionnaire:
            kwargs["queryset"] = Questionnaire.objects.filter(status=Questionnaire.Status.DRAFT)
        elif model in (Axis, Question):
            kwargs["queryset"] = model.objects.filter(
                questionnaire__status=Questionnaire.Status.DRAFT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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


class MaturityLevelInline(FrozenInlineMixin, LabelledTabularInline):
    model = MaturityLevel
    extra = 0
    fields = ["lower_bound", "name", "description"]


class AxisInline(FrozenInlineMixin, LabelledTabularInline):
    model = Axis
    extra = 0
    fields = ["order", "code", "name", "short_name", "weight"]
    show_change_link = True
    ordering = ["order"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["name", "code", "version", "status", "axis_count", "question_count"]
    list_filter = ["status"]
    search_fields = ["name", "code"]
    inlines = [MaturityLevelInline, AxisInline]
    actions = ["publish", "duplicate", "archive"]
    readonly_fields = ["status"]  # published only through the « Publier » action, which checks

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

    @admin.action(description=_("Dupliquer en nouvelle version (brouillon)"))
    def duplicate(self, request, queryset):
        for questionnaire in queryset:
            copy = services.questionnaire_duplicate(questionnaire=questionnaire)
            url = reverse("admin:diagnostics_questionnaire_change", args=[copy.pk])
            self.message_user(
                request,
                format_html(
                    _(
                        'Version {} créée en brouillon : <a href="{}">la modifier</a>, puis la publier.'
                    ),
                    copy.version,
                    url,
                ),
                messages.SUCCESS,
            )

    @admin.action(description=_("Archiver (plus proposé aux nouvelles campagnes)"))
    def archive(self, request, queryset):
        count = queryset.filter(status=Questionnaire.Status.PUBLISHED).update(
            status=Questionnaire.Status.ARCHIVED
        )
        self.message_user(
            request,
            ngettext("%d questionnaire archivé.", "%d questionnaires archivés.", count) % count,
            messages.SUCCESS,
        )


class QuestionInline(FrozenInlineMixin, LabelledTabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "text", "weight", "allow_not_applicable"]
    show_change_link = True
    ordering = ["order"]


class AxisNarrativeInline(FrozenInlineMixin, LabelledTabularInline):
    """The axis's own text for each level (the level's general text stands in when absent)."""

    model = AxisNarrative
    extra = 0
    fields = ["level", "text"]
    ordering = ["level__lower_bound"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the levels of the axis's own questionnaire.
        if db_field.name == "level":
            axis_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = MaturityLevel.objects.filter(questionnaire__axes=axis_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Axis)
class AxisAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["name", "code", "questionnaire", "order", "weight"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["name", "code"]
    inlines = [AxisNarrativeInline, QuestionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is AxisNarrative:
            return super().save_formset(request, form, formset, change)
        return self._save_questions(request, form, formset)

    def _save_questions(self, request, form, formset):
        # New questions take their axis's questionnaire.
        for question in formset.save(commit=False):
            question.questionnaire_id = form.instance.questionnaire_id
            question.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


class ChoiceInline(FrozenInlineMixin, LabelledTabularInline):
    model = Choice
    extra = 0
    fields = ["order", "label", "points", "recommendation", "effort", "scale"]
    ordering = ["order"]


class QuestionForm(forms.ModelForm):
    """Activities as boxes to tick (the business segments), stored as a list of codes."""

    activities = forms.TypedMultipleChoiceField(
        label=Question._meta.get_field("activities").verbose_name,
        help_text=_("Aucune case cochée : la question est posée à tous les prestataires."),
        choices=[
            (code, Organisation.Segment(code).label) for code in Organisation.BUSINESS_SEGMENTS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@admin.register(Question)
class QuestionAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["code", "text", "axis", "version", "weight", "allow_not_applicable", "scored"]
    list_filter = ["questionnaire", "axis", "allow_not_applicable", "scored"]
    list_select_related = ["axis", "questionnaire"]
    search_fields = ["code", "text", "help_text"]
    inlines = [ChoiceInline]

    @admin.display(description=_("version"), ordering="questionnaire__version")
    def version(self, obj):
        return obj.questionnaire.version


@admin.register(Choice)
class ChoiceAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["label", "question", "version", "order", "points", "effort", "scale"]
    list_filter = ["question__questionnaire", "question__axis", "points", "effort", "scale"]
    list_select_related = ["question__questionnaire"]
    search_fields = ["label", "recommendation", "question__code"]

    @admin.display(description=_("version"), ordering="question__questionnaire__version")
    def version(self, obj):
        return obj.question.questionnaire.version

    def questionnaire_of(self, obj):
        return obj.question.questionnaire if obj is not None else None


@admin.register(MaturityLevel)
class MaturityLevelAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["name", "lower_bound", "questionnaire"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]


@admin.register(AxisNarrative)
class AxisNarrativeAdmin(FrozenQuestionnaireMixin, admin.ModelAdmin):
    list_display = ["axis", "level", "text"]
    list_filter = ["axis__questionnaire", "axis__code", "level__lower_bound"]
    list_select_related = ["axis__questionnaire", "level"]
    search_fields = ["text", "axis__code", "axis__name"]

    def questionnaire_of(self, obj):
        return obj.axis.questionnaire if obj is not None else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "level":
            kwargs["queryset"] = MaturityLevel.objects.filter(
                questionnaire__status=Questionnaire.Status.DRAFT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
