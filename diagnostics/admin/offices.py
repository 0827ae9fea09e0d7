"""Offices in the admin: the list of where each one stands in a campaign, and editing.

The comparison, dashboard and export pages are in office_analytics. The office list
reads the scores stored at submission through annotations (diagnostics.selectors.regional), so
it runs the same number of queries for 10 or 1,000 offices. The campaign is chosen with the « campagne » filter (default: latest).
"""

import threading
from functools import lru_cache
from html import escape

from django.contrib import admin
from django.db.models import F, OrderBy
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics import access, selectors
from diagnostics.admin.fields import FORMFIELD_OVERRIDES
from diagnostics.admin.filters import OfficeSegmentFilter, PlainRelatedOnlyFilter
from diagnostics.admin.inlines import LabelledTabularInline
from diagnostics.admin.office_analytics import (
    CAMPAIGN_PARAM,
    OfficeAnalyticsMixin,
    axes_for,
    campaign_for,
    levels_for,
)
from diagnostics.admin.rows import ObjectUrls, OneCountChangeList, QuickRowsMixin
from diagnostics.admin.team import OfficeInvitationsMixin
from diagnostics.display import score as format_score
from diagnostics.display import tone
from diagnostics.formatting import shown
from diagnostics.models import Campaign, Membership, Office
from diagnostics.network import network_departments
from diagnostics.selectors import regional
from diagnostics.selectors.express import with_latest_express
from diagnostics.selectors.regional import businesses as regional_businesses
from snut import page_memo

# The office list's queryset, as last built in this thread (OfficeAdmin.get_queryset).
_BUILT = threading.local()


class CampaignFilter(admin.SimpleListFilter):
    title = gettext_lazy("campagne")
    parameter_name = CAMPAIGN_PARAM

    def __init__(self, request, params, model, model_admin):
        self.current = campaign_for(request)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        # The same for every reader: kept until a campaign is written (page_memo.kept).
        return page_memo.kept("office-list-campaigns", network_campaign_choices)

    def value(self):
        return str(self.current.pk) if self.current else None

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset  # the campaign drives the annotations, not a filter


def network_campaign_choices() -> list[tuple[str, str]]:
    return [(str(c.pk), c.name) for c in Campaign.objects.network().order_by("-opens", "-pk")]


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("statut du diagnostic")
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return [*regional.STATUS_LABELS.items(), ("pending", gettext_lazy("Pas encore soumis"))]

    def queryset(self, request, queryset):
        if self.value() in (*regional.STATUS_LABELS, "pending"):
            return regional.filter_status(queryset, self.value())
        return queryset


class ReachFilter(admin.SimpleListFilter):
    """Offices a reminder cannot reach (no address for the direction nor the office)."""

    title = gettext_lazy("relance par e-mail")
    parameter_name = "joignable"

    def lookups(self, request, model_admin):
        return [("non", gettext_lazy("impossible : aucune adresse"))]

    def queryset(self, request, queryset):
        if self.value() == "non":
            return queryset.filter(pk__in=selectors.unreachable_offices().values("pk"))
        return queryset


class LevelFilter(admin.SimpleListFilter):
    title = gettext_lazy("niveau global")
    parameter_name = "niveau"

    def lookups(self, request, model_admin):
        return [(str(level.pk), level.name) for level in levels_for(request)[0]]

    def queryset(self, request, queryset):
        level_id = access.parse_id(self.value())
        return queryset.filter(overall_level_id=level_id) if level_id else queryset


def score_badge(value, level: str | None, levels, *, show_level: bool = True) -> str:
    """A score coloured by its questionnaire's `levels`, with its level's name."""
    if value is None:
        return mark_safe('<span class="snut-na">—</span>')
    # As format_html wrote them (a hundred of them on a page).
    colour, number, name = (
        escape(tone(value, levels)),
        escape(format_score(value)),
        escape(level or ""),
    )
    if not show_level:  # narrow axis columns: the level shows on hover
        return mark_safe(f'<span class="snut-badge tone-{colour}" title="{name}">{number}</span>')
    return mark_safe(
        f'<span class="snut-badge tone-{colour}">{number}</span>'
        f'<span class="snut-badge-level">{name}</span>'
    )


