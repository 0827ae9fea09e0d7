"""The regional dashboard: counts read live, figures cached until the next submission."""

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Count, Sum
from django.utils import timezone

from diagnostics import charts
from diagnostics.formatting import difference
from diagnostics.models import Answer, Axis, Campaign, MaturityLevel
from diagnostics.selectors.regional.distributions import (
    Distribution,
    axis_median_values,
    distribution,
    level_counts,
)
from diagnostics.selectors.regional.scores import previous_campaign, status_counts
from diagnostics.selectors.regional.tally import Tally, campaign_tally, tally_since
from diagnostics.selectors.statistics import (
    latest_submitted,
    overall_median,
    submissions_stamp,
)
from diagnostics.selectors.stored_figures import keep_row, stored, stored_row
from diagnostics.selectors.structure import questionnaire_axes, questionnaire_levels


@dataclass
class AxisSummary:
    axis: Axis
    distribution: Distribution
    levels: list[tuple[MaturityLevel, int]]
    previous_median: float | None

    @property
    def median_change(self) -> int | None:
        return difference(self.distribution.median, self.previous_median)


@dataclass
class WeakQuestion:
    question: object
    axis: Axis
    share: float  # mean share of the best points, 0–100
    answers: int


@dataclass
class Dashboard:
    campaign: Campaign
    previous: Campaign | None
    counts: dict[str, int]
    axes: list[AxisSummary]
    overall: Distribution
    overall_levels: list[tuple[MaturityLevel, int]]
    previous_overall_median: float | None
    weakest: list[WeakQuestion]
    boxplot: dict
    levels: list[MaturityLevel]  # the campaign's, lowest first: they colour the scores
    drawn_at: datetime | None = None  # when the figures were drawn
    # The latest submission, when the figures shown do not count it yet (its task awaited).
    awaited: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def overall_median_change(self) -> int | None:
        return difference(self.overall.median, self.previous_overall_median)


def _bare(instance):
    """A copy of a question or an axis without what was prefetched or joined with it.
    The dashboard's figures are pickled in the cache and read back on every view, which
    shows only the question's text and the axis's name: with the questionnaire's choices
    and questions attached, the weakest questions were 140 kB to unpickle (4.5 ms)."""
    bare = copy.copy(instance)
    bare.__dict__.pop("_prefetched_objects_cache", None)
    bare._state.fields_cache = {}
    return bare


def weakest_questions(campaign: Campaign, axes: list[Axis], limit: int = 10) -> list[WeakQuestion]:
    """Questions where the region is weakest: lowest mean share of the best points."""
    rows = (
        Answer.objects.filter(
            diagnostic__in=latest_submitted().filter(campaign=campaign),
            choice__isnull=False,
        )
        .values("question_id")
        .annotate(points=Sum("choice__points"), answers=Count("pk"))
        .values_list("question_id", "points", "answers")
    )
    return _weakest(campaign, {question: (points, n) for question, points, n in rows}, limit)


def _weakest(campaign: Campaign, answers: dict[int, tuple[int, int]], limit: int = 10):
    """`weakest_questions` from question → (points, answers) (a tally's)."""
    prefetched = questionnaire_axes(campaign.questionnaire)
    questions = {q.pk: (q, axis) for axis in prefetched for q in axis.questions.all()}
    best = {pk: q.best_points for pk, (q, _a) in questions.items()}
    weak = [
        WeakQuestion(
            question=questions[pk][0],
            axis=questions[pk][1],
            share=100 * points / count / best[pk],
            answers=count,
        )
        for pk, (points, count) in answers.items()
        if best.get(pk) and count
    ]
    weak.sort(key=lambda w: (w.share, w.axis.order, w.question.order))
    for w in weak[:limit]:
        w.question, w.axis = _bare(w.question), _bare(w.axis)
    return weak[:limit]


DASHBOARD_CACHE_SECONDS = 3600
# How long after a submission its figures task is awaited (it runs within seconds): the
# dashboard meanwhile shows the figures it last drew, and says so; after that, or with no
# such figures, the page draws them itself.
TASK_AWAITED = timedelta(minutes=2)


