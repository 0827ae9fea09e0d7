"""« Mon territoire »: the office's picture of its businesses, its workshop programme and
its own workshops. Members read; the direction manages the office's workshops."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import access, needs, services
from diagnostics.formatting import shown
from diagnostics.forms import WorkshopForm
from diagnostics.models import Audience, Business, Question, Questionnaire, Training
from diagnostics.selectors import bilan, impact, programme, territory
from diagnostics.selectors import sessions as session_selectors
from diagnostics.selectors.territory_rows import ORGANISATIONS, territory_rows
from diagnostics.spreadsheets import csv_response, xlsx_response
from diagnostics.views.kept_parts import filled, kept_part, render_with_part
from snut import page_memo


def _territory(request, slug):
    office = access.office_for_member(request.user, slug)
    campaign = territory.latest_business_campaign(office)
    return office, campaign


def _filters(request, picture) -> dict[str, str]:
    """The activity and level asked for, kept only when they are real choices."""
    segment = request.GET.get("activite", "")
    level = request.GET.get("niveau", "")
    return {
        "segment": segment if segment in Business.BUSINESS_SEGMENTS else "",
        "level": level if level in {str(lv.pk) for lv in picture.levels} else "",
    }


def _kept_page(request, slug, view_name: str, template: str, context):
    """The page below the navigation, the same for every member of the office with the same
    rights (the role, whether they manage the businesses): written once for all of them
    and kept until a table it was drawn from, the membership's and office's on, is written
    (views/kept_parts.py), or what it draws from the office's businesses changes (its key:
    selectors/territory_rows.py). `context(office, campaign)` gives the part's context."""
    with page_memo.recording(always=()) as reads:
        office, campaign = _territory(request, slug)
        # Of the offices' territories the part shows this office's only, and what it draws
        # from its businesses is in its key: another office's work on its businesses, or
        # this office's correction of a commune, an e-mail or a phone, leaves it as it is.
        reads.scope(office.pk, keyed={ORGANISATIONS})
        rows = territory_rows(office)
        role = f"{office.member_role}:{access.manages_businesses(office)}"

        part = kept_part(
            request,
            view_name,
            f"{view_name}:{office.pk}:{role}:{rows.key}",
            f"diagnostics/includes/{template}_body.html",
            lambda: context(office, campaign),
            since=reads,
            # Written meanwhile, the part may hold what the key does not: not kept.
            still=lambda: territory_rows(office).key == rows.key,
        )
    return render_with_part(
        request,
        f"diagnostics/{template}.html",
        {"office": office},
        filled(part, rows.pieces, rows.order),
    )


@login_required
def territory_page(request, slug):
    def context(office, campaign):
        picture = territory.territory(office, campaign) if campaign else None
        filters = _filters(request, picture) if picture else {"segment": "", "level": ""}
        return {
            "office": office,
            "campaign": campaign,
            "t": picture,
            "filters": filters,
            "listed": territory.filter_respondents(picture.respondents, **filters)
            if picture
            else [],
            "segments": [(s, str(Business.Segment(s).label)) for s in Business.BUSINESS_SEGMENTS],
            "min_group": territory.MIN_GROUP,
            "needs": needs.campaign_needs(office, campaign) if campaign else [],
            "observed_needs": needs.observed_needs(office),
            **_impact(office, picture),
        }

    return _kept_page(request, slug, "diagnostics:territory", "territory", context)


def _impact(office, picture) -> dict:
    """The attendees' evolution and their workshops, who is due a re-diagnosis (for who may
    invite them) and the years of the bilan: six queries at most."""
    today = timezone.localdate()
    data = impact.impact_data(office) if picture else None
    due = None
    if picture and access.manages_businesses(office):
        campaign = services.business_campaign_current(office, today)
        due = len(impact.rediagnosis_due(office, campaign, today, data))
    return {
        "evolution": impact.territory_evolution(office, picture.axes, data) if picture else None,
        "attended_workshops": impact.attended_workshops(office, data) if picture else [],
        "rediagnosis_due": due,
        "bilan_years": bilan.years(office, today),
    }


def _business_rows(picture, listed):
    """The consenting businesses, as the page lists them: French headers, whole scores."""
    yield [
        _("Prestataire"),
        _("Activité"),
        _("Commune"),
        _("Score global"),
        _("Niveau global"),
        *[axis.name for axis in picture.axes],
    ]
    for r in listed:
        yield [
            r.name,
            r.segment_label,
            r.commune,
            r.shown_score,
            r.level,
            *[None if r.axes.get(a.code) is None else shown(r.axes[a.code]) for a in picture.axes],
        ]