class ScoreBadges:
    """score_badge for one page's list, each distinct badge written once. Levels' bounds
    are whole numbers, so a score's colour depends only on the number it shows: 50 rows
    × 8 scores repeat a few dozen badges."""

    def __init__(self, levels):
        self.levels = levels
        self.written: dict = {}
        self.by_value: dict = {}  # the same badges by the stored value (no number to format)

    def __call__(self, value, level: str | None, *, show_level: bool = True) -> str:
        badge = self.by_value.get((value, level, show_level))
        if badge is not None:
            return badge
        key = (None if value is None else shown(float(value)), level, show_level)
        badge = self.written.get(key)
        if badge is None:
            badge = self.written[key] = score_badge(
                value, level, self.levels, show_level=show_level
            )
        self.by_value[(value, level, show_level)] = badge
        return badge


class NullsLast(OrderBy):
    """Sorts offices without a score last, whichever way the column is sorted."""

    def __init__(self, name: str):
        super().__init__(F(name), nulls_last=True)

    def reverse_ordering(self):
        self.descending = not self.descending
        return self


def axis_column(axis, badges: ScoreBadges):
    alias = regional.axis_alias(axis)

    # A compact header: the axis's short name (« Mobilité »: its code has no accent), its full
    # name in the title.
    header = format_html('<abbr title="{}">{}</abbr>', axis.name, axis.header)

    @admin.display(description=header, ordering=NullsLast(alias))
    def column(obj):
        return badges(getattr(obj, alias), getattr(obj, f"{alias}_level"), show_level=False)

    column.__name__ = alias
    return column


def overall_column(badges: ScoreBadges):
    @admin.display(description=gettext_lazy("score global"), ordering=NullsLast("overall_score"))
    def overall(obj):
        return badges(obj.overall_score, obj.overall_level_name)

    return overall


def classement_column():
    """An office's segment is its classement; the labels translated once per page
    (get_segment_display looks them up for every row)."""
    labels = {value: str(label) for value, label in Office._meta.get_field("segment").flatchoices}

    @admin.display(description=gettext_lazy("classement"), ordering="segment")
    def classement(obj):
        return labels.get(obj.segment, obj.segment)

    return classement


def business_median_column(levels):
    badges: dict = {}  # (median as shown, count) → its badge, written once per page

    @admin.display(
        description=format_html(
            '<abbr title="{}">{}</abbr>',
            gettext_lazy("Médiane des prestataires (dernière campagne de l’office)"),
            gettext_lazy("prest."),
        )
    )
    def business_median_column(obj):
        median, count = getattr(obj, "business_median", (None, 0))
        if median is None:
            return format_html('<span class="snut-na">{}</span>', "—")
        key = (shown(median), count)
        if key not in badges:
            badges[key] = format_html(
                '<span class="snut-badge tone-{}" title="{}">{}</span>',
                tone(median, levels),
                _("Médiane de %(count)s prestataires") % {"count": count},
                format_score(median),
            )
        return badges[key]

    return business_median_column


@lru_cache(maxsize=8)
def results_urls(script_prefix: str, urlconf) -> ObjectUrls:
    """The results pages' URLs, by the request's script prefix and URLconf."""
    return ObjectUrls(reverse("diagnostics:results", args=[ObjectUrls.PLACEHOLDER]))


def status_column(levels):
    """Where the office stands in the campaign and, on a line of its own and named so, its
    latest express profile: an indicative score, never one of the campaign's (the list has no
    width left for a column of its own)."""

    # As format_html wrote them, the labels translated and the URLs found once per page.
    labels = {status: escape(label) for status, label in regional.STATUS_LABELS.items()}
    urls = results_urls(get_script_prefix(), get_urlconf())

    @admin.display(description=gettext_lazy("diagnostic"), ordering="campaign_status")
    def status(obj):
        status, label = escape(obj.campaign_status), labels[obj.campaign_status]
        if obj.diagnostic_id:
            url = escape(urls(obj.diagnostic_id))
            cell = mark_safe(f'<a class="snut-status {status}" href="{url}">{label}</a>')
        else:
            cell = mark_safe(f'<span class="snut-status {status}">{label}</span>')
        if obj.express_id is None:
            return cell
        return cell + format_html(
            '<br><a class="snut-express" href="{}">{} <span class="snut-badge tone-{}">{}</span></a>',
            reverse("diagnostics:express_results", args=[obj.express_id]),
            _("express"),
            tone(obj.express_score, levels),
            format_score(obj.express_score),
        )

    return status


