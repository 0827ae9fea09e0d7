"""The staff's analysis pages beside the office list: comparison of offices, one office's
evolution, the regional dashboard and the exports. All of them look at one campaign, chosen
with the list's « campagne » filter (default: the latest network campaign).

An export is written by a background task (diagnostics.services.exports); the staff member
downloads it from « Mes exports » once it is ready.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics import access, selectors, spreadsheets
from diagnostics.admin.compare_rows import comparison_rows
from diagnostics.french import of
from diagnostics.models import Audience, Campaign, Export, MaturityLevel, Office, Questionnaire
from diagnostics.selectors import regional
from diagnostics.selectors.targets import judged_in_evolution
from diagnostics.services import exports as export_services
from snut import page_memo

CAMPAIGN_PARAM = "campagne"
COMPARE_COUNT_ERROR = gettext_lazy(
    "Sélectionnez de 2 à {max} offices à comparer (vous en avez choisi {count})."
)
# « Mes exports » reloads itself this often while an export is being written, unless
# the staff member stops it (?actualiser=non): WCAG 2.2.1 lets a user turn a timing off.
EXPORTS_REFRESH_SECONDS = 5
NO_REFRESH_PARAM = "actualiser"
EXPORTS_PER_PAGE = 20


def campaign_for(request) -> Campaign | None:
    """The campaign the staff member is looking at: ?campagne=<id>, else the latest. The
    same for every reader: kept until a campaign or questionnaire is written (page_memo.kept),
    as are the campaign's axes and levels (axes_for, levels_for)."""
    if not hasattr(request, "_snut_campaign"):
        value = access.parse_id(request.GET.get(CAMPAIGN_PARAM))
        request._snut_campaign = page_memo.kept(
            f"staff-campaign:{value or ''}", lambda: chosen_campaign(value)
        )
    return request._snut_campaign


def chosen_campaign(value: int | None) -> Campaign | None:
    campaigns = Campaign.objects.network().select_related("questionnaire").order_by("-opens", "-pk")
    chosen = campaigns.filter(pk=value).first() if value else None
    return chosen or campaigns.first()


def filters_description(changelist, count: int) -> str:
    """The office list's chosen filters and search in words, for « Mes exports »."""
    parts = []
    for spec in changelist.filter_specs:
        if getattr(spec, "parameter_name", "") == CAMPAIGN_PARAM:
            continue  # the export records its campaign apart
        choices = list(spec.choices(changelist))[1:]  # the first one is « Tout »
        parts += [f"{capfirst(spec.title)}\u00a0: {c['display']}" for c in choices if c["selected"]]
    if changelist.query:
        parts.append(_("recherche « %(terms)s »") % {"terms": changelist.query})
    parts.append(_("%(count)s offices") % {"count": count})
    return " · ".join(parts)


def axes_for(request):
    if not hasattr(request, "_snut_axes"):
        campaign = campaign_for(request)
        request._snut_axes = (
            page_memo.kept(
                f"campaign-axes:{campaign.questionnaire_id}",
                lambda: regional.campaign_axes(campaign),
            )
            if campaign
            else []
        )
    return request._snut_axes


def levels_for(request) -> tuple[list[MaturityLevel], list[MaturityLevel]]:
    """The levels of the chosen campaign's questionnaire and of the latest business
    questionnaire, lowest first, which colour the scores: one query."""
    if not hasattr(request, "_snut_levels"):
        campaign = campaign_for(request)
        office_questionnaire = campaign.questionnaire_id if campaign else None
        request._snut_levels = page_memo.kept(
            f"staff-levels:{office_questionnaire or ''}", lambda: both_levels(office_questionnaire)
        )
    return request._snut_levels


def both_levels(office_questionnaire: int | None):
    businesses = Questionnaire.objects.latest(Audience.BUSINESSES).values("pk")
    levels = MaturityLevel.objects.filter(
        Q(questionnaire_id=office_questionnaire) | Q(questionnaire__in=businesses)
    ).order_by("lower_bound", "pk")
    return (
        [lv for lv in levels if lv.questionnaire_id == office_questionnaire],
        [lv for lv in levels if lv.questionnaire_id != office_questionnaire],
    )


