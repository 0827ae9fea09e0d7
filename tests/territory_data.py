"""Businesses of an office that answered its campaign: the territory pages' test data."""

from diagnostics import services
from diagnostics.models import Business, Diagnostic, Training
from tests import factories

SEGMENTS = [
    Business.Segment.ACCOMMODATION,
    Business.Segment.FOOD,
    Business.Segment.ACTIVITIES,
]


def submit_businesses(
    office,
    campaign,
    count: int,
    *,
    segments=SEGMENTS,
    pick=lambda choices: choices[0],
    share_details=True,
    invited=True,
) -> list[Diagnostic]:
    """`count` businesses of the office, invited to the campaign, that submitted with pick()."""
    submitted = []
    for i in range(count):
        business = factories.make_business(office, segment=segments[i % len(segments)])
        if invited:
            services.business_link_issue(business=business, campaign=campaign)
        diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
        factories.answer_all(diagnostic, pick=pick)
        submitted.append(
            services.diagnostic_submit(diagnostic=diagnostic, share_details=share_details)
        )
    return submitted


def network_workshop(questionnaire, title="Revendiquer sa fiche Google", codes=None) -> Training:
    """A workshop of the network's catalogue for businesses on these questions (by code)."""
    training = Training.objects.create(
        title=title, format=Training.Format.WORKSHOP, audience="businesses"
    )
    questions = questionnaire.questions.all()
    training.questions.set(questions.filter(code__in=codes) if codes else questions[:1])
    return training
