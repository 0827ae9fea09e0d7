"""An office's page: its diagnostics with their progress, and the campaigns it may start."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from diagnostics.models import Answer, Campaign, Diagnostic, Office, Question


def _count(queryset: QuerySet):
    """A correlated COUNT(*) subquery: no join that multiplies rows."""
    counted = queryset.order_by().values(group=Value(1)).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def office_diagnostics(office: Office) -> list[Diagnostic]:
    """The office's diagnostics, newest first, each with its answered, carried-over and
    question counts: two queries whatever their number."""
    return list(
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


def campaigns_to_start(
    diagnostics: list[Diagnostic], today
) -> list[tuple[Campaign, Diagnostic | None]]:
    """The open network campaigns the office has not taken part in (one diagnostic per
    office and campaign), each with the submitted diagnostic of an earlier campaign whose
    answers can be carried over: one query."""
    submitted = [d for d in diagnostics if d.is_submitted]
    return [
        (c, next((d for d in submitted if d.campaign.opens < c.opens), None))
        for c in Campaign.objects.network()
        .filter(opens__lte=today, closes__gte=today)
        .order_by("-opens")
        if not any(d.campaign_id == c.pk for d in diagnostics)
    ]
