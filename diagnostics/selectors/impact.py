"""Read paths for the workshops' impact: who came, who is due a re-diagnosis, and how the
businesses' scores moved since (the arithmetic is diagnostics/evolution.py's).

A fixed number of queries whatever the number of businesses and sessions; only aggregates
leave these functions, each shown from MIN_GROUP businesses (selectors/territory.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
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
class Attendance:
    business_id: int
    training_id: int
    title: str
    starts: datetime


@dataclass(frozen=True)
class DiagnosticRow:
    pk: int
    business_id: int
    campaign_id: int
    submitted: bool
    submitted_at: datetime | None
    overall: float | None


@dataclass(frozen=True)
class ImpactData:
    """What the territory page's impact reads once: who came to which session, and the
    office's business diagnostics (drafts too). Two queries."""

    attended: list[Attendance]
    diagnostics: list[DiagnosticRow]

    def days(self) -> dict[int, list[date]]:
        found = defaultdict(list)
        for a in self.attended:
            found[a.business_id].append(timezone.localdate(a.starts))
        return found


def impact_data(office: Office) -> ImpactData:
    attended = [
        Attendance(*row)
        for row in attendances(office).values_list(
            "business_id", "session__training_id", "session__training__title", "session__starts"
        )
    ]
    diagnostics = [
        DiagnosticRow(pk, business, campaign, status == Diagnostic.Status.SUBMITTED, at, score)
        for pk, business, campaign, status, at, score in Diagnostic.objects.filter(
            organisation__parent=office,
            campaign__audience=Audience.BUSINESSES,
            status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
        ).values_list(
            "pk", "organisation_id", "campaign_id", "status", "submitted_at", "overall_score"
        )
    ]
    return ImpactData(attended, diagnostics)


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


def territory_evolution(
    office: Office, axes: list[Axis], data: ImpactData | None = None
) -> TerritoryEvolution:
    """Attendees' scores by axis against the other businesses', first diagnostic to latest:
    three queries, one with `data` (impact_data, shared with the page's other reads). Only
    the axis scores of businesses with two submitted diagnostics, or that came to a
    workshop, are read."""
    data = data or impact_data(office)
    days = data.days()
    submitted = [d for d in data.diagnostics if d.submitted]
    per_business = Counter(d.business_id for d in submitted)
    measures: dict[int, tuple[int, date, dict]] = {
        d.pk: (
            d.business_id,
            timezone.localdate(d.submitted_at),
            {OVERALL: None if d.overall is None else float(d.overall)},
        )
        for d in submitted
        if per_business[d.business_id] > 1 or d.business_id in days
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


def rediagnosis_due(
    office: Office, campaign: Campaign | None, today: date, data: ImpactData | None = None
) -> list[DueBusiness]:
    """The office's businesses due a re-diagnosis, in French order of names: four queries,
    two with `data` (impact_data, shared with the page's other reads).

    Due: its first workshop after its latest submitted diagnostic was at least the
    office's delay ago. `campaign` (the office's current business campaign) tells those
    already invited in it, started, or that answered it before their workshop and can
    only update their diagnostic in the next one.
    """
    data = data or impact_data(office)
    cutoff = _day_end(months_before(today, office.rediagnosis_months))
    latest: dict[int, datetime] = {}
    for d in data.diagnostics:
        if d.submitted and (d.business_id not in latest or d.submitted_at > latest[d.business_id]):
            latest[d.business_id] = d.submitted_at
    first_after: dict[int, Attendance] = {}
    for a in sorted(data.attended, key=lambda a: a.starts):
        since = latest.get(a.business_id)
        if since is not None and a.starts > since and a.business_id not in first_after:
            first_after[a.business_id] = a
    due = {pk: a for pk, a in first_after.items() if a.starts < cutoff}
    if not due:
        return []
    in_campaign = {
        d.business_id: d.submitted
        for d in data.diagnostics
        if campaign is not None and d.campaign_id == campaign.pk
    }
    invited: dict[int, datetime] = {}
    if campaign is not None:
        links = BusinessLink.objects.filter(
            campaign=campaign, rediagnosis=True, business_id__in=list(due)
        ).values_list("business_id", "created_at")
        for business_id, created_at in links:
            if created_at > due[business_id].starts:
                invited[business_id] = max(created_at, invited.get(business_id, created_at))
    found = []
    for pk, name, email in Business.objects.filter(pk__in=list(due)).values_list(
        "pk", "name", "email"
    ):
        if pk in in_campaign:
            state = "next_campaign" if in_campaign[pk] else "started"
        else:
            state = "invited" if pk in invited else "to_invite"
        attended = due[pk]
        found.append(
            DueBusiness(
                pk, name, email, attended.starts, attended.title, latest[pk], invited.get(pk), state
            )
        )
    return sorted(found, key=lambda d: french_key(d.name))


def attended_workshops(
    office: Office, data: ImpactData | None = None
) -> list[tuple[int, str, int]]:
    """The workshops the office's businesses came to: (id, title, attendees), in French
    order; no query with `data`."""
    data = data or impact_data(office)
    businesses: dict[tuple[int, str], set[int]] = defaultdict(set)
    for a in data.attended:
        businesses[(a.training_id, a.title)].add(a.business_id)
    return sorted(
        ((pk, title, len(came)) for (pk, title), came in businesses.items()),
        key=lambda row: french_key(row[1]),
    )
