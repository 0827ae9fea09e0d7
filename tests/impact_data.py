"""Businesses diagnosed twice, some of which came to a workshop in between: the test data of
the workshops' impact (territory evolution, re-diagnosis, yearly bilan)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from diagnostics import services
from diagnostics.models import (
    Audience,
    AxisScore,
    Campaign,
    Diagnostic,
    SessionRegistration,
    Training,
    TrainingSession,
)
from tests import factories


def business_campaigns(office, questionnaire) -> tuple[Campaign, Campaign]:
    """Last year's closed business campaign of the office, and this year's open one."""
    today = timezone.localdate()
    earlier = Campaign.objects.create(
        questionnaire=questionnaire,
        name="Diagnostic des prestataires, l’an dernier",
        opens=today - timedelta(days=400),
        closes=today - timedelta(days=300),
        audience=Audience.BUSINESSES,
        organiser=office,
    )
    current = factories.open_campaign(questionnaire, organiser=office, name="Diagnostic actuel")
    return earlier, current


def submitted(business, campaign, when, score: float, pick=None) -> Diagnostic:
    """A submitted diagnostic of the business, every axis at `score` (answers with `pick`)."""
    diagnostic = Diagnostic.objects.create(
        organisation=business,
        campaign=campaign,
        questionnaire=campaign.questionnaire,
        status=Diagnostic.Status.SUBMITTED,
        submitted_at=when,
        overall_score=Decimal(score),
        share_details=True,
    )
    if pick is not None:
        factories.answer_all(diagnostic, pick=pick)
        services.weak_questions_store(diagnostic_ids=[diagnostic.pk])
    AxisScore.objects.bulk_create(
        AxisScore(diagnostic=diagnostic, axis=axis, score=Decimal(score), answered=3, total=3)
        for axis in campaign.questionnaire.axes.all()
    )
    return diagnostic


def workshop_of(office, questionnaire, title="Soigner sa fiche Google") -> Training:
    workshop = Training.objects.create(
        title=title, format=Training.Format.WORKSHOP, audience="businesses", organiser=office
    )
    workshop.questions.set(questionnaire.questions.order_by("pk")[:2])
    return workshop


def session_of(office, workshop, starts, businesses, attended=True) -> TrainingSession:
    session = TrainingSession.objects.create(
        training=workshop,
        office=office,
        starts=starts,
        ends=starts + timedelta(hours=2),
        place="Salle des fêtes",
        capacity=40,
    )
    SessionRegistration.objects.bulk_create(
        SessionRegistration(
            session=session,
            business=business,
            status=SessionRegistration.Status.REGISTERED,
            source=SessionRegistration.Source.OFFICE,
            attended=attended,
            useful=SessionRegistration.Useful.YES if attended else "",
            next_step=SessionRegistration.NextStep.FURTHER if attended else "",
        )
        for business in businesses
    )
    return session


def impact_territory(office, questionnaire, attendees: int, others: int, waiting: int = 0):
    """`attendees` businesses diagnosed last year, at a workshop eight months ago and
    re-diagnosed this year (+20 points); `others` diagnosed twice without a workshop
    (+5 points); `waiting` that came to the workshop and were not re-diagnosed yet."""
    earlier, current = business_campaigns(office, questionnaire)
    now = timezone.now()
    before, workshop_day, after = (
        now - timedelta(days=350),
        now - timedelta(days=240),
        now - timedelta(days=5),
    )
    weakest, strongest = (lambda c: c[0]), (lambda c: c[-1])
    workshop = workshop_of(office, questionnaire)
    came = []
    for i in range(attendees + others + waiting):
        business = factories.make_business(office, f"Prestataire {i:03d}")
        submitted(business, earlier, before, 30, pick=weakest)
        if i < attendees:
            submitted(business, current, after, 50, pick=strongest)
            came.append(business)
        elif i < attendees + others:
            submitted(business, current, after, 35, pick=weakest)
        else:
            came.append(business)
    session_of(office, workshop, workshop_day, came)
    return earlier, current, workshop
