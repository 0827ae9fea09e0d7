"""Read paths for the workshops' impact: who came, who is due a re-diagnosis, and how the
businesses' scores moved since (the arithmetic is diagnostics/evolution.py's).

A fixed number of queries whatever the number of businesses and sessions; only aggregates
leave these functions, each shown from MIN_GROUP businesses (selectors/territory.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from diagnostics import evolution
from diagnostics.collation import french_key
from diagnostics.models import (
    Answer,
    Audience,
    Axis,
    AxisScore,
    Business,
    BusinessLink,
    Campaign,
    Choice,
    Diagnostic,
    Office,
    SessionRegistration,
    Training,
)

OVERALL = "overall"  # the evolution's key for the overall score, beside the axis codes


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def attendances(office: Office) -> QuerySet[SessionRegistration]:
    """Who came to the sessions the office ran (not cancelled, marked present)."""
    return SessionRegistration.objects.filter(
        business__parent=office,
        session__office=office,
        session__cancelled_at__isnull=True,
        attended=True,
    )


def _submitted(office: Office) -> QuerySet[Diagnostic]:
    return Diagnostic.objects.filter(
        organisation__parent=office,
        campaign__audience=Audience.BUSINESSES,
        status=Diagnostic.Status.SUBMITTED,
    )


def _attended_days(registrations: QuerySet[SessionRegistration]) -> dict[int, list[date]]:
    days = defaultdict(list)
    for business_id, starts in registrations.values_list("business_id", "session__starts"):
        days[business_id].append(timezone.localdate(starts))
    return days


@dataclass(frozen=True)
class TerritoryEvolution:
    axes: list[Axis]
    comparison: evolution.Comparison

    @property
    def rows(self) -> list[tuple[str, tuple[evolution.KeyEvolution, evolution.KeyEvolution]]]:
        """(label, (attendees, others)) per axis, then the overall score (label "")."""
        keys = [(axis.name, axis.code) for axis in self.axes] + [("", OVERALL)]
        groups = (self.comparison.attendees, self.comparison.others)
        return [(label, tuple(g.of(key) for g in groups)) for label, key in keys]


def territory_evolution(office: Office, axes: list[Axis]) -> TerritoryEvolution:
    """Attendees' scores by axis against the other businesses', first diagnostic to latest:
    three queries. Only the axis scores of businesses with two submitted diagnostics, or
    that came to a workshop, are read."""
    days = _attended_days(attendances(office))
    diagnostics = list(
        _submitted(office).values_list("pk", "organisation_id", "submitted_at", "overall_score")
    )
    per_business = Counter(business_id for _pk, business_id, _at, _score in diagnostics)
    kept = [row for row in diagnostics if per_business[row[1]] > 1 or row[1] in days]
    measures: dict[int, tuple[int, date, dict]] = {
        pk: (
            business_id,
            timezone.localdate(submitted_at),
            {OVERALL: None if overall is None else float(overall)},
        )
        for pk, business_id, submitted_at, overall in kept
    }
    rows = AxisScore.objects.filter(diagnostic_id__in=list(measures)).values_list(
        "diagnostic_id", "axis__code", "score"
    )
    for pk, code, score in rows:
        measures[pk][2][code] = None if score is None else float(score)
    by_business = defaultdict(list)
    for business_id, taken, scores in measures.values():
        by_business[business_id].append(evolution.Measure(taken, scores))
    trajectories = [
        evolution.Trajectory(
            business_id, by_business.get(business_id, []), days.get(business_id, ())
        )
        for business_id in set(by_business) | set(days)
    ]
    keys = [axis.code for axis in axes] + [OVERALL]
    return TerritoryEvolution(axes=axes, comparison=evolution.compare(trajectories, keys))


@dataclass(frozen=True)
class QuestionEvolution:
    code: str
    text: str
    figures: evolution.KeyEvolution


@dataclass(frozen=True)
class WorkshopEvolution:
    attendees: int  # businesses that came to one of its sessions
    compared: int  # of them, diagnosed before and after
    questions: list[QuestionEvolution]


def workshop_evolution(office: Office, workshop: Training) -> WorkshopEvolution:
    """For the businesses that came to the workshop, each of its questions before and
    after (the points of their answer, on 100): three queries."""
    questions = {}
    for question in workshop.questions.order_by("axis__order", "order", "pk"):
        questions.setdefault(question.code, question.text)
    registrations = attendances(office).filter(session__training=workshop)
    days = _attended_days(registrations)
    best = Choice.objects.filter(question=OuterRef("question")).order_by("-points")
    rows = (
        Answer.objects.filter(
            diagnostic__in=_submitted(office),
            diagnostic__organisation_id__in=registrations.values("business_id"),
            question__code__in=list(questions),
            choice__isnull=False,
        )
        .annotate(best=Subquery(best.values("points")[:1]))
        .values_list(
            "diagnostic_id",
            "diagnostic__organisation_id",
            "diagnostic__submitted_at",
            "question__code",
            "choice__points",
            "best",
        )
    )
    measures: dict[int, tuple[int, date, dict]] = {}
    for pk, business_id, submitted_at, code, points, best_points in rows:
        entry = measures.setdefault(pk, (business_id, timezone.localdate(submitted_at), {}))
        entry[2][code] = 100 * points / best_points if best_points else None
    by_business = defaultdict(list)
    for business_id, taken, scores in measures.values():
        by_business[business_id].append(evolution.Measure(taken, scores))
    comparison = evolution.compare(
        [
            evolution.Trajectory(pk, by_business.get(pk, []), attended)
            for pk, attended in days.items()
        ],
        list(questions),
    )
    return WorkshopEvolution(
        attendees=len(days),
        compared=comparison.attendees.businesses,
        questions=[
            QuestionEvolution(code, text, comparison.attendees.of(code))
            for code, text in questions.items()
        ],
    )


# --- re-diagnosis ------------------------------------------------------------------


@dataclass(frozen=True)
class DueBusiness:
    """A business that came to a workshop at least `rediagnosis_months` ago and has not
    submitted a diagnostic since."""

    pk: int
    name: str
    email: str
    attended_at: datetime
    workshop: str
    submitted_at: datetime
    invited_at: datetime | None
    state: str  # one of DUE_STATES

    @property
    def can_invite(self) -> bool:
        return self.state in ("to_invite", "invited")


DUE_STATES = ("to_invite", "invited", "started", "next_campaign")


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def rediagnosis_due(office: Office, campaign: Campaign | None, today: date) -> list[DueBusiness]:
    """The office's businesses due a re-diagnosis, in French order of names: one query.

    Due: its first workshop after its latest submitted diagnostic was at least the
    office's delay ago. `campaign` (the office's current business campaign) tells those
    already invited in it, started, or that answered it before their workshop and can
    only update their diagnostic in the next one.
    """
    cutoff = _day_end(months_before(today, office.rediagnosis_months))
    latest = _submitted(office).filter(organisation=OuterRef("pk")).order_by("-submitted_at")
    first_after = (
        attendances(office)
        .filter(business=OuterRef("pk"), session__starts__gt=OuterRef("submitted_at"))
        .order_by("session__starts")
    )
    invited = BusinessLink.objects.filter(
        business=OuterRef("pk"),
        campaign=campaign,
        rediagnosis=True,
        created_at__gt=OuterRef("attended_at"),
    ).order_by("-created_at")
    in_campaign = Diagnostic.objects.filter(organisation=OuterRef("pk"), campaign=campaign)
    rows = (
        # Only businesses that came to a session: a few among the office's hundreds.
        Business.objects.filter(parent=office, pk__in=attendances(office).values("business_id"))
        .annotate(submitted_at=Subquery(latest.values("submitted_at")[:1]))
        .filter(submitted_at__isnull=False)
        .annotate(
            attended_at=Subquery(first_after.values("session__starts")[:1]),
            workshop=Subquery(first_after.values("session__training__title")[:1]),
        )
        .filter(attended_at__lt=cutoff)
        .annotate(
            invited_at=Subquery(invited.values("created_at")[:1]),
            started=Exists(in_campaign.filter(status=Diagnostic.Status.DRAFT)),
            answered=Exists(in_campaign.filter(status=Diagnostic.Status.SUBMITTED)),
        )
        .values_list(
            "pk",
            "name",
            "email",
            "attended_at",
            "workshop",
            "submitted_at",
            "invited_at",
            "started",
            "answered",
        )
    )
    found = []
    for pk, name, email, attended_at, workshop, submitted_at, invited_at, started, answered in rows:
        state = (
            "started"
            if started
            else "next_campaign"
            if answered
            else "invited"
            if invited_at
            else "to_invite"
        )
        found.append(
            DueBusiness(pk, name, email, attended_at, workshop, submitted_at, invited_at, state)
        )
    return sorted(found, key=lambda due: french_key(due.name))


def attended_workshops(office: Office) -> list[tuple[int, str, int]]:
    """The workshops the office's businesses came to: (id, title, attendees), one query."""
    rows = (
        attendances(office)
        .values("session__training_id", "session__training__title")
        .annotate(n=Count("business_id", distinct=True))
        .order_by("session__training__title", "session__training_id")
    )
    return sorted(
        ((r["session__training_id"], r["session__training__title"], r["n"]) for r in rows),
        key=lambda row: french_key(row[1]),
    )
