"""The demo office's workshop sessions: two held since its businesses' diagnostics, with
who came and their answers to the two questions, and one to come, full, with its waiting
list and the invitations sent.

Called by seed_demo once the businesses have answered (the sessions follow the
programme: its three workshops most needed). Idempotent: nothing if the office already
runs a session. Written directly, with the dates of the story; no e-mail leaves.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from diagnostics.models import (
    Office,
    SessionLink,
    SessionRegistration,
    Training,
    TrainingSession,
)
from diagnostics.selectors import programme, territory
from diagnostics.selectors.preferences import business_preferences
from diagnostics.tokens import unusable_hash

Status = SessionRegistration.Status
Source = SessionRegistration.Source

# (days from today, seats, registered, on the waiting list): two held, one to come, full.
DEMO_SESSIONS = [(-20, 12, 10, 0), (-9, 10, 9, 0), (12, 8, 8, 2)]
PLACES = ["Office de tourisme, salle du premier étage", "Médiathèque, salle numérique"]
FACILITATORS = ["Claire Martin, animatrice numérique", "Julien Roux, conseiller en séjour"]
USEFUL = ["yes", "yes", "yes", "partly", "partly", "no"]
NEXT = ["further", "further", "appointment", "other_topic", "alone"]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def seed_sessions(office: Office, today: date, director=None) -> int:
    """The demo office's three sessions (see above): how many were created."""
    if TrainingSession.objects.filter(office=office).exists():
        return 0
    campaign = territory.latest_business_campaign(office)
    if campaign is None:
        return 0
    found = territory.respondents(office, campaign)
    preferences = business_preferences(office, campaign)
    proposed = [
        p
        for p in programme.programme(office, campaign, found, preferences.wishes)
        if p.training.format == Training.Format.WORKSHOP and len(p.named) >= 12
    ][:3]
    rng = random.Random(office.slug)
    created = 0
    for index, (entry, (days, seats, registered, waiting)) in enumerate(
        zip(proposed, DEMO_SESSIONS, strict=False)
    ):
        day = _weekday(today + timedelta(days=days))
        starts = _at(day, 9, 30) if index != 1 else _at(day, 14)
        session = TrainingSession.objects.create(
            training=entry.training,
            office=office,
            starts=starts,
            ends=starts + timedelta(hours=2),
            place=PLACES[index % 2],
            capacity=seats,
            facilitator=FACILITATORS[index % 2],
            partner="Chambre de commerce et d’industrie" if index == 0 else "",
            created_by=director,
            created_at=starts - timedelta(days=21),
            invitations_sent_at=starts - timedelta(days=20),
            reminder_sent_at=starts - timedelta(days=2) if days < 0 else None,
        )
        invited = sorted(entry.named, key=lambda r: r.name)[: registered + waiting + 4]
        SessionLink.objects.bulk_create(
            SessionLink(
                session=session,
                business_id=r.business_id,
                purpose=SessionLink.Purpose.INVITATION,
                token_hash=unusable_hash(),
                created_at=session.invitations_sent_at,
                sent_at=session.invitations_sent_at,
                expires_at=SessionLink.expiry(session),
            )
            for r in invited
        )
        rows = []
        for position, respondent in enumerate(invited[: registered + waiting]):
            source = [Source.INVITATION, Source.INVITATION, Source.PAGE, Source.OFFICE][
                position % 4
            ]
            row = SessionRegistration(
                session=session,
                business_id=respondent.business_id,
                status=Status.REGISTERED if position < registered else Status.WAITING,
                source=source,
                registered_at=session.invitations_sent_at
                + timedelta(days=position // 3, hours=1 + 2 * (position % 3), minutes=7 * position),
                added_by=director if source == Source.OFFICE else None,
            )
            if days < 0:
                row.attended = rng.random() < 0.8
                if row.attended and rng.random() < 0.75:
                    row.useful = rng.choice(USEFUL)
                    row.next_step = rng.choice(NEXT)
                    row.answered_at = session.ends + timedelta(days=1, hours=position)
            rows.append(row)
        SessionRegistration.objects.bulk_create(rows)
        if days < 0:
            session.attendance_marked_at = session.ends + timedelta(minutes=30)
            session.survey_sent_at = session.attendance_marked_at
            session.save(update_fields=["attendance_marked_at", "survey_sent_at"])
        created += 1
    return created
