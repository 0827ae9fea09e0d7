"""The offices' action plans, as the network staff see them: counts per axis, no content."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Min, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics import selectors, spreadsheets
from diagnostics.admin.diagnostics import ReadOnlyAdmin
from diagnostics.admin.fields import FORMFIELD_OVERRIDES
from diagnostics.admin.inlines import LabelledStackedInline
from diagnostics.admin.office_analytics import campaign_for
from diagnostics.admin.plan_rows import cluster_rows, need_row, number_cells
from diagnostics.forms import PoolingFilterForm, RegionFilterForm
from diagnostics.models import (
    Action,
    Audience,
    Axis,
    Question,
    Questionnaire,
    Training,
    TrainingSession,
)
from diagnostics.network import NetworkDepartment, network_department_list
from diagnostics.selectors.bilan import sessions_by_department

POOLING_PER_PAGE = 50


def pooling_rows(clusters):
    """The clusters as CSV rows, one at a time (the export is streamed)."""
    yield [
        _("Question"),
        _("Département"),
        _("Offices"),
        _("Noms des offices"),
        _("Départements voisins"),
    ]
    for c in clusters:
        yield [
            f"{c.question.code} — {c.question.text}",
            str(c.department),
            len(c.offices),
            c.names,
            ", ".join(f"{d}\u00a0: {n}" for d, n in c.neighbours),
        ]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    """Only the summary page: an action's content stays the office's own."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="diagnostics_action_changelist"),
            path("mutualisation/", view(self.pooling_view), name="diagnostics_action_pooling"),
        ]

    def pooling_view(self, request):
        """« Mutualisation »: per question, how many clusters of offices by department share
        a weak answer; the clusters themselves (names, neighbours) once a region, a department or a
        question is chosen, a page at a time. ?format=csv exports every cluster chosen."""
        if not request.user.has_perm("diagnostics.view_office"):
            raise PermissionDenied
        campaign = campaign_for(request)
        if campaign is None:
            return self._pooling_page(request, {"campaign": None})
        questions = selectors.pooling_questions(campaign.questionnaire)
        network = network_department_list()
        form = PoolingFilterForm(request.GET, departments=network, questions=questions)
        departments = form.department_codes()
        in_area, counts = selectors.pooling_groups(campaign, departments, questions)
        codes = form.question_codes()
        groups = [g for g in in_area if codes is None or g.question.code in codes]
        if request.GET.get("format") == "csv":
            return spreadsheets.csv_response(
                pooling_rows(selectors.pooling_clusters(groups, counts, network)),
                f"snut-mutualisation-{slugify(campaign.name)}.csv",
            )
        chosen = any(form.filters().values())
        page = Paginator(groups, POOLING_PER_PAGE).get_page(request.GET.get("page"))
        clusters = selectors.pooling_clusters(page.object_list, counts, network) if chosen else []
        return self._pooling_page(
            request,
            {
                "campaign": campaign,
                "form": form,
                "summary": selectors.pooling_summary(in_area),
                "chosen": chosen,
                "area_chosen": departments is not None,
                "page": page if chosen else None,
                "clusters": clusters,
                "cluster_rows": cluster_rows(clusters),
            },
        )

    def _pooling_page(self, request, context):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mutualisation"),
            "opts": self.model._meta,
            **context,
        }
        return TemplateResponse(request, "admin/diagnostics/action/pooling.html", context)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Plans d’action des offices"),
            "opts": self.model._meta,
            "rows": selectors.action_counts_by_axis(),
        }
        return TemplateResponse(request, "admin/diagnostics/action/summary.html", context)


class TrainingSessionInline(LabelledStackedInline):
    # Seven fields, two of them a date and a time: in a table they widen the page past a
    # 1366 px screen; stacked, each has its own label.
    model = TrainingSession
    fields = ["starts", "ends", "office", "place", "video_link", "capacity", "facilitator"]
    formfield_overrides = FORMFIELD_OVERRIDES
    raw_id_fields = ["office"]
    extra = 1


