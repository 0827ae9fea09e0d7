"""« Avis de l’équipe » for the network's staff: how many people each office consulted and how
many answered, never the opinions nor who gave them (visibility.opinions_shown: staff read
none). Respondent, Opinion and ImportanceOpinion have no admin on purpose."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from diagnostics.models import OpinionRound


@admin.register(OpinionRound)
class OpinionRoundAdmin(admin.ModelAdmin):
    list_display = ["office", "campaign", "status", "asked", "answered", "opened_at"]
    list_select_related = ["diagnostic__organisation", "diagnostic__campaign"]
    list_filter = [("diagnostic__campaign", admin.RelatedOnlyFieldListFilter)]
    fields = ["office", "campaign", "status", "asked", "answered", "opened_at"]
    readonly_fields = fields
    ordering = ["-opened_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                asked_count=Count("respondents"),
                answered_count=Count(
                    "respondents", filter=Q(respondents__answered_at__isnull=False)
                ),
            )
        )

    @admin.display(description=_("office"), ordering="diagnostic__organisation__name")
    def office(self, obj):
        return obj.diagnostic.organisation

    @admin.display(description=_("campagne"))
    def campaign(self, obj):
        return obj.diagnostic.campaign

    @admin.display(description=_("diagnostic"))
    def status(self, obj):
        return obj.diagnostic.get_status_display()

    @admin.display(description=_("personnes consultées"), ordering="asked_count")
    def asked(self, obj):
        return obj.asked_count

    @admin.display(description=_("ont répondu"), ordering="answered_count")
    def answered(self, obj):
        return obj.answered_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
