"""The workshops' impact for an office: re-inviting attendees to update their diagnostic, and
the yearly « Bilan de l'animation numérique » (PDF, CSV, XLSX)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from diagnostics import access, report
from diagnostics.display import score
from diagnostics.formatting import shown
from diagnostics.selectors import bilan as bilans
from diagnostics.selectors import impact
from diagnostics.services import rediagnosis
from diagnostics.services.businesses import business_campaign_current
from diagnostics.services.errors import ServiceError
from diagnostics.spreadsheets import csv_response, xlsx_response
from diagnostics.views.businesses import _base_url

BILAN_TEMPLATE = "diagnostics/report/bilan.html"
FEWER = gettext_noop("moins de 5 prestataires")


@login_required
def rediagnosis_page(request, slug):
    """The attendees due a re-diagnosis, the office's delay, and the invitation."""
    office = access.office_for_business_manager(request.user, slug)
    today = timezone.localdate()
    campaign = business_campaign_current(office, today)
    due = impact.rediagnosis_due(office, campaign, today)
    return render(
        request,
        "diagnostics/rediagnosis.html",
        {
            "office": office,
            "campaign": campaign,
            "campaign_open": campaign is not None and campaign.is_open(today),
            "due": due,
            "invitable": [d for d in due if d.can_invite],
            "delays": office._meta.get_field("rediagnosis_months").choices,
        },
    )


@login_required
@require_POST
def rediagnosis_delay(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    months = access.parse_id(request.POST.get("months"))
    try:
        rediagnosis.rediagnosis_delay_set(office=office, months=months or 0)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:rediagnosis", slug=office.slug)
    messages.success(
        request,
        _("Vos participants seront réinvités %(months)s mois après leur atelier.")
        % {"months": office.rediagnosis_months},
    )
    return redirect("diagnostics:rediagnosis", slug=office.slug)


@login_required
@require_POST
def rediagnosis_invite(request, slug):
    office = access.office_for_business_manager(request.user, slug)
    ids = [access.parse_id(value) for value in request.POST.getlist("business")]
    if None in ids:
        messages.error(request, _(rediagnosis.REDIAGNOSIS_UNKNOWN))
        return redirect("diagnostics:rediagnosis", slug=office.slug)
    try:
        batch_id, _count = rediagnosis.rediagnosis_invite(
            office=office, business_ids=ids, base_url=_base_url(request)
        )
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:rediagnosis", slug=office.slug)
    return redirect("diagnostics:businesses_progress", slug=office.slug, batch=batch_id)


# --- the yearly bilan --------------------------------------------------------------


def bilan_rows(b: bilans.Bilan):
    """The bilan's figures as a table: section, figure, value (and a detail)."""
    section = _("Prestataires diagnostiqués")
    yield [_("Rubrique"), _("Indicateur"), _("Valeur"), _("Précision")]
    yield [section, _("Prestataires ayant envoyé un diagnostic"), b.diagnosed, ""]
    yield [section, _("Score global médian"), _whole(b.median), ""]
    for s in b.segments:
        median = _("médiane %(m)s") % {"m": score(s.median)} if s.shown else _(FEWER)
        yield [section, s.label, s.count, median]
    section = _("Ateliers")
    yield [section, _("Sessions tenues"), b.sessions, ""]
    yield [section, _("Sessions annulées"), b.cancelled, ""]
    yield [section, _("Inscriptions"), b.registered, ""]
    yield [section, _("Sur liste d’attente"), b.waiting, ""]
    yield [section, _("Présents"), b.attended, _percent(b.attendance_percent)]
    for w in b.workshops:
        detail = _("%(s)s session(s), %(r)s inscrits, %(a)s présents") % {
            "s": w.sessions,
            "r": w.registered,
            "a": w.attended,
        }
        yield [section, w.title, w.attended, detail]
    section = _("Satisfaction des participants")
    yield [section, _("Réponses"), b.answered, ""]
    for label, n in b.useful_rows():
        yield [section, _("Atelier utile : %(a)s") % {"a": label}, n, ""]
    for label, n in b.next_step_rows():
        yield [section, _("Et maintenant : %(a)s") % {"a": label}, n, ""]
    if b.evolution:
        section = _("Évolution des scores (sur 100)")
        for label, groups in b.evolution.rows:
            label = label or _("Score global")
            for name, g in zip((_("participants"), _("non-participants")), groups, strict=True):
                shown = g.count >= bilans.MIN_GROUP
                yield [
                    section,
                    f"{label} — {name}",
                    g.points if shown else None,
                    _("%(n)s prestataires, de %(b)s à %(a)s")
                    % {"n": g.count, "b": score(g.before), "a": score(g.after)}
                    if shown
                    else _(FEWER),
                ]
    section = _("Programme de l’année suivante")
    for s in b.next_sessions:
        when = timezone.localtime(s.starts).strftime("%d/%m/%Y %H:%M")
        yield [section, s.title, s.registered, f"{when}, {s.where}"]
    for p in b.proposed:
        yield [section, p.training.title, p.count, _("prestataires concernés")]


def _whole(value) -> int | None:
    return None if value is None else shown(value)


def _percent(value) -> str:
    return "" if value is None else f"{value}\u202f%"


@login_required
def bilan_download(request, slug, year: int, fmt: str):
    office = access.office_for_member(request.user, slug)
    if fmt not in ("pdf", "csv", "xlsx") or year not in bilans.years(office, timezone.localdate()):
        raise Http404
    figures = bilans.bilan(office, year)
    name = f"snut-bilan-animation-numerique-{slugify(office.name)}-{year}"
    if fmt == "csv":
        return csv_response(bilan_rows(figures), f"{name}.csv")
    if fmt == "xlsx":
        return xlsx_response(bilan_rows(figures), f"{name}.xlsx", _("Bilan %(y)s") % {"y": year})
    html = render_to_string(
        BILAN_TEMPLATE,
        {
            "b": figures,
            "min_group": bilans.MIN_GROUP,
            "static_prefix": report.STATIC_PREFIX,
            "generated_at": timezone.localtime(),
        },
        request=request,
    )
    response = HttpResponse(report.pdf_for_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