class OrganiserFilter(admin.SimpleListFilter):
    """The network's catalogue, or the workshops offices added for their businesses."""

    title = gettext_lazy("organisateur")
    parameter_name = "organisateur"

    def lookups(self, request, model_admin):
        return [("reseau", _("Catalogue du réseau")), ("offices", _("Ateliers d’un office"))]

    def queryset(self, request, queryset):
        if self.value() == "reseau":
            return queryset.filter(organiser__isnull=True)
        if self.value() == "offices":
            return queryset.filter(organiser__isnull=False)
        return queryset


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    """The catalogue, managed by the network staff; priorities match it by question code.

    Offices' own workshops show here too (organiser column and filter): staff read them.
    """

    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["title", "format", "duration", "audience", "organiser_name", "next_session"]
    list_filter = ["audience", OrganiserFilter, "format", "axes__code"]
    list_select_related = ["organiser"]
    search_fields = ["title", "description"]
    filter_horizontal = ["axes", "questions"]
    inlines = [TrainingSessionInline]
    change_list_template = "admin/diagnostics/training/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("besoins/", view(self.needs_view), name="diagnostics_training_needs"),
            path(
                "besoins/export.<slug:fmt>",
                view(self.needs_export),
                name="diagnostics_training_needs_export",
            ),
            *super().get_urls(),
        ]

    def _needs(self, request):
        if not request.user.has_perm("diagnostics.view_training"):
            raise PermissionDenied
        campaign = campaign_for(request)
        network = network_department_list()
        form = RegionFilterForm(request.GET, departments=network)
        region = form.filters()["region"]
        departments, needs = (
            selectors.training_needs(campaign, region, network) if campaign else ([], [])
        )
        return campaign, form, departments, needs

    def needs_view(self, request):
        """« Besoins de formation »: where to schedule the next sessions; by region for a
        national network, by department within a region."""
        campaign, form, departments, needs = self._needs(request)
        columns = selectors.training_needs_columns(departments)
        year = timezone.localdate().year
        rows, shown = [], {}  # each number localised once
        for need in needs:
            counts = [
                sum(need.by_department.get(code, 0) for code in codes) for _c, codes in columns
            ]
            rows.append((need, counts, need_row(need, number_cells(counts, shown))))
        sessions = sessions_by_department(year, form.filters()["region"])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Besoins de formation"),
            # Beside the needs, what the offices did with their businesses this year.
            "sessions_year": year,
            "sessions_by_department": sessions,
            "sessions_rows": [
                (d, number_cells([d.offices, d.sessions, d.registered, d.attended], shown))
                for d in sessions
            ],
            "opts": self.model._meta,
            "campaign": campaign,
            "form": form,
            "chosen": any(form.filters().values()),
            "columns": [column for column, _codes in columns],
            "by_region": bool(columns) and not isinstance(columns[0][0], NetworkDepartment),
            "rows": rows,
        }
        return TemplateResponse(request, "admin/diagnostics/training/needs.html", context)

    def needs_export(self, request, fmt):
        if fmt not in spreadsheets.FORMATS:
            raise Http404
        campaign, _form, departments, needs = self._needs(request)
        if campaign is None:
            raise Http404

        def rows():
            yield [
                _("Formation"),
                _("Format"),
                _("Prochaine session"),
                _("Offices concernés"),
                *[str(d) for d in departments],
            ]
            for need in needs:
                session = need.training.upcoming[0] if need.training.upcoming else None
                yield [
                    need.training.title,
                    need.training.get_format_display(),
                    f"{date_format(timezone.localtime(session.starts))}, {session.where}"
                    if session
                    else "",
                    need.total,
                    *[need.by_department.get(d.code, 0) for d in departments],
                ]

        filename = f"snut-besoins-de-formation-{slugify(campaign.name)}.{fmt}"
        if fmt == "csv":
            return spreadsheets.csv_response(rows(), filename)
        return spreadsheets.xlsx_response(rows(), filename, _("Besoins de formation"))

    def get_queryset(self, request):
        upcoming = Q(sessions__starts__gte=timezone.now(), sessions__cancelled_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(next_starts=Min("sessions__starts", filter=upcoming))
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The latest published questionnaires' axes and questions (offices' and
        # businesses'): the codes carry over from one version to the next.
        latest = [
            *Questionnaire.objects.latest(Audience.OFFICES).values_list("pk", flat=True),
            *Questionnaire.objects.latest(Audience.BUSINESSES).values_list("pk", flat=True),
        ]
        if db_field.name == "axes":
            kwargs["queryset"] = Axis.objects.filter(questionnaire__in=latest)
        elif db_field.name == "questions":
            kwargs["queryset"] = Question.objects.filter(questionnaire__in=latest)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("organisateur"), ordering="organiser__name")
    def organiser_name(self, obj):
        return obj.organiser.name if obj.organiser else _("Réseau")

    @admin.display(description=_("prochaine session"), ordering="next_starts")
    def next_session(self, obj):
        return date_format(timezone.localtime(obj.next_starts)) if obj.next_starts else "—"
