"""The offices' business campaigns, read by the network staff (offices run them).

Read-only: the staff see each office's response rate and its businesses' medians,
the businesses themselves, and where the region's businesses are weakest.
Medians are ranked by the database for the whole page at once
(diagnostics.selectors.regional.businesses): a fixed number of queries per page.
"""

import html

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.admin.diagnostics import ReadOnlyAdmin
from diagnostics.admin.fields import FORMFIELD_OVERRIDES
from diagnostics.admin.filters import (
    BusinessOfficeDepartmentFilter,
    BusinessSegmentFilter,
    PlainRelatedOnlyFilter,
)
from diagnostics.admin.plan_rows import number_cells
from diagnostics.admin.rows import OneCountChangeList, QuickRowsMixin, dates_truncated_here
from diagnostics.display import score as format_score
from diagnostics.display import tone
from diagnostics.models import (
    Audience,
    Axis,
    Business,
    BusinessCampaign,
    MaturityLevel,
    Questionnaire,
)
from diagnostics.selectors.regional import businesses as regional_businesses
from snut import page_memo

CONSENT_HELP = gettext_lazy(
    "Les prestataires choisissent, en soumettant, si leur office peut lire le détail de leurs "
    "réponses ; sans leur accord l’office ne les voit que dans les agrégats. L’équipe du "
    "réseau, elle, ne lit jamais le détail d’un prestataire nommé : seulement des chiffres "
    "d’ensemble (participation, médianes, points faibles, besoins d’ateliers), comme on le "
    "leur annonce avant qu’ils commencent."
)


def median_column(axis, levels):
    """The businesses' median on `axis`, a compact column headed by the axis's short name
    (Axis.header, as the office list's columns: « Visibilité », not its code « vis ») and
    coloured by the questionnaire's `levels`."""
    header = format_html(
        '<abbr title="{}">{}</abbr>',
        _("Médiane des prestataires — %(axis)s") % {"axis": axis.name},
        axis.header,
    )

    missing = format_html('<span class="snut-na">{}</span>', "—")
    written = {}  # median → its badge: a page's 50 rows share a few dozen values

    @admin.display(description=header)
    def column(obj):
        median = getattr(obj, "axis_medians", {}).get(axis.code)
        if median is None:
            return missing
        badge = written.get(median)
        if badge is None:  # as format_html writes it, without its escaping of safe text
            shown = html.escape(format_score(median))
            badge = written[median] = mark_safe(
                f'<span class="snut-badge tone-{html.escape(tone(median, levels))}">{shown}</span>'
            )
        return badge

    column.__name__ = f"median_{axis.code}"
    return column


def latest_business_axes_and_levels() -> tuple[list[Axis], list[MaturityLevel]]:
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES)
    axes = list(Axis.objects.filter(questionnaire__in=questionnaire).order_by("order"))
    return axes, list(MaturityLevel.objects.filter(questionnaire__in=questionnaire))


class MediansChangeList(OneCountChangeList):
    """Adds the page's counts and axis medians to its campaigns, one query each after
    pagination. The counts are in the list's own query only when they sort it: there each
    is a subquery per campaign, run for every campaign before the database sorts them.
    Counted once (OneCountChangeList)."""

    counted = None

    def get_queryset(self, request, exclude_parameters=None):
        if self.counted is None:
            ordering = self.get_ordering(request, self.root_queryset)
            counts = regional_businesses.CAMPAIGN_COUNTS
            self.counted = any(isinstance(o, str) and o.lstrip("-") in counts for o in ordering)
            if self.counted:
                self.root_queryset = regional_businesses.business_campaign_counts(
                    self.root_queryset
                )
        return super().get_queryset(request, exclude_parameters)

    def get_results(self, request):
        super().get_results(request)
        campaigns = list(self.result_list)
        if not self.counted:
            counts = regional_businesses.campaign_counts(c.pk for c in campaigns)
            for campaign in campaigns:
                campaign.n_invited, campaign.n_started, campaign.n_submitted = counts[campaign.pk]
        medians = regional_businesses.campaign_axis_medians(c.pk for c in campaigns)
        for campaign in campaigns:
            campaign.axis_medians = medians.get(campaign.pk, [])
        self.result_list = campaigns
        self.queryset = dates_truncated_here(self.queryset)  # the date hierarchy's


