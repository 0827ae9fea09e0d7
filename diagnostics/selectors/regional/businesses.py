"""The network staff's view of the offices' business campaigns: medians and weak spots.

Read paths for the admin, each a fixed number of queries whatever the number of
offices and businesses: the database ranks the scores (selectors.statistics.middle) and
counts the weak answers; Python only arranges the few rows that come back.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    BusinessLink,
    Campaign,
    Department,
    Diagnostic,
    Questionnaire,
)
from diagnostics.selectors.statistics import medians, middle
from diagnostics.selectors.structure import questionnaire_axes
from diagnostics.selectors.trainings import weak_choices
from snut import page_memo


def _submitted():
    """Submitted diagnostics. One per organisation and campaign (the unique constraint
    diagnostic_one_per_campaign): no need of latest_submitted's anti-join,
    which would cost a lookup per diagnostic over 50,000 businesses."""
    return Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED)


MEDIANS_CACHE_SECONDS = 3600


def ids_key(ids) -> str:
    """A short key for a page's ids, in any order, for page_memo.kept."""
    return hashlib.sha256(",".join(map(str, sorted(set(ids)))).encode()).hexdigest()[:32]


def campaign_axis_medians(campaign_ids) -> dict[int, dict[str, float]]:
    """campaign id → {axis code: median score} over its submitted diagnostics: kept until
    a table they are drawn from is written other than by a draft (page_memo.kept); then
    cached under a key that any submission, reopening or deletion in these campaigns, or
    a revision of their questionnaire, changes (as the dashboard's figures are): the key
    reads these campaigns' diagnostics, the medians rank every axis score of them. No
    query when kept, one when cached, two otherwise."""
    ids = sorted(set(campaign_ids))
    if not ids:
        return {}
    return page_memo.kept(
        f"campaign-medians:{ids_key(ids)}", lambda: _stamped_medians(ids), drafts=False
    )


def _stamped_medians(ids: list[int]) -> dict[int, dict[str, float]]:
    stamp = (
        _submitted()
        .filter(campaign_id__in=ids)
        .aggregate(
            count=Count("pk"),
            ids=Sum("pk"),
            last=Max("submitted_at"),
            revised=Max("campaign__questionnaire__revised_at"),
        )
        .values()
    )
    key = "snut-campaign-medians:" + hashlib.sha256(repr([ids, *stamp]).encode()).hexdigest()
    medians = cache.get(key)
    if medians is None:
        medians = _campaign_axis_medians(ids)
        cache.set(key, medians, MEDIANS_CACHE_SECONDS)
    return medians


def _campaign_axis_medians(campaign_ids: list[int]) -> dict[int, dict[str, float]]:
    # A semi-join: PostgreSQL then reads the page's scores by index, not the whole table.
    scores = AxisScore.objects.filter(
        diagnostic__in=_submitted().filter(campaign_id__in=campaign_ids)
    )
    rows = middle(scores, "score", "diagnostic__campaign_id", "axis_id").values_list(
        "diagnostic__campaign_id", "axis__code", "score", "size"
    )
    by_axis = medians(((campaign, code), score, size) for campaign, code, score, size in rows)
    by_campaign: dict[int, dict[str, float]] = {}
    for (campaign, code), (median, _size) in by_axis.items():
        by_campaign.setdefault(campaign, {})[code] = median
    return by_campaign


# office_business_medians's query, as the ORM wrote it from statistics.middle (the middle
# rows of each office's latest business campaign): the ORM took about 8 ms to build and
# compile it (its window functions filtered through a subquery) for a fraction of a
# millisecond of the database's time, on every view of the office list.
OFFICE_BUSINESS_MEDIANS_SQL = """
SELECT organiser, score, size FROM (
    SELECT c.{organiser} AS organiser, d.{score} AS score,
        ROW_NUMBER() OVER (PARTITION BY c.{organiser} ORDER BY d.{score} ASC) AS place,
        COUNT(d.{id}) OVER (PARTITION BY c.{organiser}) AS size
    FROM {diagnostic} d INNER JOIN {campaign} c ON (d.{campaign_id} = c.{id})
    WHERE d.{status} = %s AND c.{organiser} IN ({ids}) AND d.{score} IS NOT NULL
        AND d.{campaign_id} = (
            SELECT u.{id} FROM {campaign} u WHERE u.{audience} = %s AND u.{organiser} = c.{organiser}
            ORDER BY u.{opens} DESC, u.{id} DESC LIMIT 1
        )
) ranked
WHERE place >= size / 2.0 AND place <= size / 2.0 + 1
"""


