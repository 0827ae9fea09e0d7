"""What the regional dashboard's figures are drawn from: every score and the points of every
answer of a campaign's submitted diagnostics, gathered so that the diagnostics submitted
since can be added to it rather than read again with all the others.

The submission's task keeps the campaign's tally in the database beside the figures
(selectors/stored_figures.py, `keep_row`). When the task has not run (its worker stopped),
the dashboard reads it back and adds the few diagnostics submitted since
(`tally_since`): the figures drawn are those of every submitted diagnostic, as if drawn
whole. If anything else changed since (a diagnostic reopened or deleted), they are drawn
whole.
"""

from array import array
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, QuerySet, Sum

from diagnostics.models import Answer, AxisScore, Campaign, Diagnostic
from diagnostics.selectors.statistics import latest_submitted


@dataclass
class Tally:
    count: int  # submitted diagnostics counted
    ids: int  # the sum of their ids: with `count`, tells that only additions happened since
    last: datetime | None  # the latest submission counted
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
        lasts = [last for last in (self.last, other.last) if last is not None]
        return Tally(
            count=self.count + other.count,
            ids=self.ids + other.ids,
            last=max(lasts, default=None),
            overall=self.overall + other.overall,
            axes=axes,
            answers=answers,
        )


def _counted(diagnostics: QuerySet[Diagnostic]) -> dict:
    return diagnostics.aggregate(count=Count("pk"), ids=Sum("pk"), last=Max("submitted_at"))


def campaign_tally(campaign: Campaign) -> Tally:
    """The campaign's submitted diagnostics' scores and answers' points: four queries."""
    diagnostics = latest_submitted().filter(campaign=campaign)
    counted = _counted(diagnostics)
    overall = diagnostics.filter(overall_score__isnull=False).values_list("overall_score")
    return _scored(
        diagnostics,
        Tally(
            count=counted["count"],
            ids=counted["ids"] or 0,
            last=counted["last"],
            overall=array("d", (float(score) for (score,) in overall)),
        ),
    )


def _scored(diagnostics: QuerySet[Diagnostic], tally: Tally) -> Tally:
    """`tally` given these diagnostics' axis scores and answers' points: two queries."""
    for code, score in AxisScore.objects.filter(
        diagnostic__in=diagnostics, score__isnull=False
    ).values_list("axis__code", "score"):
        tally.axes.setdefault(code, array("d")).append(float(score))
    answers = (
        Answer.objects.filter(diagnostic__in=diagnostics, choice__isnull=False)
        .values("question_id")
        .annotate(points=Sum("choice__points"), answers=Count("pk"))
        .values_list("question_id", "points", "answers")
    )
    tally.answers = {question: (points, count) for question, points, count in answers}
    return tally


def tally_since(kept: Tally, campaign: Campaign) -> Tally | None:
    """`kept` with the diagnostics submitted since added: four queries, two when none was.
    None if something else changed since (a diagnostic reopened, deleted, or one counted
    in the same instant as the latest kept)."""
    diagnostics = latest_submitted().filter(campaign=campaign)
    now = _counted(diagnostics)
    since = diagnostics if kept.last is None else diagnostics.filter(submitted_at__gt=kept.last)
    added = list(since.values_list("pk", "submitted_at", "overall_score"))
    ids = [pk for pk, _at, _score in added]
    if kept.count + len(ids) != now["count"] or kept.ids + sum(ids) != (now["ids"] or 0):
        return None
    if not added:
        return kept
    tally = Tally(
        count=len(ids),
        ids=sum(ids),
        last=max(at for _pk, at, _score in added),
        overall=array("d", (float(score) for _pk, _at, score in added if score is not None)),
    )
    return kept + _scored(diagnostics.filter(pk__in=ids), tally)
