"""The demo's workshops impact: the demo office's businesses diagnosed last year too, two
workshop sessions some months ago with who came and what they said, so that the
territory page shows attendees' evolution against the others, some attendees wait for their
re-diagnosis, and the yearly bilan prints."""

import random
from datetime import date, datetime, time, timedelta

import holidays
from django.utils import timezone

from diagnostics import applicability, selectors, services
from diagnostics.management.demo_businesses import (
    NOT_CONCERNED,
    answers_dated,
    campaign_name,
    demo_answers,
)
from diagnostics.models import (
    Audience,
    Business,
    Campaign,
    Diagnostic,
    Office,
    Questionnaire,
    SessionRegistration,
    Training,
    TrainingSession,
)

# (network workshop's title, days ago, attendees re-diagnosed since, attendees waiting, absent)
DEMO_PAST_SESSIONS = [
    ("Revendiquer et animer sa fiche Google", 245, 8, 0, 1),
    ("Répondre aux avis clients", 215, 3, 2, 1),
]
EARLIER_OTHERS = 9  # businesses diagnosed both years without coming to a workshop
USEFUL = ["yes", "yes", "partly", "yes", "no", "yes", "partly"]
NEXT = ["further", "other_topic", "alone", "appointment", "further"]


def seed_impact(office: Office, today: date) -> int:
    """Last year's business campaign of `office` and its diagnostics, and the past sessions:
    the number of diagnostics created (none the second time)."""
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).first()
    current = (
        Campaign.objects.filter(organiser=office, audience=Audience.BUSINESSES)
        .order_by("-opens")
        .first()
    )
    if questionnaire is None or current is None:
        return 0
    opens = today - timedelta(days=410)
    earlier, created = Campaign.objects.get_or_create(
        name=campaign_name(opens),
        organiser=office,
        defaults={
            "questionnaire": questionnaire,
            "audience": Audience.BUSINESSES,
            "opens": opens,
            "closes": opens + timedelta(days=75),
        },
    )
    if not created:
        return 0
    rng = random.Random(f"impact-{office.slug}")
    submitted = {
        d.organisation: d
        for d in Diagnostic.objects.filter(
            campaign=current, status=Diagnostic.Status.SUBMITTED
        ).select_related("organisation")
    }
    pending = list(
        Business.objects.filter(parent=office)
        .exclude(diagnostics__campaign=current, diagnostics__status=Diagnostic.Status.SUBMITTED)
        .order_by("name")
    )
    rediagnosed = sorted(submitted, key=lambda b: b.name)
    rng.shuffle(rediagnosed)
    count = 0
    for title, days_ago, came, waiting, absent in DEMO_PAST_SESSIONS:
        attendees, rediagnosed = rediagnosed[:came], rediagnosed[came:]
        waiters, pending = pending[:waiting], pending[waiting:]
        for business in attendees:
            # Before the workshop they stood well below where they stand now.
            _earlier(business, earlier, rng, submitted[business].overall_score, -0.2)
            count += 1
        for business in waiters:
            _earlier(business, earlier, rng, None, 0)
            count += 1
        absentees, rediagnosed = rediagnosed[:absent], rediagnosed[absent:]
        _session(office, title, today - timedelta(days=days_ago), attendees + waiters, absentees)
    for business in rediagnosed[:EARLIER_OTHERS]:
        _earlier(business, earlier, rng, submitted[business].overall_score, -0.05)
        count += 1
    return count


def _earlier(business, campaign, rng, now_score, shift: float) -> None:
    """Last year's submitted diagnostic of the business, around `now_score` + `shift`."""
    when = timezone.make_aware(
        datetime.combine(campaign.opens + timedelta(days=rng.randint(3, 40)), time(10))
    )
    # A phone call of less than an hour.
    diagnostic = services.diagnostic_start(
        organisation=business, campaign=campaign, now=when - timedelta(hours=1)
    )
    maturity = (float(now_score) / 100 if now_score is not None else rng.uniform(0.2, 0.6)) + shift
    axes = applicability.applicable(
        selectors.questionnaire_axes(campaign.questionnaire), business
    ).axes
    demo_answers(
        diagnostic,
        axes,
        rng=rng,
        maturity=max(0.05, maturity),
        bias={},
        spread=0.12,
        submit=True,
        not_applicable=lambda q: NOT_CONCERNED.get(q.code, lambda b: False)(business),
    )
    answers_dated(diagnostic, axes, when, days=0)
    with services.reports_printed_on_demand():
        services.diagnostic_submit(diagnostic=diagnostic, share_details=True, now=when)


def _session(office, title: str, day: date, attendees: list, absentees: list) -> None:
    workshop = Training.objects.filter(
        title=title, audience=Audience.BUSINESSES, organiser__isnull=True
    ).first() or Training.objects.create(
        title=title, format=Training.Format.WORKSHOP, audience=Audience.BUSINESSES, organiser=office
    )
    public_holidays = holidays.country_holidays("FR")
    while day.weekday() >= 5 or day in public_holidays:  # a working day, as the demo's others
        day -= timedelta(days=1)
    starts = timezone.make_aware(datetime.combine(day, time(9, 30)))
    session = TrainingSession.objects.create(
        training=workshop,
        office=office,
        starts=starts,
        ends=starts + timedelta(hours=2),
        place=f"Salle du conseil, office de tourisme de {office.commune}",
        capacity=15,
        facilitator="Camille Dufau",
        invitations_sent_at=starts - timedelta(days=21),
        reminder_sent_at=starts - timedelta(days=2),
        attendance_marked_at=starts + timedelta(hours=2),
        survey_sent_at=starts + timedelta(hours=3),
    )
    registrations = []
    for index, business in enumerate(attendees + absentees):
        came = index < len(attendees)
        registrations.append(
            SessionRegistration(
                session=session,
                business=business,
                status=SessionRegistration.Status.REGISTERED,
                source=SessionRegistration.Source.INVITATION,
                registered_at=starts - timedelta(days=20 - index % 10),
                attended=came,
                useful=USEFUL[index % len(USEFUL)] if came and index % 4 != 3 else "",
                next_step=NEXT[index % len(NEXT)] if came and index % 4 != 3 else "",
                answered_at=starts + timedelta(days=1) if came and index % 4 != 3 else None,
            )
        )
    SessionRegistration.objects.bulk_create(registrations)
