"""Where each office stands in a campaign: its status and the scores stored at submission.

Every function runs a fixed number of queries whatever the number of offices.
"""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Axis, AxisScore, Campaign, Diagnostic, MaturityLevel, Office

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
STATUS_LABELS = {
    NOT_STARTED: _("Pas commencé"),
    IN_PROGRESS: _("En cours"),
    SUBMITTED: _("Soumis"),
}


def campaign_axes(campaign: Campaign) -> list[Axis]:
    return list(
        Axis.objects.filter(questionnaire_id=campaign.questionnaire_id).order_by("order", "pk")
    )


def campaign_levels(campaign: Campaign) -> list[MaturityLevel]:
    """The maturity levels of the campaign's questionnaire, lowest first: one query."""
    return list(
        MaturityLevel.objects.filter(questionnaire_id=campaign.questionnaire_id).order_by(
            "lower_bound"
        )
    )


def axis_alias(axis: Axis) -> str:
    return f"axis_{axis.pk}"


def offices_with_scores(
    queryset: QuerySet[Office], campaign: Campaign, axes: list[Axis], *, axes_selected: bool = True
) -> QuerySet[Office]:
    """Offices annotated with their campaign status and stored scores: one query.

    An office has at most one submitted diagnostic per campaign (the unique constraint
    diagnostic_one_per_campaign): it is joined, not looked up row by row, and each
    axis score is found by the (diagnostic, axis) unique index. With `axes_selected`
    off, the axis scores can sort and filter the offices but are not read: a list
    reads its page's with `with_axis_scores` (one query for 50 rows instead of two
    subqueries per axis in every row's SQL and its counts).
    """
    drafting = Diagnostic.objects.filter(
        organisation=OuterRef("pk"), campaign=campaign, status=Diagnostic.Status.DRAFT
    )
    annotations = {
        "campaign_status": Case(
            When(submitted__pk__isnull=False, then=Value(SUBMITTED)),
            When(Exists(drafting), then=Value(IN_PROGRESS)),
            default=Value(NOT_STARTED),
            output_field=CharField(),
        ),
        "diagnostic_id": F("submitted__pk"),
        "overall_score": F("submitted__overall_score"),
        "overall_level_id": F("submitted__overall_level_id"),
        "overall_level_name": F("submitted__overall_level__name"),
    }
    by_axis = {}
    for axis in axes:
        stored = AxisScore.objects.filter(axis=axis, diagnostic_id=OuterRef("submitted__pk"))
        alias = axis_alias(axis)
        by_axis[alias] = Subquery(stored.values("score")[:1])
        if axes_selected:
            by_axis[f"{alias}_level"] = Subquery(stored.values("level__name")[:1])
    submitted = FilteredRelation(
        "diagnostics",
        condition=Q(
            diagnostics__campaign=campaign, diagnostics__status=Diagnostic.Status.SUBMITTED
        ),
    )
    queryset = (
        queryset.select_related("department").annotate(submitted=submitted).annotate(**annotations)
    )
    return queryset.annotate(**by_axis) if axes_selected else queryset.alias(**by_axis)


def with_axis_scores(offices: list[Office], axes: list[Axis]) -> None:
    """Gives offices annotated by offices_with_scores(…, axes_selected=False) their axis
    scores and levels' names, as the annotations would have: one query."""
    found = {
        (diagnostic_id, axis_id): (score, level)
        for diagnostic_id, axis_id, score, level in AxisScore.objects.filter(
            diagnostic_id__in=[o.diagnostic_id for o in offices if o.diagnostic_id],
            axis__in=axes,
        ).values_list("diagnostic_id", "axis_id", "score", "level__name")
    }
    names = [(axis.pk, axis_alias(axis), f"{axis_alias(axis)}_level") for axis in axes]
    for office in offices:
        for axis_id, alias, level_alias in names:
            score, level = found.get((office.diagnostic_id, axis_id), (None, None))
            setattr(office, alias, score)
            setattr(office, level_alias, level)


def filter_status(queryset: QuerySet[Office], status: str) -> QuerySet[Office]:
    if status == "pending":
        return queryset.exclude(campaign_status=SUBMITTED)
    return queryset.filter(campaign_status=status)


def previous_campaign(campaign: Campaign) -> Campaign | None:
    return (
        Campaign.objects.filter(
            audience=campaign.audience,
            organiser=campaign.organiser_id,
            opens__lt=campaign.opens,
            questionnaire__abbreviates__isnull=True,  # an express campaign is never « previous »
        )
        .order_by("-opens")
        .first()
    )


def status_counts(campaign: Campaign) -> dict[str, int]:
    """How many offices have submitted, are in progress or have not started, as
    `offices_with_scores` says (a submitted diagnostic first, then a draft): the offices
    counted, and those among the campaign's diagnostics' organisations, in one query
    (rather than each of a thousand offices given its status: 2.8 → 1.3 ms)."""
    diagnostics = Diagnostic.objects.filter(campaign=campaign)
    submitted = diagnostics.filter(status=Diagnostic.Status.SUBMITTED)
    started = diagnostics.filter(status__in=(Diagnostic.Status.SUBMITTED, Diagnostic.Status.DRAFT))
    counts = Office.objects.aggregate(
        offices=Count("pk"),
        submitted=Count("pk", filter=Q(pk__in=submitted.values("organisation"))),
        started=Count("pk", filter=Q(pk__in=started.values("organisation"))),
    )
    return {
        SUBMITTED: counts["submitted"],
        IN_PROGRESS: counts["started"] - counts["submitted"],
        NOT_STARTED: counts["offices"] - counts["started"],
    }
