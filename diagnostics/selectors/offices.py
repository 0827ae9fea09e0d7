"""An office's page: its diagnostics with their progress, and the campaigns it may start."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from diagnostics.models import Answer, Audience, Campaign, Diagnostic, Office, Question


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


@dataclass(frozen=True)
class OpenCampaigns:
    """What the office page offers to start, from one query of the open campaigns."""

    full: list[tuple[Campaign, Diagnostic | None]]  # with the diagnostic to carry over, if any
    express: list[Campaign]
    # The open full campaign where a submitted express diagnostic goes on (none when the
    # office already submitted its full diagnostic there).
    continue_in: Campaign | None


def campaigns_to_start(diagnostics: list[Diagnostic], today) -> OpenCampaigns:
    """The open network campaigns the office has not taken part in (one diagnostic per
    office and campaign), each full one with the submitted diagnostic of an earlier campaign
    whose answers can be carried over (never an express one), the express ones apart (none
    once its full diagnostic of the open campaign is submitted); and where an express
    diagnostic goes on: one query."""
    submitted = [d for d in diagnostics if d.is_submitted and not d.questionnaire.is_express]
    taken = {d.campaign_id: d for d in diagnostics}
    campaigns = list(
        Campaign.objects.filter(audience=Audience.OFFICES, opens__lte=today, closes__gte=today)
        .select_related("questionnaire")
        .order_by("-opens", "-pk")
    )
    full = [c for c in campaigns if not c.questionnaire.is_express]
    continue_in = full[0] if full else None
    # Its full diagnostic of the open campaign submitted: an express one would say less,
    # and could go on nowhere.
    done = (
        continue_in is not None and continue_in.pk in taken and taken[continue_in.pk].is_submitted
    )
    return OpenCampaigns(
        full=[
            (c, next((d for d in submitted if d.campaign.opens < c.opens), None))
            for c in full
            if c.pk not in taken
        ],
        express=[]
        if done
        else [c for c in campaigns if c.questionnaire.is_express and c.pk not in taken],
        continue_in=None if done else continue_in,
    )