def office_business_medians(office_ids) -> dict[int, tuple[float, int]]:
    """office id → (median overall score, count) of its businesses' submitted
    diagnostics in its latest business campaign: one query, written out
    (OFFICE_BUSINESS_MEDIANS_SQL; the tests compare it with statistics.middle's), kept
    until a campaign or a diagnostic is written other than by a draft (page_memo.kept)."""
    ids = [int(pk) for pk in office_ids]
    if not ids:
        return {}
    return page_memo.kept(
        f"office-business-medians:{ids_key(ids)}",
        lambda: _office_business_medians(ids),
        drafts=False,
    )


def _office_business_medians(ids: list[int]) -> dict[int, tuple[float, int]]:
    quote = connection.ops.quote_name
    sql = OFFICE_BUSINESS_MEDIANS_SQL.format(
        diagnostic=quote(Diagnostic._meta.db_table),
        campaign=quote(Campaign._meta.db_table),
        id=quote("id"),
        organiser=quote(Campaign._meta.get_field("organiser").column),
        audience=quote(Campaign._meta.get_field("audience").column),
        opens=quote(Campaign._meta.get_field("opens").column),
        campaign_id=quote(Diagnostic._meta.get_field("campaign").column),
        status=quote(Diagnostic._meta.get_field("status").column),
        score=quote(Diagnostic._meta.get_field("overall_score").column),
        ids=", ".join(["%s"] * len(ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Diagnostic.Status.SUBMITTED, *ids, Audience.BUSINESSES])
        return medians(cursor.fetchall())


@dataclass
class WeakBusinessQuestion:
    question: object
    axis: object
    share: float  # mean share of the best points, 0–100
    answers: int
    weak: int  # businesses that answered it weakly
    by_department: list[int] = field(default_factory=list)  # weak answers, in `departments` order


@dataclass
class BusinessWeakness:
    questionnaire: Questionnaire | None
    diagnostics: int
    departments: list[Department]
    questions: list[WeakBusinessQuestion]


WEAKEST_CACHE_SECONDS = 3600


def business_weakest_questions(limit: int = 10) -> BusinessWeakness:
    """The businesses' weakest questions (see _weakest): the same for every staff reader,
    so kept in the shared cache until a table they are drawn from is written
    (page_memo.kept), not by a draft's autosave. No query when kept; otherwise drawn from
    `_weakest_cached`."""
    return page_memo.kept(
        f"business-weakest:{limit}",
        lambda: _weakest_cached(limit),
        WEAKEST_CACHE_SECONDS,  # its record names what the key read, not the answers
        drafts=False,
    )


def _weakest_cached(limit: int) -> BusinessWeakness:
    """Cached under a key that any business submission or a revision of the questionnaire
    changes: the aggregate reads every business answer, the key only the diagnostics.
    Two queries when cached."""
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).first()
    if questionnaire is None:
        return BusinessWeakness(None, 0, [], [])
    stamp = (
        Diagnostic.objects.filter(
            questionnaire=questionnaire,
            campaign__audience=Audience.BUSINESSES,
            status=Diagnostic.Status.SUBMITTED,
        )
        .aggregate(count=Count("pk"), ids=Sum("pk"), last=Max("submitted_at"))
        .values()
    )
    parts = [questionnaire.pk, questionnaire.revised_at, limit, *stamp]
    key = "snut-business-weakest:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    weakness = cache.get(key)
    if weakness is None:
        weakness = _weakest(questionnaire, limit)
        cache.set(key, weakness, WEAKEST_CACHE_SECONDS)
    return weakness