class OfficeAnalyticsMixin:
    """The office admin's compare action and its pages of its own (comparer/,
    tableau-de-bord/, export/…)."""

    actions = ["compare"]

    @admin.action(description=gettext_lazy("Comparer les offices sélectionnés (2 à 12)"))
    def compare(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[: regional.MAX_COMPARED + 1])
        if not 2 <= len(ids) <= regional.MAX_COMPARED:
            self.message_user(
                request,
                str(COMPARE_COUNT_ERROR).format(max=regional.MAX_COMPARED, count=queryset.count()),
                messages.ERROR,
            )
            return None
        campaign = campaign_for(request)
        query = f"{CAMPAIGN_PARAM}={campaign.pk}&offices={','.join(map(str, ids))}"
        return redirect(f"{reverse('admin:diagnostics_office_compare')}?{query}")

    # --- pages of our own inside the admin ----------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("comparer/", view(self.compare_view), name="diagnostics_office_compare"),
            path(
                "tableau-de-bord/", view(self.dashboard_view), name="diagnostics_office_dashboard"
            ),
            path(
                "export/<slug:kind>.<slug:fmt>",
                view(self.export_view),
                name="diagnostics_office_export",
            ),
            path("exports/", view(self.exports_view), name="diagnostics_office_exports"),
            path(
                "exports/<int:export_id>/",
                view(self.export_download_view),
                name="diagnostics_office_export_download",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "campaigns": Campaign.objects.network().order_by("-opens", "-pk"),
            **extra,
        }

    def _refuse(self, request, message):
        self.message_user(request, message, messages.ERROR)
        return redirect("admin:diagnostics_office_changelist")

    def compare_view(self, request):
        if not self.has_view_permission(request):
            return self._refuse(request, _("Vous n’avez pas accès aux offices."))
        campaign = campaign_for(request)
        if campaign is None:
            return self._refuse(
                request, _("Aucune campagne : créez-en une pour comparer des offices.")
            )
        evolution = request.GET.get("evolution", "")
        if evolution:
            office_id = access.parse_id(evolution)
            office = Office.objects.filter(pk=office_id).first() if office_id else None
            if office is None:
                return self._refuse(request, _("Cet office n’existe pas."))
            diagnostics = list(
                selectors.latest_submitted()
                .filter(organisation=office, questionnaire__abbreviates__isnull=True)
                .select_related("campaign", "overall_level")
                .order_by("campaign__opens")[: regional.MAX_COMPARED]
            )
            if not diagnostics:
                return self._refuse(request, _("Cet office n’a encore soumis aucun diagnostic."))
            campaign = diagnostics[-1].campaign
            comparison = regional.evolution(diagnostics)
            judged_in_evolution(diagnostics, comparison.rows)
            title = _("Évolution %(of_office)s") % {"of_office": of(office.name)}
        else:
            raw = [part for part in request.GET.get("offices", "").split(",") if part]
            ids = {access.parse_id(part) for part in raw}
            if None in ids or not 2 <= len(ids) <= regional.MAX_COMPARED:
                return self._refuse(
                    request,
                    str(COMPARE_COUNT_ERROR).format(max=regional.MAX_COMPARED, count=len(ids)),
                )
            offices = list(Office.objects.filter(pk__in=ids).order_by("name"))
            if len(offices) != len(ids):
                return self._refuse(request, _("Certains offices demandés n’existent pas."))
            latest = {
                d.organisation_id: d
                for d in selectors.latest_submitted()
                .filter(campaign=campaign, organisation__in=offices)
                .select_related("overall_level")
            }
            entries = [(o.name, latest.get(o.pk)) for o in offices]
            title = _("Comparaison de %(count)s offices") % {"count": len(offices)}
            comparison = regional.comparison(campaign, entries)
        body_rows, foot_row = comparison_rows(comparison, bool(evolution))
        return TemplateResponse(
            request,
            "admin/diagnostics/office/compare.html",
            self._context(
                request,
                title,
                comparison=comparison,
                campaign=comparison.campaign,
                evolution=bool(evolution),
                body_rows=body_rows,
                foot_row=foot_row,
            ),
        )

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            return self._refuse(request, _("Vous n’avez pas accès aux offices."))
        campaign = campaign_for(request)
        if campaign is None:
            return self._refuse(
                request, _("Aucune campagne : créez-en une pour voir le tableau de bord.")
            )
        dashboard = regional.dashboard(campaign)
        if dashboard.awaited:  # the figures of the submission's task come in a moment
            page_memo.not_kept(request)
        return TemplateResponse(
            request,
            "admin/diagnostics/office/dashboard.html",
            self._context(
                request,
                _("Tableau de bord régional — %(campaign)s") % {"campaign": campaign.name},
                dashboard=dashboard,
                campaign=campaign,
                snut_query=request.GET.urlencode(),
                export_query=f"{CAMPAIGN_PARAM}={campaign.pk}",
            ),
        )

    def export_view(self, request, kind, fmt):
        """Records the export of the list's filtered offices and has a task write it."""
        if not self.has_view_permission(request):
            return self._refuse(request, _("Vous n’avez pas accès aux offices."))
        if kind not in spreadsheets.KINDS or fmt not in spreadsheets.FORMATS:
            return self._refuse(request, _("Cet export n’existe pas."))
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        campaign = campaign_for(request)
        if campaign is None:
            return self._refuse(request, _("Aucune campagne à exporter."))
        # The office list's own filters and search select the offices, in its order.
        changelist = self.get_changelist_instance(request)
        office_ids = list(changelist.get_queryset(request).values_list("pk", flat=True))
        export = export_services.export_request(
            user=request.user,
            kind=kind,
            fmt=fmt,
            campaign=campaign,
            office_ids=office_ids,
            filters=filters_description(changelist, len(office_ids)),
        )
        export.refresh_from_db(fields=["status"])
        if export.status == Export.Status.READY:
            self.message_user(request, _("Votre export est prêt."), messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("Export demandé : il apparaîtra ci-dessous dès qu’il sera prêt."),
                messages.INFO,
            )
        return redirect("admin:diagnostics_office_exports")

    def exports_view(self, request):
        """« Mes exports »: the staff member's exports, reloaded while one is being written."""
        if not self.has_view_permission(request):
            return self._refuse(request, _("Vous n’avez pas accès aux offices."))
        mine = export_services.exports_of(request.user)
        # A page of them, newest first: a page as long whatever they asked for within
        # EXPORT_MAX_AGE_DAYS (any page number typed in gives the first or the last page).
        page = Paginator(mine, EXPORTS_PER_PAGE).get_page(request.GET.get("page"))
        waiting = (Export.Status.PENDING, Export.Status.RUNNING)
        pending = mine.filter(status__in=waiting).exists()  # on this page or another
        return TemplateResponse(
            request,
            "admin/diagnostics/office/exports.html",
            self._context(
                request,
                _("Mes exports"),
                exports=page.object_list,
                page=page,
                pending=pending,
                refresh=pending and request.GET.get(NO_REFRESH_PARAM) != "non",
                refresh_seconds=EXPORTS_REFRESH_SECONDS,
                max_age_days=settings.EXPORT_MAX_AGE_DAYS,
            ),
        )

    def export_download_view(self, request, export_id):
        """The file of a ready export: its requester's, or any for a superuser."""
        if not self.has_view_permission(request):
            return self._refuse(request, _("Vous n’avez pas accès aux offices."))
        export = export_services.export_for_download(user=request.user, export_id=export_id)
        if export is None:
            self.message_user(
                request, _("Cet export n’existe pas ou n’est pas prêt."), messages.ERROR
            )
            return redirect("admin:diagnostics_office_exports")
        try:
            handle = default_storage.open(export.file, "rb")
        except FileNotFoundError:
            self.message_user(
                request,
                _("Le fichier de cet export a disparu : demandez-le à nouveau."),
                messages.ERROR,
            )
            return redirect("admin:diagnostics_office_exports")
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=export_services.export_filename(export),
            content_type=spreadsheets.CONTENT_TYPES[export.format],
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
