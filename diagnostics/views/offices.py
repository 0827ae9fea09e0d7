from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diagnostics import selectors, services
from diagnostics.models import Answer, Campaign, Question, Questionnaire


def home(request):
    """Anonymous visitors read what SNUT is; members go to their office."""
    if request.user.is_authenticated:
        offices = list(selectors.offices_for_user(request.user))
        if len(offices) == 1:
            return redirect("diagnostics:office", slug=offices[0].slug)
        if offices:
            return render(request, "diagnostics/office_choice.html", {"offices": offices})
    questionnaire = (
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    axes = selectors.questionnaire_axes(questionnaire) if questionnaire else []
    return render(request, "diagnostics/home.html", {"questionnaire": questionnaire, "axes": axes})


def _count(queryset):
    """A correlated COUNT(*) subquery: no join that multiplies rows."""
    counted = queryset.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _office_for_member(user, slug):
    return get_object_or_404(selectors.offices_for_user(user), slug=slug)


@login_required
def office_detail(request, slug):
    office = _office_for_member(request.user, slug)
    diagnostics = list(
        office.diagnostics.select_related("campaign", "overall_level")
        .annotate(
            n_answered=_count(
                Answer.objects.filter(diagnostic=OuterRef("pk")).filter(
                    Q(choice__isnull=False) | Q(not_applicable=True)
                )
            ),
            n_questions=_count(Question.objects.filter(questionnaire=OuterRef("questionnaire"))),
        )
        .order_by("-created_at")
    )
    drafts = [d for d in diagnostics if not d.is_submitted]
    submitted = [d for d in diagnostics if d.is_submitted]
    today = timezone.localdate()
    open_campaigns = [
        c
        for c in Campaign.objects.filter(opens__lte=today, closes__gte=today).select_related(
            "questionnaire"
        )
        if not any(d.campaign_id == c.pk for d in drafts)
    ]
    return render(
        request,
        "diagnostics/office.html",
        {
            "office": office,
            "drafts": drafts,
            "submitted": submitted,
            "open_campaigns": open_campaigns,
        },
    )


@login_required
@require_POST
def diagnostic_start(request, slug):
    office = _office_for_member(request.user, slug)
    campaign_id = selectors.parse_id(request.POST.get("campaign"))
    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
    if campaign is None:
        messages.error(request, _("Choisissez une campagne ouverte pour commencer un diagnostic."))
        return redirect("diagnostics:office", slug=office.slug)
    try:
        diagnostic = services.diagnostic_start(office=office, campaign=campaign, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("diagnostics:office", slug=office.slug)
    messages.success(
        request, _("Diagnostic commencé : vos réponses sont enregistrées au fil de l’eau.")
    )
    return redirect("diagnostics:resume", pk=diagnostic.pk)
