"""What the regional dashboard's figures are drawn from: every score and the points of every
answer of a campaign's submitted diagnostics, gathered so that the diagnostics submitted
since can be added to it rather than read again with all the others.

The submission's task keeps the campaign's tally in the database beside the figures
(selectors/stored_figures.py, `keep_row`). When the task has not run (its worker stopped),
the dashboard reads it back and adds the few diagnostics submitted since
(`tally_since`): the figures drawn are those of every submitted diagnostic, as if drawn
whole. If anything else changed since (a diagnostic reopened, deleted or submitted
again), they are drawn whole.
"""

import logging
from array import array
from dataclasses import dataclass, field

from django.db.models import Count, FloatField, Sum, TextField
from django.db.models.functions import Cast

from diagnostics.models import Answer, AxisScore, Campaign
from diagnostics.selectors.statistics import latest_submitted

logger = logging.getLogger(__name__)

# When a diagnostic was submitted, as text: compared, never parsed (a thousand dates
# parsed took 2 ms of the dashboard's time when its task is lost).
STAMP = Cast("submitted_at", output_field=TextField())


@dataclass
class Tally:
    # The diagnostics counted: id → when submitted, as the database writes it (`STAMP`).
    # Read again, they tell exactly which were added since, and that none was reopened,
    # deleted or submitted again (its time changed).
    submitted: dict[int, str] = field(default_factory=dict)
    overall: array = field(default_factory=lambda: array("d"))  # overall scores
    axes: dict[str, array] = field(default_factory=dict)  # axis code → scores
    answers: dict[int, tuple[int, int]] = field(default_factory=dict)  # question → points, answers

    def __add__(self, other: "Tally") -> "Tally":
        axes = {code: array("d", scores) for code, scores in self.axes.items()}
        for code, scores in other.axes.items():
            axes.setdefault(code, array("d")).extend(scores)
        answers = dict(self.answers)
        for question, (points, count) in other.answers.items():
            before = answers.get(question, (0, 0))
            answers[question] = (before[0] + points, before[1] + count)
        return Tally(
            submitted=self.submitted | other.submitted,
            overall=self.overall + other.overall,
            axes=axes,
            answers=answers,
        )


def _tally_of(rows: dict[int, tuple[str, float | None]]) -> tuple[Tally, bool]:
    """The tally of these diagnostics, from their rows as `_submitted_now` read them (id →
    when submitted, overall score): their axes' scores and answers' points read by id,
    never as the campaign's submitted ones again (a diagnostic submitted between two
    queries would be counted in one and not the other). Then their times read again: with
    the tally, whether none was reopened (its axes' scores deleted, its answers kept) or
    submitted again while they were read. Three queries."""
    tally = Tally(
        submitted={pk: at for pk, (at, _score) in rows.items()},
        overall=array("d", [score for _at, score in rows.values() if score is not None]),
    )
    ids = list(rows)
    for code, score in AxisScore.objects.filter(
        diagnostic_id__in=ids, score__isnull=False
    ).values_list("axis__code", "score"):
        tally.axes.setdefault(code, array("d")).append(float(score))
    answers = (
        Answer.objects.filter(diagnostic_id__in=ids, choice__isnull=False)
        .values("question_id")
        .annotate(points=Sum("choice__points"), answers=Count("pk"))
        .values_list("question_id", "points", "answers")
    )
    tally.answers = {question: (points, count) for question, points, count in answers}
    still = latest_submitted().filter(pk__in=ids).order_by().values_list("pk", STAMP)
    return tally, dict(still) == tally.submitted


def _submitted_now(campaign: Campaign) -> dict[int, tuple[str, float | None]]:
    """The campaign's submitted diagnostics: id → (when submitted, overall score), one
    query. The score is read as a float: a thousand decimals built and converted took a
    third of the query's time."""
    rows = (
        latest_submitted()
        .filter(campaign=campaign)
        .order_by()
        .values_list("pk", STAMP, Cast("overall_score", FloatField()))
    )
    return {pk: (at, score) for pk, at, score in rows}


# How many times a tally is drawn while the diagnostics it reads keep changing as it reads
# them (each time a reopening or a submission within its few queries' time).
ATTEMPTS = 5


def campaign_tally(campaign: Campaign) -> Tally:
    """The campaign's submitted diagnostics' scores and answers' points: four queries,
    drawn again if one of them changed while it was read. After ATTEMPTS (a change landing
    within each of them), the last one drawn, and a warning logged."""
    for _attempt in range(ATTEMPTS):
        tally, settled = _tally_of(_submitted_now(campaign))
        if settled:
            return tally
    logger.warning("campaign %s: its tally drawn while its diagnostics kept changing", campaign.pk)
    return tally


NOT_SUBMITTED = (None, None)


def tally_since(kept: Tally, campaign: Campaign) -> Tally | None:
    """`kept` with the diagnostics submitted since added: four queries, one when none was.
    None if a diagnostic it counts is no longer submitted, or was submitted again, or if
    one added changed while it was read."""
    now = _submitted_now(campaign)
    if any(now.get(pk, NOT_SUBMITTED)[0] != at for pk, at in kept.submitted.items()):
        return None
    added = {pk: row for pk, row in now.items() if pk not in kept.submitted}
    if not added:
        return kept
    since, settled = _tally_of(added)
    return kept + since if settled else None
