"""How a diagnostic compares: its peers' medians and the office's previous campaign."""

import statistics
from dataclasses import dataclass

from django.db.models import QuerySet, Subquery

from diagnostics.models import AxisScore, Diagnostic, Organisation
from diagnostics.selectors.statistics import MIN_PEERS, PeerMedians, campaign_scores, per_submission
from snut import page_memo


def peer_medians(diagnostic: Diagnostic) -> PeerMedians:
    """Medians of the other organisations of the same campaign and segment.

    The campaign's scores are read once per submission, cached under a key that any
    submission, reopening or deletion changes (as the dashboard's figures), so that
    the page does not rank a whole network's diagnostics each time; who shares the
    segment is read from the organisations (kept until one is written). One query when
    both are cached, four otherwise."""
    scores = per_submission(
        "peers", diagnostic.campaign, lambda: campaign_scores(diagnostic.campaign_id)
    )
    position = {organisation: row for row, organisation in enumerate(scores.organisations)}
    # The campaign's scores say who submitted; who shares the segment is read from the
    # organisations, kept until one is written (page_memo.kept).
    segment = diagnostic.organisation.segment
    peers = [
        position[pk]
        for pk in page_memo.kept(f"segment:{segment}", lambda: segment_members(segment))
        if pk in position and pk != diagnostic.organisation_id
    ]
    overall = scores.values(scores.overall, peers)
    if len(overall) < MIN_PEERS:
        return PeerMedians(count=len(overall), overall=None, axes={})
    by_axis = {code: scores.values(column, peers) for code, column in scores.axes.items()}
    return PeerMedians(
        count=len(overall),
        overall=statistics.median(overall),
        # An axis median also needs MIN_PEERS scores, or it could name an office.
        axes={
            code: statistics.median(values)
            for code, values in by_axis.items()
            if len(values) >= MIN_PEERS
        },
    )


def segment_members(segment: str) -> list[int]:
    """The organisations of a segment (offices' or businesses'), by id."""
    return list(
        Organisation.objects.filter(segment=segment).order_by("pk").values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class PreviousScores:
    diagnostic: Diagnostic | None
    axes: dict[str, float | None]  # axis code → score


def previous_diagnostics(office_id: int, campaign) -> QuerySet[Diagnostic]:
    """The office's submitted full diagnostics of earlier campaigns, the latest campaign
    first: an express one is indicative, never the previous diagnostic."""
    return Diagnostic.objects.filter(
        organisation_id=office_id,
        status=Diagnostic.Status.SUBMITTED,
        campaign__opens__lt=campaign.opens,
        questionnaire__abbreviates__isnull=True,
    ).order_by("-campaign__opens", "-submitted_at")


def previous_scores(diagnostic: Diagnostic) -> PreviousScores:
    """The office's diagnostic of the previous campaign, matched by axis code: one query."""
    before = previous_diagnostics(diagnostic.organisation_id, diagnostic.campaign).values("pk")[:1]
    rows = list(
        AxisScore.objects.filter(diagnostic=Subquery(before)).select_related(
            "diagnostic__campaign", "diagnostic__questionnaire", "diagnostic__overall_level", "axis"
        )
    )
    if not rows:
        return PreviousScores(diagnostic=None, axes={})
    return PreviousScores(
        diagnostic=rows[0].diagnostic,
        axes={row.axis.code: None if row.score is None else float(row.score) for row in rows},
    )
