"""The data subjects' rights, as « Données personnelles » states them.

- A business, from its personal link: « Télécharger mes réponses » (CSV or JSON) and
  « Effacer mon diagnostic et mes coordonnées » after a confirmation page. An expired
  link still opens these two pages (the rights outlive the campaign); a revoked or
  unknown one is refused as every business page refuses it.
- The office, for one of its businesses, from the business's page in « Prestataires »:
  the erasure, and a download that holds the answers and scores only of what the
  business shared with it (who manages the businesses only: 403 otherwise).
- The office's director: a ZIP of everything SNUT holds about the office.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from diagnostics import access, personal_data, services
from diagnostics.models import Business, BusinessLink, Membership
from diagnostics.services.personal_data import business_erase
from diagnostics.tokens import token_hash
from diagnostics.views.link_pages import refused

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
NOT_DIRECTOR = gettext_lazy("Seule la direction de l’office télécharge toutes ses données.")


def _download(business, fmt: str, *, for_office: bool = False) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("Format inconnu : choisissez CSV ou JSON."))
    business = personal_data.business_for_copy(business.pk)
    copy = personal_data.business_copy(business, for_office=for_office)
    content = copy.csv_bytes() if fmt == "csv" else copy.json_bytes()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    name = slugify(business.name) or "prestataire"
    response["Content-Disposition"] = f'attachment; filename="snut-{name}-donnees.{fmt}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def rights_page(view):
    """Opens the token's link as every business page does, except that an expired link
    still opens: a business keeps its rights once its campaign is over."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        request.business_page = True
        try:
            link = services.business_link_open(token=token)
        except ValidationError as error:
            link = None
            if error.code == "expired":
                link = (
                    BusinessLink.objects.select_related("business__parent", "campaign")
                    .filter(token_hash=token_hash(token), revoked_at__isnull=True)
                    .first()
                )
            if link is None:
                response = refused(request, error)
                patch_cache_control(response, private=True, no_store=True)
                return response
        request.business_office = link.business.parent
        response = view(request, link, token, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


@rights_page
def business_data_download(request, link: BusinessLink, token: str, fmt: str):
    return _download(link.business, fmt)


@require_http_methods(["GET", "POST"])
@rights_page
def business_data_erase(request, link: BusinessLink, token: str):
    business, office = link.business, link.business.parent
    if request.method == "POST":
        business_erase(business=business)
        return render(request, "diagnostics/business_link/erased.html", {"office": office})
    context = {
        "business": business,
        "office": office,
        "token": token,
        "diagnostics": business.diagnostics.count(),
    }
    return render(request, "diagnostics/business_link/erase.html", context)


# --- the office, for one of its businesses -------------------------------------------


def _office_business(request, slug, pk):
    office = access.office_for_business_manager(request.user, slug)
    return office, get_object_or_404(Business.objects.all(), pk=pk, parent=office)


@login_required
def office_business_data_download(request, slug, pk, fmt):
    _office, business = _office_business(request, slug, pk)
    return _download(business, fmt, for_office=True)


@login_required
@require_http_methods(["GET", "POST"])
def office_business_data_erase(request, slug, pk):
    office, business = _office_business(request, slug, pk)
    if request.method == "POST":
        name = business.name
        business_erase(business=business)
        messages.success(
            request,
            _("« %(name)s » est effacé : ses coordonnées, ses liens et ses réponses.")
            % {"name": name},
        )
        return redirect("diagnostics:businesses", slug=office.slug)
    context = {
        "business": business,
        "office": office,
        "diagnostics": business.diagnostics.count(),
    }
    return render(request, "diagnostics/businesses/erase.html", context)


# --- the office's director --------------------------------------------------------------


@login_required
def office_data_zip(request, slug):
    office = access.office_for_member(request.user, slug)
    if office.member_role != Membership.Role.DIRECTOR:
        raise PermissionDenied(NOT_DIRECTOR)
    response = HttpResponse(personal_data.office_zip(office), content_type="application/zip")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="snut-{office.slug}-donnees-{day}.zip"'
    patch_cache_control(response, private=True, no_store=True)
    return response
