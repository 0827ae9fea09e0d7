"""The office's businesses: list, add, edit, CSV import, business campaign, invitations.

Only the office's director, or a member the director allowed
(Membership.can_manage_businesses), reach these pages: another member gets
403; another office's member, network staff, 404 as for any office not theirs.
"""

import io
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from diagnostics import access, selectors, services
from diagnostics.business_import import ImportRefused
from diagnostics.forms import BusinessCampaignForm, BusinessForm, BusinessImportForm
from diagnostics.models import Business, Organisation
from diagnostics.services import messages_progress

STATUS_LABELS = {
    "none": gettext_lazy("pas encore invité"),
    "invited": gettext_lazy("invité"),
    "opened": gettext_lazy("lien ouvert"),
    "started": gettext_lazy("commencé"),
    "submitted": gettext_lazy("soumis"),
    "revoked": gettext_lazy("lien désactivé"),
}
# Keys of selectors.BUSINESS_ORDERINGS.
ORDER_LABELS = {
    "nom": gettext_lazy("nom"),
    "commune": gettext_lazy("commune"),
    "activite": gettext_lazy("activité"),
}
BUSINESSES_PER_PAGE = 50
IMPORT_SESSION_PREFIX = "business-import:"
PROGRESS_RELOAD_SECONDS = 10
IMPORT_EXPIRED = gettext_lazy(
    "Cet aperçu n’est plus disponible (déjà importé ou expiré) : déposez à nouveau le fichier."
)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
def businesses(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    campaign = services.business_campaign_current(office)
    segment = request.GET.get("activite", "")
    status = request.GET.get("statut", "")
    segments = {s.value: s.label for s in Organisation.BUSINESS_SEGMENTS}
    segment = segment if segment in segments else ""
    status = status if status in STATUS_LABELS else ""
    order = request.GET.get("tri", "")
    order = order if order in ORDER_LABELS else "nom"
    page = Paginator(
        selectors.office_businesses(office, campaign, segment=segment, status=status, order=order),
        BUSINESSES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.status_label = STATUS_LABELS[row.status]
    context = {
        "office": office,
        "campaign": campaign,
        "campaign_open": campaign is not None and campaign.is_open(),
        "businesses": rows,
        "page": page,
        "segments": segments,
        "statuses": STATUS_LABELS,
        "orders": ORDER_LABELS,
        "segment": segment,
        "status": status,
        "order": order,
        "filtered": bool(segment or status),
        "campaign_form": BusinessCampaignForm(),
    }
    return render(request, "diagnostics/businesses/list.html", context)


def _business_form_page(request, office, form, business=None, status=200):
    context = {"office": office, "form": form, "business": business}
    return render(request, "diagnostics/businesses/edit.html", context, status=status)


@login_required
def business_add(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    form = BusinessForm(request.POST or None)
    if request.method != "POST":
        return _business_form_page(request, office, form)
    if not form.is_valid():
        return _business_form_page(request, office, form, status=400)
    try:
        business = services.business_create(office=office, **form.cleaned_data)
    except services.ServiceError as error:
        form.add_error(None, error)
        return _business_form_page(request, office, form, status=error.status)
    messages.success(request, _("« %(name)s » ajouté à vos prestataires.") % {"name": business})
    return redirect("diagnostics:businesses", slug=office.slug)


@login_required
def business_edit(request, slug, pk):
    office = access.office_for_business_manager(request.user, slug)
    business = get_object_or_404(Business.objects.all(), pk=pk, parent=office)
    initial = {name: getattr(business, name) for name in services.businesses.BUSINESS_FIELDS}
    form = BusinessForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _business_form_page(request, office, form, business)
    if not form.is_valid():
        return _business_form_page(request, office, form, business, status=400)
    try:
        services.business_update(business=business, **form.cleaned_data)
    except services.ServiceError as error:
        form.add_error(None, error)
        return _business_form_page(request, office, form, business, status=error.status)
    messages.success(request, _("Fiche de « %(name)s » enregistrée.") % {"name": business})
    return redirect("diagnostics:businesses", slug=office.slug)


# --- CSV import ---------------------------------------------------------------------


class CsvUploadHandler(FileUploadHandler):
    """Keeps an uploaded CSV in memory, never more than the import's limit (+1 byte, so
    that the parser says the file is too big)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer, self.limit = io.BytesIO(), settings.BUSINESS_IMPORT_MAX_BYTES + 1

    def receive_data_chunk(self, raw_data, start):
        room = self.limit - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            self.buffer.getbuffer().nbytes,
            self.charset,
        )


@login_required
@csrf_exempt  # checked below, once this page's upload handler is in place
def businesses_import(request, slug):
    request.upload_handlers = [CsvUploadHandler(request)]
    return _businesses_import(request, slug)


@csrf_protect
def _businesses_import(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    form = BusinessImportForm(request.POST or None, request.FILES or None)
    context = {"office": office, "form": form}
    if request.method != "POST":
        return render(request, "diagnostics/businesses/import.html", context)
    if not form.is_valid():
        return render(request, "diagnostics/businesses/import.html", context, status=400)
    try:
        rows = services.businesses_import_preview(
            office=office, content=form.cleaned_data["file"].read()
        )
    except ImportRefused as error:
        form.add_error("file", str(error))
        return render(request, "diagnostics/businesses/import.html", context, status=400)
    created = [row for row in rows if row.is_valid and not row.duplicate_of]
    key = uuid.uuid4().hex
    # Single use: the confirmation pops it; bound to the office it was made for.
    request.session[IMPORT_SESSION_PREFIX + key] = {
        "office": office.pk,
        "rows": [row.as_dict() for row in created],
    }
    context.update(
        {
            "key": key,
            "created": created,
            "duplicates": [row for row in rows if row.is_valid and row.duplicate_of],
            "invalid": [row for row in rows if not row.is_valid],
            "segments": {s.value: s.label for s in Organisation.BUSINESS_SEGMENTS},
        }
    )
    return render(request, "diagnostics/businesses/import_preview.html", context)


@login_required
@require_POST
def businesses_import_confirm(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    key = request.POST.get("key", "")
    stored = request.session.pop(IMPORT_SESSION_PREFIX + key, None) if key.isalnum() else None
    if not stored or stored.get("office") != office.pk:
        messages.error(request, IMPORT_EXPIRED)
        return redirect("diagnostics:businesses_import", slug=office.slug)
    created = services.businesses_import(office=office, rows=stored["rows"])
    messages.success(
        request,
        ngettext("%(count)s prestataire importé.", "%(count)s prestataires importés.", len(created))
        % {"count": len(created)},
    )
    return redirect("diagnostics:businesses", slug=office.slug)


# --- the business campaign and its invitations ----------------------------------------


@login_required
@require_POST
def business_campaign_open(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    form = BusinessCampaignForm(request.POST)
    if form.is_valid():
        try:
            campaign = services.business_campaign_open(office=office, **form.cleaned_data)
        except services.ServiceError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Campagne « %(name)s » ouverte : invitez maintenant vos prestataires.")
                % {"name": campaign.name},
            )
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(
            request, _("Campagne non ouverte : %(errors)s") % {"errors": " ".join(errors)}
        )
    return redirect("diagnostics:businesses", slug=office.slug)


@login_required
@require_POST
def businesses_invite(request, slug):
    """Sends the personal links of the chosen businesses, or of all not yet invited."""
    office = access.office_for_business_manager(request.user, slug)
    campaign = services.business_campaign_current(office)
    if campaign is None:
        messages.error(request, _("Ouvrez d’abord une campagne auprès de vos prestataires."))
        return redirect("diagnostics:businesses", slug=office.slug)
    if request.POST.get("uninvited") == "1":
        chosen = selectors.office_businesses(office, campaign, status="none")
    else:
        ids = {access.parse_id(value) for value in request.POST.getlist("business")}
        chosen = list(Business.objects.filter(parent=office, pk__in=ids - {None}))
    chosen = [business for business in chosen if business.email]
    if not chosen and request.POST.get("uninvited") == "1":
        messages.info(
            request, _("Tous vos prestataires qui ont une adresse e-mail ont déjà reçu leur lien.")
        )
        return redirect("diagnostics:businesses", slug=office.slug)
    if not chosen:
        messages.error(request, _("Choisissez au moins un prestataire qui a une adresse e-mail."))
        return redirect("diagnostics:businesses", slug=office.slug)
    try:
        batch_id = services.business_invitations_send(
            campaign=campaign, businesses=chosen, base_url=_base_url(request)
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:businesses", slug=office.slug)
    return redirect("diagnostics:businesses_progress", slug=office.slug, batch=batch_id)


@login_required
def businesses_progress(request, slug, batch):
    office = access.office_for_business_manager(request.user, slug)
    if not batch.startswith(f"businesses-{office.pk}-"):
        raise PermissionDenied(_(access.NOT_MANAGER))
    progress = messages_progress(batch_id=batch)
    done = progress is None or progress["state"] in ("sent", "failed")
    percent = (
        round(100 * progress["sent"] / progress["total"]) if progress and progress["total"] else 100
    )
    if request.GET.get("format") == "json":
        label = _("%(sent)s / %(total)s envoyés") % progress if progress else ""
        return JsonResponse({"done": done, "percent": percent, "label": label})
    context = {
        "office": office,
        "progress": progress,
        "done": done,
        "percent": percent,
        "list_url": reverse("diagnostics:businesses", args=[office.slug]),
        # Without JavaScript the page reloads itself while the batch runs, unless the
        # reader stops it (WCAG 2.2.1: a reload the reader can turn off).
        "reload_seconds": PROGRESS_RELOAD_SECONDS,
        "reload": not done and request.GET.get("actualiser") != "non",
    }
    return render(request, "diagnostics/businesses/progress.html", context)


def _business_link(request, slug, pk):
    office = access.office_for_business_manager(request.user, slug)
    business = get_object_or_404(Business.objects.all(), pk=pk, parent=office)
    return office, business, services.business_campaign_current(office)


@login_required
@require_POST
def businesses_link_resend(request, slug, pk):
    office, business, campaign = _business_link(request, slug, pk)
    if campaign is None:
        messages.error(request, _("Ouvrez d’abord une campagne auprès de vos prestataires."))
        return redirect("diagnostics:businesses", slug=office.slug)
    try:
        services.business_invitations_send(
            campaign=campaign, businesses=[business], base_url=_base_url(request)
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Nouveau lien envoyé à « %(name)s » : l’ancien ne fonctionne plus.")
            % {"name": business.name},
        )
    return redirect("diagnostics:businesses", slug=office.slug)


@login_required
@require_POST
def businesses_link_revoke(request, slug, pk):
    office, business, campaign = _business_link(request, slug, pk)
    link = (
        business.links.filter(campaign=campaign, revoked_at__isnull=True).first()
        if campaign
        else None
    )
    if link is None:
        messages.error(request, _("« %(name)s » n’a pas de lien actif.") % {"name": business.name})
    else:
        services.business_link_revoke(link=link)
        messages.success(
            request,
            _("Lien de « %(name)s » désactivé : ses réponses sont conservées.")
            % {"name": business.name},
        )
    return redirect("diagnostics:businesses", slug=office.slug)
