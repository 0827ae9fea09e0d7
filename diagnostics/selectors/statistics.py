"""Medians and per-submission figures: the database ranks the scores, Python only picks the middle."""

import hashlib
import math
from array import array
from dataclasses import dataclass
from functools import partial

from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import RowNumber

from diagnostics.models import AxisScore, Campaign, Diagnostic
from diagnostics.selectors.stored_figures import stored

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


def submissions_key(campaign: Campaign, previous: Campaign | None) -> str:
    """Changes whenever a diagnostic of either campaign is submitted or deleted, or
    their questionnaire is revised: one query.

    Submitted diagnostics never change, so neither do the figures drawn from them.
    """
    return submissions_stamp(campaign, previous)[0]


def submissions_stamp(
    campaign: Campaign, previous: Campaign | None, *, settled_before=None
) -> tuple[str, object, object]:
    """`submissions_key`, when the latest of those diagnostics was submitted and, given
    `settled_before` (a time), the latest submitted before it (None where there is none):
    one query."""
    diagnostics = Diagnostic.objects.filter(
        campaign__in=[c.pk for c in (campaign, previous) if c], status=Diagnostic.Status.SUBMITTED
    )
    settled = {}
    if settled_before is not None:
        settled["settled"] = Max("submitted_at", filter=Q(submitted_at__lt=settled_before))
    stamp = diagnostics.aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        last=Max("submitted_at"),
        revised=Max("campaign__questionnaire__revised_at"),
        **settled,
    )
    parts = [campaign.pk, previous.pk if previous else 0]
    parts += [stamp[name] for name in ("count", "ids", "last", "revised")]
    key = "snut-dashboard-v3:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    return key, stamp["last"], stamp.get("settled")


def per_submission(
    name: str, campaign, compute, *, durable=False, keep=False, inputs=None, share_row=True
):
    """`compute()` once per submission: stored (`stored_figures.stored`) under a key that
    any submission, reopening or deletion of the campaign's diagnostics changes, as the
    dashboard's figures are; `durable`, `keep`: in the database too, one row per campaign.
    One query when the shared cache has it.

    `inputs`: a function reading whatever else the figure is drawn from (the participants'
    names and departments, the trainings' questions), called after the submissions' key is
    read; `compute(read)` then gets what it read, and the key names its digest, so that a
    row kept before they changed is never read back. The task's `current()` reads both
    again: a figure drawn while either changed is kept nowhere. `share_row`: as `stored`'s."""
    key, last, _settled = submissions_stamp(campaign, None)
    read = None if inputs is None else inputs()
    digest = _digest(read)
    key = f"snut-{name}:{key}{digest}"
    place = f"snut-{name}:{campaign.pk}" if durable or keep else None

    def current() -> str:
        stamp = submissions_stamp(campaign, None)[0]
        return f"snut-{name}:{stamp}{_digest(None if inputs is None else inputs())}"

    drawn = compute if inputs is None else partial(compute, read)
    return stored(
        key, drawn, place=place, last=last, keep=keep, current=current, share_row=share_row
    )


def _digest(read) -> str:
    return "" if read is None else ":" + hashlib.sha256(repr(read).encode()).hexdigest()


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