def _weakest(questionnaire: Questionnaire, limit: int) -> BusinessWeakness:
    """Where the region's businesses are weakest, across every office's campaigns on
    the latest business questionnaire: the `limit` questions with the lowest mean
    share of the best points, and how many businesses answered each weakly, by
    department (where regional workshops or tools should go). Six queries."""
    axes = questionnaire_axes(questionnaire)  # two queries, prefetched
    questions = {q.pk: (q, axis) for axis in axes for q in axis.questions.all()}
    best = {pk: q.best_points for pk, (q, _a) in questions.items()}
    submitted = _submitted().filter(
        questionnaire=questionnaire, campaign__audience=Audience.BUSINESSES
    )
    answers = Answer.objects.filter(diagnostic__in=submitted, choice__isnull=False)
    rows = answers.values("question_id").annotate(
        mean_points=Avg("choice__points"), answers=Count("pk")
    )
    weakest = sorted(
        (
            WeakBusinessQuestion(
                question=questions[row["question_id"]][0],
                axis=questions[row["question_id"]][1],
                share=100 * float(row["mean_points"]) / best[row["question_id"]],
                answers=row["answers"],
                weak=0,
            )
            for row in rows
            if best.get(row["question_id"])
        ),
        key=lambda w: (w.share, w.axis.order, w.question.order),
    )[:limit]
    weak = weak_choices(questionnaire, {w.question.code for w in weakest})
    counts = (
        answers.filter(choice__in=weak)
        .values_list("question_id", "diagnostic__organisation__department")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_question: dict[int, dict[str, int]] = {}
    for question_id, department, n in counts:
        by_question.setdefault(question_id, {})[department] = n
    codes = sorted({d for found in by_question.values() for d in found})
    departments = list(Department.objects.filter(code__in=codes).order_by("code"))
    for weak in weakest:
        found = by_question.get(weak.question.pk, {})
        weak.weak = sum(found.values())
        weak.by_department = [found.get(d.code, 0) for d in departments]
    return BusinessWeakness(questionnaire, submitted.count(), departments, weakest)


def _count(queryset) -> Subquery:
    """How many rows of `queryset` (filtered on OuterRef("pk")), as a subquery."""
    counted = queryset.order_by().values("campaign").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


CAMPAIGN_COUNTS = ("n_invited", "n_started", "n_submitted")


def business_campaign_counts(queryset):
    """Business campaigns annotated with invited (businesses given a link), started (a
    diagnostic exists, submitted or not) and submitted counts (CAMPAIGN_COUNTS): one query
    with the list. Each count is a subquery per campaign: a list sorted by another column
    reads them after pagination instead (campaign_counts)."""
    diagnostics = Diagnostic.objects.filter(campaign=OuterRef("pk"))
    return queryset.annotate(
        n_invited=_count(
            BusinessLink.objects.filter(campaign=OuterRef("pk"), revoked_at__isnull=True)
        ),
        n_started=_count(diagnostics.exclude(status=Diagnostic.Status.REPLACED)),
        n_submitted=_count(diagnostics.filter(status=Diagnostic.Status.SUBMITTED)),
    )


def campaign_counts(campaign_ids) -> dict[int, tuple[int, int, int]]:
    """campaign id → (invited, started, submitted), as business_campaign_counts counts
    them, for these campaigns only: two grouped queries, which the ORM builds in a
    fraction of the time its three correlated subqueries took (about 4 ms a view); kept
    until a link or a diagnostic is written (page_memo.kept), a draft's creation included,
    not by a draft's autosave (its answers and activity), which changes no count."""
    ids = list(campaign_ids)
    return page_memo.kept(
        f"campaign-counts:{ids_key(ids)}", lambda: _campaign_counts(ids), drafts=False
    )


def _campaign_counts(ids: list[int]) -> dict[int, tuple[int, int, int]]:
    invited = dict(
        BusinessLink.objects.filter(campaign_id__in=ids, revoked_at__isnull=True)
        .order_by()
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
    )
    diagnostics = (
        Diagnostic.objects.filter(campaign_id__in=ids)
        .order_by()
        .values_list("campaign_id")
        .annotate(
            started=Count("pk", filter=~Q(status=Diagnostic.Status.REPLACED)),
            submitted=Count("pk", filter=Q(status=Diagnostic.Status.SUBMITTED)),
        )
    )
    counted = {pk: (started, submitted) for pk, started, submitted in diagnostics}
    return {pk: (invited.get(pk, 0), *counted.get(pk, (0, 0))) for pk in ids}
