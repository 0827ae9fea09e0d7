"""Medians and per-submission figures: the database ranks the scores, Python only picks the middle."""

import hashlib
import logging
import math
from array import array
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.db.models import Count, F, Max, QuerySet, Sum, Value, Window
from django.db.models.functions import RowNumber

from diagnostics.models import AxisScore, Campaign, Diagnostic

logger = logging.getLogger(__name__)

# --- comparisons --------------------------------------------------------------

MIN_PEERS = 5


def latest_submitted() -> QuerySet[Diagnostic]:
    """Submitted diagnostics that are their office's latest in their campaign.

    That is every submitted one: the unique constraint diagnostic_one_per_campaign
    allows one draft-or-submitted diagnostic per organisation and campaign (a
    reopened one becomes the draft again), so no anti-join on later submissions is
    needed; at whole-France scale it cost an index lookup per diagnostic.
    """
    return Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED)


@dataclass(frozen=True)
class PeerMedians:
    count: int  # peers with an overall score
    overall: float | None
    axes: dict[str, float]  # axis code → median score

    @property
    def shown(self) -> bool:
        """Fewer than MIN_PEERS offices would let someone single one out."""
        return self.count >= MIN_PEERS


def middle(queryset: QuerySet, value: str, *partition: str) -> QuerySet:
    """The one or two rows at the middle of `value` (per partition), with the count.

    The database ranks the values: a constant number of rows comes back however
    many offices there are. Rows where `value` is null are left out.
    """
    over = {"partition_by": [F(field) for field in partition]} if partition else {}
    return (
        queryset.filter(**{f"{value}__isnull": False})
        .annotate(
            position=Window(RowNumber(), order_by=F(value).asc(), **over),
            size=Window(Count("pk"), **over),
        )
        .filter(position__gte=F("size") / 2.0, position__lte=F("size") / 2.0 + 1)
        .order_by()
    )


def medians(rows) -> dict:
    """key → (median, count) from (key, middle value, count) rows."""
    middles: dict = {}
    for key, value, size in rows:
        middles.setdefault(key, ([], size))[0].append(float(value))
    return {key: (sum(values) / len(values), size) for key, (values, size) in middles.items()}


def overall_median(diagnostics: QuerySet[Diagnostic]) -> tuple[float | None, int]:
    """The median overall score of these diagnostics and how many have one: one query."""
    rows = (
        middle(diagnostics, "overall_score")
        .annotate(key=Value(0))
        .values_list("key", "overall_score", "size")
    )
    return medians(rows).get(0, (None, 0))


def axis_medians(diagnostics: QuerySet[Diagnostic]) -> dict[str, tuple[float, int]]:
    """axis code → (median score, how many scores) over these diagnostics: one query."""
    scores = AxisScore.objects.filter(diagnostic__in=diagnostics)
    return medians(middle(scores, "score", "axis_id").values_list("axis__code", "score", "size"))


SUBMISSIONS_CACHE_SECONDS = 3600


def submissions_key(campaign: Campaign, previous: Campaign | None) -> str:
    """Changes whenever a diagnostic of either campaign is submitted or deleted, or
    their questionnaire is revised: one query.

    Submitted diagnostics never change, so neither do the figures drawn from them.
    """
    return submissions_stamp(campaign, previous)[0]


def submissions_stamp(campaign: Campaign, previous: Campaign | None) -> tuple[str, object]:
    """`submissions_key` and when the latest of those diagnostics was submitted (None if
    none was): one query."""
    stamp = Diagnostic.objects.filter(
        campaign__in=[c.pk for c in (campaign, previous) if c], status=Diagnostic.Status.SUBMITTED
    ).aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        last=Max("submitted_at"),
        revised=Max("campaign__questionnaire__revised_at"),
    )
    parts = [campaign.pk, previous.pk if previous else 0, *stamp.values()]
    return "snut-dashboard-v3:" + hashlib.sha256(repr(parts).encode()).hexdigest(), stamp["last"]


# settings.CACHES: a table of the database, which emptying the shared cache (a restart of
# Redis, a deployment that flushes it) leaves as it is. A submission's figures task writes
# it; pages only read it, so that a page computed on a miss writes nothing to the database.
FIGURES = "figures"


def stored_figures(key: str):
    """What the database keeps under `key` (one query), None if nothing or what a
    version of SNUT whose classes have changed since kept."""
    try:
        return caches[FIGURES].get(key)
    except (AttributeError, EOFError, ImportError, IndexError, TypeError, ValueError) as error:
        logger.warning("stored figures %s not read back: %s", key, error)
        return None


def stored(
    key: str,
    compute,
    seconds: int = SUBMISSIONS_CACHE_SECONDS,
    *,
    durable=False,
    keep=False,
    meanwhile=None,
):
    """`compute()` under `key`, a key that names everything it is drawn from (a
    submissions key), kept in the shared cache for `seconds`. `durable`: on a miss there,
    read from the database first, where a submission's task kept it (`keep=True`, the
    task's call) and where the shared cache's loss does not reach it; then
    `meanwhile()`, if given and not None, is returned as it is (kept nowhere: what to
    show while the task is awaited). No query when the shared cache has it, one more on a
    miss when `durable`."""
    value = cache.get(key)
    in_database = False
    if value is None:
        if durable or keep:
            value = stored_figures(key)
            in_database = value is not None
        if value is None and meanwhile is not None:
            waiting = meanwhile()
            if waiting is not None:
                return waiting
        if value is None:
            value = compute()
        cache.set(key, value, seconds)
    if keep and not in_database:
        caches[FIGURES].add(key, value)  # nothing if already kept (a key never changes)
    return value


def per_submission(name: str, campaign, compute, *, durable=False, keep=False):
    """`compute()` once per submission: stored (`stored`) under a key that any
    submission, reopening or deletion of the campaign's diagnostics changes, as the
    dashboard's figures are. One query when the shared cache has it."""
    key = f"snut-{name}:" + submissions_key(campaign, None)
    return stored(key, compute, durable=durable, keep=keep)


@dataclass(frozen=True)
class CampaignScores:
    """The scores of a campaign's latest submitted diagnostics, one column per measure
    aligned with `organisations`, nan where there is none. Arrays of numbers, so that
    a cached copy loads at once (a dict per office costs more to unpickle than the
    medians cost to compute)."""

    organisations: array  # of ids
    overall: array  # of scores
    axes: dict[str, array]  # axis code → scores

    def values(self, column: array, rows: list[int]) -> list[float]:
        return [column[row] for row in rows if not math.isnan(column[row])]


def campaign_scores(campaign_id: int) -> CampaignScores:
    """Two queries, over every participant of the campaign."""
    latest = latest_submitted().filter(campaign_id=campaign_id)
    # One row per organisation, so that the columns stay aligned with `organisations`.
    overall = dict(latest.values_list("organisation_id", "overall_score"))
    position = {organisation: row for row, organisation in enumerate(overall)}
    axes: dict[str, array] = {}
    for organisation, code, score in AxisScore.objects.filter(
        diagnostic__in=latest, score__isnull=False
    ).values_list("diagnostic__organisation_id", "axis__code", "score"):
        column = axes.get(code)
        if column is None:  # not setdefault: its default would be built for every row
            column = axes[code] = array("d", [math.nan]) * len(position)
        column[position[organisation]] = float(score)
    return CampaignScores(
        organisations=array("q", position),
        overall=array("d", (math.nan if s is None else float(s) for s in overall.values())),
        axes=axes,
    )
