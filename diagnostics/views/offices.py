from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import access, selectors, services
from diagnostics.models import (
    Answer,
    Audience,
    Campaign,
    Diagnostic,
    Membership,
    Question,
    Questionnaire,
)


def home(request):
    """Anonymous visitors read what SNUT is; members go to their office."""
    if request.user.is_authenticated:
        offices = list(access.offices_for_user(request.user))
        if len(offices) == 1:
            return redirect("diagnostics:office", slug=offices[0].slug)
        if offices:
            return render(request, "diagnostics/office_choice.html", {"offices": offices})
    questionnaire = Questionnaire.objects.latest(Audience.OFFICES).first()
    axes = selectors.questionnaire_axes(questionnaire) if questionnaire else []
    return render(request, "diagnostics/home.html", {"questionnaire": questionnaire, "axes": axes})


def _count(queryset):
    """A correlated COUNT(*) subquery: no join that multiplies rows."""
    counted = queryset.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def office_detail(request, slug):
    office = access.office_for_member(request.user, slug)
    diagnostics = list(
        office.diagnostics.exclude(status=Diagnostic.Status.REPLACED)
        .select_related("campaign", "overall_level", "questionnaire")
        .prefetch_related("questionnaire__levels")  # the score colours follow them
        .annotate(
            n_answered=_count(
                Answer.objects.filter(diagnostic=OuterRef("pk"), carried_over=False).filter(
                    Q(choice__isnull=False) | Q(not_applicable=True)
                )
            ),
            n_carried=_count(Answer.objects.filter(diagnostic=OuterRef("pk"), carried_over=True)),
            n_questions=_count(Question.objects.filter(questionnaire=OuterRef("questionnaire"))),
        )
        .order_by("-created_at")
    )
    drafts = [d for d in diagnostics if not d.is_submitted]
    submitted = [d for d in diagnostics if d.is_submitted]
    today = timezone.localdate()
    # One diagnostic per office and campaign: only campaigns it has not taken part in,
    # each with the diagnostic of the previous campaign whose answers can be carried over.
    open_campaigns = [
        (c, next((d for d in submitted if d.campaign.opens < c.opens), None))
        for c in Campaign.objects.network()
        .filter(opens__lte=today, closes__gte=today)
        .order_by("-opens")
        if not any(d.campaign_id == c.pk for d in diagnostics)
    ]
    return render(
        request,
        "diagnostics/office.html",
        {
            "office": office,
            "is_director": office.member_role == Membership.Role.DIRECTOR,
            "manages_businesses": access.manages_businesses(office),
            "drafts": drafts,
            "submitted": sorted(submitted, key=lambda d: d.campaign.opens, reverse=True),
            "open_campaigns": open_campaigns,
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
    campaign = Campaign.objects.network().filter(pk=campaign_id).first() if campaign_id else None
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
    if request.POST.get("carry_over") == "1":
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
