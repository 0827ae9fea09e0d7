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

from array import array
from dataclasses import dataclass, field

from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast

from diagnostics.models import Answer, AxisScore, Campaign, Diagnostic
from diagnostics.selectors.statistics import latest_submitted

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


def _tally_of(ids: list[int]) -> Tally:
    """These diagnostics' tally, each read as it is now: four queries. Their scores are read
    by id, never as the campaign's submitted ones again: a diagnostic submitted between
    two queries would be counted in one and not the other."""
    rows = Diagnostic.objects.filter(pk__in=ids, status=Diagnostic.Status.SUBMITTED).values_list(
        "pk", STAMP, "overall_score"
    )
    tally = Tally()
    overall = []
    for pk, at, score in rows:
        tally.submitted[pk] = at
        if score is not None:
            overall.append(float(score))
    tally.overall = array("d", overall)
    ids = list(tally.submitted)  # a diagnostic reopened meanwhile: none of its scores
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
    return tally


def _submitted_now(campaign: Campaign) -> dict[int, str]:
    return dict(latest_submitted().filter(campaign=campaign).values_list("pk", STAMP))


def campaign_tally(campaign: Campaign) -> Tally:
    """The campaign's submitted diagnostics' scores and answers' points: four queries."""
    return _tally_of(list(_submitted_now(campaign)))


def tally_since(kept: Tally, campaign: Campaign) -> Tally | None:
    """`kept` with the diagnostics submitted since added: four queries, one when none was.
    None if a diagnostic it counts is no longer submitted, or was submitted again."""
    now = _submitted_now(campaign)
    if any(now.get(pk) != at for pk, at in kept.submitted.items()):
        return None
    added = [pk for pk in now if pk not in kept.submitted]
    return kept + _tally_of(added) if added else kept