@login_required
def territory_export(request, slug, fmt):
    office, campaign = _territory(request, slug)
    if campaign is None or fmt not in ("csv", "xlsx"):
        raise Http404
    picture = territory.territory(office, campaign)
    listed = territory.filter_respondents(picture.respondents, **_filters(request, picture))
    rows = _business_rows(picture, listed)
    filename = f"snut-prestataires-{slugify(office.name)}.{fmt}"
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, _("Prestataires"))


@login_required
def workshop_programme(request, slug):
    return _kept_page(request, slug, "diagnostics:workshops", "workshops", _programme_context)


def _programme_context(office, campaign) -> dict:
    found = needs.workshop_programme(office, campaign) if campaign else None
    proposed = found.proposed if found else []
    availability = found.availability if found else {}
    scheduled = session_selectors.office_sessions(office)
    rows = [
        (
            p,
            scheduled.get(p.training.pk, []),
            needs.preferred_times([r.diagnostic_id for r in p.named], availability),
        )
        for p in proposed
    ]
    own = list(programme.office_workshops(office).filter(organiser=office))
    return {
        "office": office,
        "campaign": campaign,
        "respondents": found.respondents if found else 0,
        "proposed": proposed,
        "programme": rows,
        "availability": availability,
        "own": own,
        "can_manage": access.manages_businesses(office),
        "appointments": list(programme.network_appointments().only("title", "description")),
        "needs": needs.campaign_needs(office, campaign) if campaign else [],
        "observed_needs": needs.observed_needs(office),
        "min_group": territory.MIN_GROUP,
    }


@login_required
@require_POST
def workshop_appointments(request, slug):
    """Whether the office offers the network's individual appointments to its businesses:
    for the director and the members who manage the businesses (403 for the others)."""
    office = access.office_for_business_manager(request.user, slug)
    offers = request.POST.get("offers_appointments") == "1"
    services.office_appointments_set(office=office, offers=offers)
    messages.success(
        request,
        _("Vos prestataires se voient désormais proposer les rendez-vous individuels.")
        if offers
        else _("Les rendez-vous individuels ne sont plus proposés à vos prestataires."),
    )
    return redirect("diagnostics:workshops", slug=office.slug)


@login_required
def workshop_contacts(request, slug, pk):
    """The contacts of the consenting businesses a proposed workshop is for, as CSV: for
    who manages the businesses only, as their contacts are on « Prestataires »."""
    office = access.office_for_business_manager(request.user, slug)
    campaign = territory.latest_business_campaign(office)
    if campaign is None:
        raise Http404
    workshop = next(
        (p for p in needs.workshop_programme(office, campaign).proposed if p.training.pk == pk),
        None,
    )
    if workshop is None:
        raise Http404

    def rows():
        yield [_("Prestataire"), _("Activité"), _("Commune"), _("Adresse e-mail"), _("Téléphone")]
        for r in workshop.named:
            yield [r.name, r.segment_label, r.commune, r.email, r.phone]

    return csv_response(rows(), f"snut-atelier-{slugify(workshop.training.title)}-contacts.csv")


# --- the office's own workshops ----------------------------------------------------


def _business_questions():
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).first()
    return (
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("axis")
        .order_by("axis__order", "order")
    )


@login_required
def workshop_edit(request, slug, pk=None):
    office = access.office_for_business_manager(request.user, slug)
    workshop = (
        get_object_or_404(Training, pk=pk, organiser=office, audience=Audience.BUSINESSES)
        if pk
        else Training(organiser=office, audience=Audience.BUSINESSES)
    )
    data = request.POST if request.method == "POST" else None
    form = WorkshopForm(data, instance=workshop, questions=_business_questions())
    if data is not None and form.is_valid():
        services.workshop_save(
            office=office,
            workshop=form.save(commit=False),
            questions=form.cleaned_data["questions"],
        )
        messages.success(request, _("Atelier enregistré."))
        return redirect("diagnostics:workshops", slug=office.slug)
    return render(
        request,
        "diagnostics/workshop_edit.html",
        {"office": office, "workshop": workshop, "form": form},
        status=400 if data is not None else 200,
    )


@login_required
@require_POST
def workshop_delete(request, slug, pk):
    office = access.office_for_business_manager(request.user, slug)
    workshop = get_object_or_404(Training, pk=pk, organiser=office)
    services.workshop_delete(office=office, workshop=workshop)
    messages.success(request, _("Atelier supprimé."))
    return redirect("diagnostics:workshops", slug=office.slug)
