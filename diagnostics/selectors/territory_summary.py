"""« Diagnostic territorial des prestataires », in the office's results page and report: its
business campaign of the time summed up, counts, medians and workshop titles only."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from diagnostics.models import Audience, Campaign, Diagnostic, Office
from diagnostics.selectors import regional
from diagnostics.selectors.programme import PROGRAMME_SHOWN, ProposedWorkshop, needed_workshops
from diagnostics.selectors.territory import Group, Rates, group, respondents, response_rates


@dataclass
class Summary:
    """« Diagnostic territorial des prestataires », in the office's results and report."""

    campaign: Campaign
    rates: Rates
    overall: Group
    programme: list[ProposedWorkshop]


def contemporary_business_campaign(diagnostic: Diagnostic) -> Campaign | None:
    """The office's business campaign that goes with its diagnostic, one query.

    The latest business campaign with submissions, among those opened by the day the
    diagnostic was submitted once a later diagnostic of the office has been submitted
    (last year's report keeps last year's picture of the businesses); the current
    diagnostic (a draft, or the office's latest submitted) follows the latest one.
    """
    submitted = Diagnostic.objects.filter(
        campaign=OuterRef("pk"), status=Diagnostic.Status.SUBMITTED
    )
    campaigns = Campaign.objects.filter(
        organiser=diagnostic.organisation_id, audience=Audience.BUSINESSES
    ).filter(Exists(submitted))
    if diagnostic.submitted_at is not None:
        later = Diagnostic.objects.filter(
            organisation=diagnostic.organisation_id,
            status=Diagnostic.Status.SUBMITTED,
            campaign__audience=Audience.OFFICES,
            questionnaire__abbreviates__isnull=True,
            campaign__opens__gt=diagnostic.campaign.opens,
        )
        campaigns = campaigns.filter(
            Q(opens__lte=timezone.localdate(diagnostic.submitted_at)) | ~Exists(later)
        )
    return campaigns.select_related("questionnaire").order_by("-opens", "-pk").first()


def summary(diagnostic: Diagnostic) -> Summary | None:
    """The office diagnostic's business campaign (contemporary_business_campaign) summed
    up: none without one.

    Counts and medians only (none under MIN_GROUP) and workshop titles: no business is
    named, whatever it consented to, since the report travels beyond the office's team.
    """
    campaign = contemporary_business_campaign(diagnostic)
    if campaign is None:
        return None
    return campaign_summary(diagnostic.organisation, campaign)


def campaign_summary(office: Office, campaign: Campaign, rates: Rates | None = None) -> Summary:
    """`summary` of a business campaign already found (and its rates, if read)."""
    found = respondents(office, campaign)
    return Summary(
        campaign=campaign,
        rates=rates or response_rates(office, campaign),
        overall=group("", found, regional.campaign_axes(campaign)),
        programme=needed_workshops(office, campaign, found)[:PROGRAMME_SHOWN],
    )
