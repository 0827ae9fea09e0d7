from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import access, network, selectors, services
from diagnostics.models import (
    Audience,
    Campaign,
    Membership,
    Questionnaire,
)


def home(request):
    """Anonymous visitors read what SNUT is; members go to their office, network staff (never
    members) to their dashboard."""
    if request.user.is_staff:
        return redirect(network.staff_landing_url(request.user))
    if request.user.is_authenticated:
        offices = list(access.offices_for_user(request.user))
        if len(offices) == 1:
            return redirect("diagnostics:office", slug=offices[0].slug)
        if offices:
            return render(request, "diagnostics/office_choice.html", {"offices": offices})
    questionnaire = Questionnaire.objects.latest(Audience.OFFICES).first()
    axes = selectors.questionnaire_axes(questionnaire) if questionnaire else []
    return render(request, "diagnostics/home.html", {"questionnaire": questionnaire, "axes": axes})


@login_required
def office_detail(request, slug):
    office = access.office_for_member(request.user, slug)
    diagnostics = selectors.office_diagnostics(office)
    drafts = [d for d in diagnostics if not d.is_submitted]
    # Express profiles are indicative: listed apart from the full diagnostics.
    submitted = [d for d in diagnostics if d.is_submitted and not d.questionnaire.is_express]
    express = [d for d in diagnostics if d.is_submitted and d.questionnaire.is_express]
    today = timezone.localdate()
    open_campaigns = selectors.campaigns_to_start(diagnostics, today)
    return render(
        request,
        "diagnostics/office.html",
        {
            "office": office,
            "is_director": office.member_role == Membership.Role.DIRECTOR,
            "manages_businesses": access.manages_businesses(office),
            "drafts": drafts,
            "submitted": sorted(submitted, key=lambda d: d.campaign.opens, reverse=True),
            "open_campaigns": open_campaigns.full,
            "express_campaigns": open_campaigns.express,
            "express_submitted": express,
            "continue_in": open_campaigns.continue_in,
            "submitted_open": [
                d for d in submitted if d.campaign.opens <= today <= d.campaign.closes
            ],
            "plan_counts": selectors.office_plan_counts(office, today),
        },
    )


@login_required
@require_POST
def diagnostic_start(request, slug):
    office = access.office_for_member(request.user, slug)
    campaign_id = access.parse_id(request.POST.get("campaign"))
    # A full or an express campaign of the network.
    campaign = (
        Campaign.objects.filter(audience=Audience.OFFICES, pk=campaign_id).first()
        if campaign_id
        else None
    )
    if campaign is None:
        messages.error(request, _("Choisissez une campagne ouverte pour commencer un diagnostic."))
        return redirect("diagnostics:office", slug=office.slug)
    try:
        diagnostic = services.diagnostic_start(
            organisation=office,
            campaign=campaign,
            user=request.user,
            carry_over=request.POST.get("carry_over") == "1",
        )
    except services.ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:office", slug=office.slug)
    if campaign.is_express:
        messages.success(
            request,
            _(
                "Diagnostic express commencé : environ un quart d’heure, et vos réponses sont "
                "enregistrées au fil de l’eau."
            ),
        )
    elif request.POST.get("carry_over") == "1":
        messages.success(
            request,
            _(
                "Diagnostic commencé avec les réponses de votre diagnostic précédent : "
                "confirmez ou changez chacune d’elles, elles sont marquées « à confirmer »."
            ),
        )
    else:
        messages.success(
            request, _("Diagnostic commencé : vos réponses sont enregistrées au fil de l’eau.")
        )
    return redirect("diagnostics:resume", pk=diagnostic.pk)