def _submitted_figures(campaign: Campaign, previous: Campaign | None, tally: Tally) -> dict:
    """Everything the dashboard draws from submitted diagnostics, from their tally. The
    questionnaire's axes and levels as structure.py keeps them (no query once read), bare:
    they are kept with the figures, and the levels hold the questionnaire they were read
    from."""
    axes = [_bare(axis) for axis in questionnaire_axes(campaign.questionnaire)]
    levels = [_bare(level) for level in questionnaire_levels(campaign.questionnaire)]
    before = latest_submitted().filter(campaign=previous)
    previous_medians = axis_median_values(before) if previous else {}
    summaries = []
    for axis in axes:
        values = list(tally.axes.get(axis.code, ()))
        summaries.append(
            AxisSummary(
                axis=axis,
                distribution=distribution(values),
                levels=level_counts(levels, values),
                previous_median=previous_medians.get(axis.code),
            )
        )
    overall_values = list(tally.overall)
    return {
        "levels": levels,
        "axes": summaries,
        "overall": distribution(overall_values),
        "overall_levels": level_counts(levels, overall_values),
        "previous_overall_median": overall_median(before)[0] if previous else None,
        "weakest": _weakest(campaign, tally.answers),
        "boxplot": charts.boxplot(
            [(s.axis.name, s.distribution, s.previous_median) for s in summaries]
        ),
        "drawn_at": timezone.now(),
    }


def _drawn(campaign: Campaign, previous: Campaign | None, *, key: str, last, keep: bool):
    """The figures drawn: by the task (`keep`) from every submitted diagnostic, their tally
    kept in the database; by a page, from that tally with the diagnostics submitted since
    added, when only additions happened since (selectors/regional/tally.py)."""
    place = f"{figures_place(campaign, previous)}:tally"
    tally = None
    if not keep:
        row = stored_row(place)
        if row is not None and isinstance(row[1], Tally):
            tally = tally_since(row[1], campaign)
    if tally is None:
        tally = campaign_tally(campaign)
    if keep and _current(campaign, previous) == key:  # else: drawn while one landed
        keep_row(place, key, tally, last, current=True)
    return _submitted_figures(campaign, previous, tally)


def _current(campaign: Campaign, previous: Campaign | None) -> str:
    """The key the figures would be drawn under now (keep_row)."""
    return submissions_stamp(campaign, previous)[0]


def figures_place(campaign: Campaign, previous: Campaign | None) -> str:
    """The database's row of a campaign's dashboard figures (stored_figures.stored)."""
    return f"snut-dashboard:{campaign.pk}:{previous.pk if previous else 0}"


def submitted_figures(campaign: Campaign, previous: Campaign | None, *, keep=False) -> dict:
    """The figures drawn from submitted diagnostics, from the shared cache or the database
    (selectors/stored_figures.py), or computed. The task queue calls it right after a
    submission (services.reports.dashboard_figures_task, `keep=True`: it keeps them in the
    database too), so that staff usually find them ready, even after the shared cache is
    emptied. Within TASK_AWAITED of a submission whose task has not run yet, the figures
    the database keeps are shown as they are if they count every earlier submission, with
    `awaited` (the latest submission's time): the page says they do not count it yet."""
    now = timezone.now()
    # Read before the figures: never stale.
    key, last, settled = submissions_stamp(campaign, previous, settled_before=now - TASK_AWAITED)

    def meanwhile(figures: dict, counted) -> dict | None:
        if last is None or counted is None or last <= counted or now - last > TASK_AWAITED:
            return None  # no submission awaited: what changed is not one (a reopening)
        if settled is not None and counted < settled:
            return None  # they miss a submission older than the task's usual delay
        return {**figures, "awaited": last}

    return stored(
        key,
        partial(_drawn, campaign, previous, key=key, last=last, keep=keep),
        DASHBOARD_CACHE_SECONDS,
        place=figures_place(campaign, previous),
        last=last,
        keep=keep,
        current=partial(_current, campaign, previous),
        meanwhile=None if keep else meanwhile,
    )


def dashboard(campaign: Campaign) -> Dashboard:
    """The regional dashboard: office counts are read live; the figures drawn from
    submitted diagnostics are computed once per submission (cached under a key that
    any submission changes)."""
    previous = previous_campaign(campaign)
    return Dashboard(
        campaign=campaign,
        previous=previous,
        counts=status_counts(campaign),
        **submitted_figures(campaign, previous),
    )