class BusinessMediansChangeList(OneCountChangeList):
    """Adds the page's axis scores and businesses' medians to its offices, one query each
    after pagination; counted once (OneCountChangeList)."""

    def get_results(self, request):
        super().get_results(request)
        offices = list(self.result_list)
        campaign = campaign_for(request)
        if campaign is not None:
            regional.with_axis_scores(offices, axes_for(request))
        medians = regional_businesses.office_business_medians(o.pk for o in offices)
        for office in offices:
            office.business_median = medians.get(office.pk, (None, 0))
        self.result_list = offices


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(QuickRowsMixin, OfficeInvitationsMixin, OfficeAnalyticsMixin, admin.ModelAdmin):
    formfield_overrides = FORMFIELD_OVERRIDES
    list_filter = [
        CampaignFilter,
        StatusFilter,
        LevelFilter,
        ("department", PlainRelatedOnlyFilter),
        ("segment", OfficeSegmentFilter),
        ReachFilter,
    ]
    search_fields = ["name", "commune", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    list_per_page = 50
    change_list_template = "admin/diagnostics/office/change_list.html"
    fields = [
        "name",
        "slug",
        "commune",
        "department",
        "segment",
        "legal_form",
        "staff_band",
        "email",
        "phone",
        "website",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = network_departments()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # An office is classed by category, never by a business's activity.
        if db_field.name == "segment":
            kwargs["choices"] = [(s.value, s.label) for s in Office.OFFICE_SEGMENTS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "website":  # the model's example is a business's
            field.help_text = _(
                "L’adresse de la page d’accueil, par exemple https://www.ot-castelroc.fr"
            )
        return field

    def get_changelist(self, request, **kwargs):
        return BusinessMediansChangeList

    def get_queryset(self, request):
        # Built once per thread and campaign (the list, its filters and its count all ask
        # for it, page after page): its annotations cost more to build than to run. Only
        # the ids of the campaign and its axes go into its SQL, and each thread keeps its
        # own: compiling a query adjusts its subqueries' join counts as it goes.
        if not hasattr(request, "_snut_offices"):
            campaign, axes = campaign_for(request), axes_for(request)
            key = (campaign and campaign.pk, tuple(axis.pk for axis in axes))
            built = getattr(_BUILT, "offices", None)
            if built is None or built[0] != key:
                queryset = super().get_queryset(request)
                if campaign is not None:
                    # The axis scores sort the list; the page's are read after pagination.
                    queryset = regional.offices_with_scores(
                        queryset, campaign, axes, axes_selected=False
                    )
                built = _BUILT.offices = (key, with_latest_express(queryset))
            request._snut_offices = built[1]
        return request._snut_offices.all()

    def get_list_display(self, request):
        # Built once per request: Django asks again for the sortable columns
        # (get_sortable_by), which must be the page's own column objects.
        if not hasattr(request, "_snut_list_display"):
            request._snut_list_display = self._list_display(request)
        return request._snut_list_display

    def _list_display(self, request):
        office_levels, business_levels = levels_for(request)
        badges = ScoreBadges(office_levels)
        if campaign_for(request) is None:  # no network campaign yet: nothing scored
            return [
                "name",
                "department_code",
                classement_column(),
                business_median_column(business_levels),
            ]
        return [
            "name",
            "department_code",
            classement_column(),
            overall_column(badges),
            *[axis_column(axis, badges) for axis in axes_for(request)],
            status_column(office_levels),
            business_median_column(business_levels),
        ]

    @admin.display(description=gettext_lazy("dép."), ordering="department__code")
    def department_code(self, obj):
        department = obj.department  # as format_html writes it
        return mark_safe(
            f'<abbr title="{escape(department.name)}">{escape(department.code)}</abbr>'
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            # The list needs the whole width of a 1366 px laptop: no navigation sidebar here.
            "is_nav_sidebar_enabled": False,
            "snut_campaign": campaign_for(request),
            "snut_query": request.GET.urlencode(),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office__department"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "user__email", "office__name"]
    autocomplete_fields = ["user"]
