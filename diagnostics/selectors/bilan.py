"""« Bilan de l'animation numérique »: an office's year with its businesses, for its board
and the elected officials — who was diagnosed, the workshops held, who came and what they
said, how attendees' scores moved, and next year's programme.

Aggregates only (never a business's name), each activity's median from MIN_GROUP
businesses; a fixed number of queries whatever the number of businesses and sessions.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation

from diagnostics.models import (
    Audience,
    Business,
    Campaign,
    Diagnostic,
    Office,
    SessionRegistration,
    TrainingSession,
)
from diagnostics.selectors import regional
from diagnostics.selectors.impact import TerritoryEvolution, territory_evolution
from diagnostics.selectors.programme import PROGRAMME_SHOWN, ProposedWorkshop, needed_workshops
from diagnostics.selectors.territory import MIN_GROUP, latest_business_campaign, respondents
from snut import page_memo

REGISTERED = SessionRegistration.Status.REGISTERED
WAITING = SessionRegistration.Status.WAITING


@dataclass(frozen=True)
class SegmentFigures:
    label: str
    count: int
    median: float | None  # of the overall score; None below MIN_GROUP

    @property
    def shown(self) -> bool:
        return self.count >= MIN_GROUP


@dataclass
class WorkshopFigures:
    title: str
    sessions: int = 0
    registered: int = 0
    attended: int = 0
    marked: int = 0  # registered businesses whose presence or absence was noted

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attended / self.marked) if self.marked else None


@dataclass(frozen=True)
class NextSession:
    title: str
    starts: datetime
    where: str
    capacity: int | None
    registered: int


@dataclass
class Bilan:
    office: Office
    year: int
    diagnosed: int  # businesses with a diagnostic submitted in the year
    segments: list[SegmentFigures]
    median: float | None
    workshops: list[WorkshopFigures]
    cancelled: int
    waiting: int
    useful: dict[str, int]
    next_steps: dict[str, int]
    evolution: TerritoryEvolution | None
    next_sessions: list[NextSession]
    proposed: list[ProposedWorkshop] = field(default_factory=list)

    @property
    def sessions(self) -> int:
        return sum(w.sessions for w in self.workshops)

    @property
    def registered(self) -> int:
        return sum(w.registered for w in self.workshops)

    @property
    def attended(self) -> int:
        return sum(w.attended for w in self.workshops)

    @property
    def attendance_percent(self) -> int | None:
        marked = sum(w.marked for w in self.workshops)
        return round(100 * self.attended / marked) if marked else None

    @property
    def answered(self) -> int:
        return sum(self.useful.values())

    def useful_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.useful.get(value, 0))
            for value, label in SessionRegistration.Useful.choices
        ]

    def next_step_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.next_steps.get(value, 0))
            for value, label in SessionRegistration.NextStep.choices
        ]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year's first and next year's first instants, in Paris time."""
    return tuple(
        timezone.make_aware(datetime.combine(date(y, 1, 1), time.min)) for y in (year, year + 1)
    )


def years(office: Office, today: date) -> list[int]:
    """The years a bilan can be asked for: from the office's first business campaign to this
    one, latest first: one query."""
    first = (
        Campaign.objects.filter(organiser=office, audience=Audience.BUSINESSES)
        .order_by("opens")
        .values_list("opens", flat=True)
        .first()
    )
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, start - 1, -1))


