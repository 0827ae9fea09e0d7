"""Read paths for an office's workshop sessions: on the programme, a session's page (its
registrations, live), the list to mark who came, and a workshop's figures. Each in a fixed
number of queries whatever the number of businesses and sessions."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from diagnostics.collation import french_key
from diagnostics.models import (
    Business,
    Office,
    SessionLink,
    SessionRegistration,
    Training,
    TrainingSession,
)

Status = SessionRegistration.Status


def with_counts(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Sessions annotated with their numbers of registered, waiting and present businesses."""
    return sessions.annotate(
        registered=Count("registrations", filter=Q(registrations__status=Status.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        present=Count("registrations", filter=Q(registrations__attended=True)),
    )


def office_sessions(office: Office) -> dict[int, list[TrainingSession]]:
    """The office's sessions still to come and those of the last 30 days, by workshop id,
    with their counts: one query."""
    since = timezone.now() - timedelta(days=30)
    sessions = with_counts(
        TrainingSession.objects.filter(office=office, ends__gte=since).select_related("training")
    ).order_by("starts", "pk")
    by_training: dict[int, list[TrainingSession]] = {}
    for session in sessions:
        by_training.setdefault(session.training_id, []).append(session)
    return by_training


@dataclass
class SessionRegistrations:
    """A session's registrations by status, each list in sign-up order."""

    registered: list[SessionRegistration] = field(default_factory=list)
    waiting: list[SessionRegistration] = field(default_factory=list)
    cancelled: list[SessionRegistration] = field(default_factory=list)

    @property
    def expected(self) -> list[SessionRegistration]:
        """Who may come: the registered, then the waiting list."""
        return self.registered + self.waiting

    @property
    def present(self) -> int:
        return sum(1 for r in self.expected if r.attended)


def session_registrations(session: TrainingSession) -> SessionRegistrations:
    """The session's registrations with their businesses: one query."""
    found = SessionRegistrations()
    rows = session.registrations.select_related("business").order_by("registered_at", "pk")
    for registration in rows:
        {
            Status.REGISTERED: found.registered,
            Status.WAITING: found.waiting,
            Status.CANCELLED: found.cancelled,
        }[registration.status].append(registration)
    return found


def addable_businesses(office: Office, session: TrainingSession) -> list[tuple[int, str]]:
    """The office's businesses not registered nor waiting for the session, in French
    order, as (id, « name, commune »): one query."""
    taken = session.registrations.exclude(status=Status.CANCELLED).values("business_id")
    rows = (
        Business.objects.filter(parent=office)
        .exclude(pk__in=taken)
        .values_list("pk", "name", "commune")
    )
    return sorted(
        ((pk, f"{name}, {commune}" if commune else name) for pk, name, commune in rows),
        key=lambda row: french_key(row[1]),
    )


def invited_business_ids(session: TrainingSession) -> set[int]:
    """The businesses already invited to the session: one query."""
    return set(
        SessionLink.objects.filter(
            session=session, purpose=SessionLink.Purpose.INVITATION
        ).values_list("business_id", flat=True)
    )


@dataclass
class Answers:
    """The two questions' answers of a workshop's (or a session's) attendees."""

    useful: list[tuple[str, int]]  # every choice in order, with its count
    next_steps: list[tuple[str, int]]
    answered: int


def _answers(registrations: QuerySet[SessionRegistration]) -> Answers:
    rows = registrations.filter(answered_at__isnull=False).values_list("useful", "next_step")
    useful: dict[str, int] = {}
    steps: dict[str, int] = {}
    answered = 0
    for u, n in rows:
        answered += 1
        useful[u] = useful.get(u, 0) + 1
        steps[n] = steps.get(n, 0) + 1
    return Answers(
        useful=[(str(label), useful.get(v, 0)) for v, label in SessionRegistration.Useful.choices],
        next_steps=[
            (str(label), steps.get(v, 0)) for v, label in SessionRegistration.NextStep.choices
        ],
        answered=answered,
    )


@dataclass
class WorkshopFigures:
    """An office's sessions of one workshop, and what they add up to."""

    sessions: list[TrainingSession]  # newest first, with their counts (with_counts)
    held: int  # sessions past, not cancelled
    registered: int  # registrations to those sessions
    present: int
    answers: Answers

    @property
    def upcoming(self) -> list[TrainingSession]:
        now = timezone.now()
        return [s for s in self.sessions if s.starts > now and not s.is_cancelled]

    @property
    def past(self) -> list[TrainingSession]:
        now = timezone.now()
        return [s for s in self.sessions if s.starts <= now or s.is_cancelled]

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.present / self.registered) if self.registered else None


def workshop_figures(office: Office, training: Training) -> WorkshopFigures:
    """The office's sessions of this workshop and their figures: two queries."""
    sessions = list(
        with_counts(TrainingSession.objects.filter(office=office, training=training)).order_by(
            "-starts", "-pk"
        )
    )
    now = timezone.now()
    held = [s for s in sessions if s.starts <= now and not s.is_cancelled]
    return WorkshopFigures(
        sessions=sessions,
        held=len(held),
        registered=sum(s.registered for s in held),
        present=sum(s.present for s in held),
        answers=_answers(
            SessionRegistration.objects.filter(
                session__office=office,
                session__training=training,
                session__cancelled_at__isnull=True,
                attended=True,
            )
        ),
    )


def session_answers(session: TrainingSession) -> Answers:
    """The session's attendees' answers: one query."""
    return _answers(session.registrations.filter(attended=True))


def business_registrations(business_id: int, session_ids) -> dict[int, str]:
    """The business's status (registered, waiting, cancelled) per session: one query."""
    return dict(
        SessionRegistration.objects.filter(
            business=business_id, session__in=list(session_ids)
        ).values_list("session_id", "status")
    )