@admin.register(BusinessCampaign)
class BusinessCampaignAdmin(QuickRowsMixin, ReadOnlyAdmin):
    list_display = [
        "organiser_and_name",
        "department",
        "opens",
        "closes",
        "invited",
        "started",
        "submitted",
    ]
    list_filter = [("organiser__department", PlainRelatedOnlyFilter)]
    list_select_related = ["organiser__department"]
    search_fields = ["name", "organiser__name"]
    date_hierarchy = "opens"
    fields = ["name", "organiser", "questionnaire", "opens", "closes"]
    list_per_page = 50
    change_list_template = "admin/diagnostics/businesscampaign/change_list.html"

    def get_changelist(self, request, **kwargs):
        return MediansChangeList

    def get_list_display(self, request):
        # One column per axis of the latest business questionnaire, as on the office list;
        # the same for every reader: kept until a questionnaire is written (page_memo.kept).
        if not hasattr(request, "_snut_business_axes"):
            request._snut_business_axes, request._snut_business_levels = page_memo.kept(
                "business-axes-and-levels", latest_business_axes_and_levels
            )
        levels = request._snut_business_levels
        return [
            *self.list_display,
            *(median_column(axis, levels) for axis in request._snut_business_axes),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "is_nav_sidebar_enabled": False,
            "snut_consent_help": CONSENT_HELP,
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("office et campagne"), ordering="organiser__name")
    def organiser_and_name(self, obj):
        return format_html("{}<br><small>{}</small>", obj.organiser.name, obj.name)

    @admin.display(description=gettext_lazy("dép."), ordering="organiser__department__code")
    def department(self, obj):
        department = obj.organiser.department
        return format_html('<abbr title="{}">{}</abbr>', department.name, department.code)

    @admin.display(description=gettext_lazy("invités"), ordering="n_invited")
    def invited(self, obj):
        return obj.n_invited

    @admin.display(description=gettext_lazy("commencés"), ordering="n_started")
    def started(self, obj):
        return obj.n_started

    @admin.display(description=gettext_lazy("soumis"), ordering="n_submitted")
    def submitted(self, obj):
        return obj.n_submitted

    # --- the regional view of the businesses' weak spots ---------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.weakest_view)
        return [
            path("points-faibles/", view, name="diagnostics_businesscampaign_weakest"),
            *super().get_urls(),
        ]

    def weakest_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        weakness = regional_businesses.business_weakest_questions()
        shown = {}  # each count localised once: a row per question, a cell per department
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Points faibles des prestataires de la région"),
            "weakness": weakness,
            "rows": [(q, number_cells(q.by_department, shown)) for q in weakness.questions],
            "snut_consent_help": CONSENT_HELP,
        }
        return TemplateResponse(request, "admin/diagnostics/businesscampaign/weakest.html", context)


@admin.register(Business)
class BusinessAdmin(QuickRowsMixin, ReadOnlyAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["name", "parent", "department_code", "segment", "subtype", "commune"]
    list_filter = [
        ("parent__department", BusinessOfficeDepartmentFilter),
        ("segment", BusinessSegmentFilter),
    ]
    list_select_related = ["parent", "department"]
    search_fields = ["name", "commune", "parent__name"]
    fields = [
        "name",
        "parent",
        "segment",
        "subtype",
        "commune",
        "department",
    ]  # no contact data: the network reads the businesses in aggregates (visibility.py)
    list_per_page = 100

    def get_changelist(self, request, **kwargs):
        return OneCountChangeList

    @admin.display(description=gettext_lazy("dép."), ordering="department__code")
    def department_code(self, obj):
        return format_html('<abbr title="{}">{}</abbr>', obj.department.name, obj.department.code)