def _segments(office: Office, start: datetime, end: datetime):
    rows = (
        Diagnostic.objects.filter(
            organisation__parent=office,
            campaign__audience=Audience.BUSINESSES,
            status=Diagnostic.Status.SUBMITTED,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .order_by("organisation_id", "submitted_at")
        .values_list("organisation_id", "organisation__segment", "overall_score")
    )
    latest = {business: (segment, score) for business, segment, score in rows}
    by_segment: dict[str, list[float]] = {}
    for segment, score in latest.values():
        by_segment.setdefault(segment, []).append(None if score is None else float(score))
    figures = []
    for value, label in Business.Segment.choices:
        scores = by_segment.get(value)
        if not scores:
            continue
        known = [s for s in scores if s is not None]
        median = statistics.median(known) if len(scores) >= MIN_GROUP and known else None
        figures.append(SegmentFigures(str(label), len(scores), median))
    every = [float(s) for _seg, s in latest.values() if s is not None]
    overall = statistics.median(every) if len(latest) >= MIN_GROUP and every else None
    return len(latest), figures, overall


def _attendance_counts() -> dict:
    """Sessions, registered, present, and registered whose presence was noted: the
    annotations of a grouping of sessions."""
    return {
        "sessions": Count("pk", distinct=True),
        "registered": Count("registrations", filter=Q(registrations__status=REGISTERED)),
        "attended": Count("registrations", filter=Q(registrations__attended=True)),
        "marked": Count(
            "registrations",
            filter=Q(registrations__status=REGISTERED, registrations__attended__isnull=False),
        ),
    }


def _workshops(office: Office, start: datetime, end: datetime, now: datetime):
    held = TrainingSession.objects.filter(office=office, starts__gte=start, starts__lt=end)
    cancelled = held.filter(cancelled_at__isnull=False).count()
    rows = (
        held.filter(cancelled_at__isnull=True, starts__lt=now)
        .values("training_id", "training__title")
        .annotate(**_attendance_counts())
        .order_by("-sessions", "training__title")
    )
    workshops = [
        WorkshopFigures(
            r["training__title"], r["sessions"], r["registered"], r["attended"], r["marked"]
        )
        for r in rows
    ]
    return workshops, cancelled


def _answers(office: Office, start: datetime, end: datetime, now: datetime):
    registrations = SessionRegistration.objects.filter(
        session__office=office,
        session__starts__gte=start,
        session__starts__lt=min(end, now),
        session__cancelled_at__isnull=True,
    )
    rows = registrations.values_list("status", "attended", "useful", "next_step")
    waiting = 0
    useful, next_steps = Counter(), Counter()
    for status, attended, answer, step in rows:
        waiting += status == WAITING
        if attended and answer:
            useful[answer] += 1
        if attended and step:
            next_steps[step] += 1
    return waiting, dict(useful), dict(next_steps)


def _next_sessions(office: Office, year: int, now: datetime) -> list[NextSession]:
    start, end = year_bounds(year + 1)
    sessions = (
        TrainingSession.objects.filter(
            office=office, starts__gte=max(start, now), starts__lt=end, cancelled_at__isnull=True
        )
        .select_related("training")
        .annotate(n=Count("registrations", filter=Q(registrations__status=REGISTERED)))
        .order_by("starts", "pk")
    )
    return [NextSession(s.training.title, s.starts, s.where, s.capacity, s.n) for s in sessions]


def bilan(office: Office, year: int, now: datetime | None = None) -> Bilan:
    """The office's year, the same for every member: kept in the shared cache until a table
    it is drawn from is written (page_memo.kept), not by a draft's autosave, and for
    `PAGE_MEMO_SECONDS` at most, as a page the memo keeps (a session begun since counts
    then). Given `now`, drawn at that time. No query when kept, about fifteen otherwise."""
    if now is not None:
        return _bilan(office, year, now)
    key = f"bilan:{office.pk}:{year}:{translation.get_language()}"
    return _kept_today(key, lambda: _bilan(office, year, timezone.now()))


def _kept_today(key: str, compute):
    """`compute()` kept for every reader until a table it read is written (page_memo.kept,
    blind to drafts), within the day and for `PAGE_MEMO_SECONDS` at most, as a page the
    memo keeps: what depends on the clock (a session begun) moves on."""
    return page_memo.kept(
        f"{key}:{timezone.localdate().isoformat()}",
        compute,
        settings.PAGE_MEMO_SECONDS,
        drafts=False,
    )


def _bilan(office: Office, year: int, now: datetime) -> Bilan:
    start, end = year_bounds(year)
    diagnosed, segments, median = _segments(office, start, end)
    workshops, cancelled = _workshops(office, start, end, now)
    waiting, useful, next_steps = _answers(office, start, end, now)
    campaign = latest_business_campaign(office)
    evolution = None
    proposed: list[ProposedWorkshop] = []
    if campaign is not None:
        evolution = territory_evolution(office, regional.campaign_axes(campaign))
        found = respondents(office, campaign)
        proposed = needed_workshops(office, campaign, found)[:PROGRAMME_SHOWN]
    return Bilan(
        office=office,
        year=year,
        diagnosed=diagnosed,
        segments=segments,
        median=median,
        workshops=workshops,
        cancelled=cancelled,
        waiting=waiting,
        useful=useful,
        next_steps=next_steps,
        evolution=evolution,
        next_sessions=_next_sessions(office, year, now),
        proposed=proposed,
    )


@dataclass(frozen=True)
class DepartmentSessions:
    code: str
    name: str
    offices: int  # offices that held at least one session
    sessions: int
    registered: int
    attended: int
    marked: int

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attended / self.marked) if self.marked else None


def sessions_by_department(
    year: int, region: str = "", now: datetime | None = None
) -> list[DepartmentSessions]:
    """The network's view of the offices' workshops: per department, the sessions held in
    the year (not cancelled, started), registrations and attendance; only the departments
    of `region` (code) if given. The same for every staff reader: kept as `bilan` is (a
    session begun since counts within `PAGE_MEMO_SECONDS`); given `now`, drawn at that
    time. No query when kept, one otherwise."""
    if now is not None:
        return _sessions_by_department(year, region, now)
    key = f"sessions-by-department:{year}:{region}"
    return _kept_today(key, lambda: _sessions_by_department(year, region, timezone.now()))


def _sessions_by_department(year: int, region: str, now: datetime) -> list[DepartmentSessions]:
    start, end = year_bounds(year)
    sessions = TrainingSession.objects.filter(
        office__isnull=False,
        cancelled_at__isnull=True,
        starts__gte=start,
        starts__lt=min(end, now),
    )
    if region:
        sessions = sessions.filter(office__department__region__code=region)
    rows = (
        sessions.values("office__department__code", "office__department__name")
        .annotate(offices=Count("office", distinct=True), **_attendance_counts())
        .order_by("office__department__code")
    )
    return [
        DepartmentSessions(
            r["office__department__code"],
            r["office__department__name"],
            r["offices"],
            r["sessions"],
            r["registered"],
            r["attended"],
            r["marked"],
        )
        for r in rows
    ]
