"""Issue 11, part 1: one model for every respondent; campaigns have an organiser and an audience."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from diagnostics import services
from diagnostics.models import Audience, Business, Campaign, Diagnostic, Office, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def business(office):
    return factories.make_business(office, "Gîte des Trois Chênes")


@pytest.fixture
def business_campaign(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    return factories.open_campaign(questionnaire, organiser=office)


def test_offices_and_businesses_are_organisations_told_apart_by_their_proxies(office, business):
    assert list(Office.objects.all()) == [office]
    assert list(Business.objects.all()) == [business]
    assert set(Organisation.objects.all()) == {office, business}
    assert (business.kind, business.parent_id, business.is_business) == (
        "business",
        office.pk,
        True,
    )
    assert list(office.businesses.all()) == [business]


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "business", "parent": None, "segment": "hebergement"},  # a business has an office
        {"kind": "business", "segment": "cat1"},  # a business is classed by activity
        {"kind": "office", "segment": "restauration"},  # an office by its classement
    ],
)
def test_the_database_refuses_an_organisation_of_mixed_kinds(office, fields):
    data = {
        "name": "X",
        "slug": "x",
        "department_id": "33",
        "commune": "X",
        "parent": office,
        **fields,
    }
    if data["kind"] == "office":
        data["parent"] = None
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(**data)


def test_a_campaign_for_businesses_has_an_organising_office(business_campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=business_campaign.pk).update(organiser=None)


def test_a_campaign_refuses_a_questionnaire_meant_for_another_audience(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = Campaign(
        questionnaire=questionnaire, name="C", opens="2026-01-01", closes="2026-12-31"
    )
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "questionnaire" in refused.value.message_dict


def test_a_business_answers_its_office_campaign(business, business_campaign):
    diagnostic = services.diagnostic_start(organisation=business, campaign=business_campaign)
    assert (diagnostic.organisation, diagnostic.created_by) == (business, None)


def test_services_refuse_a_diagnostic_outside_the_campaign_audience(
    office, business, business_campaign
):
    neighbour = factories.make_office("Office de tourisme de Port-Voisin")
    strangers_business = factories.make_business(neighbour, "Camping du Lac")
    network_campaign = factories.open_campaign(factories.build_questionnaire())
    refused = [
        (office, business_campaign),  # an office does not answer its businesses' campaign
        (strangers_business, business_campaign),  # another office's business
        (business, network_campaign),  # a business does not answer the network's campaign
    ]
    for organisation, campaign in refused:
        with pytest.raises(ValidationError, match="ne s’adresse pas à votre organisation"):
            services.diagnostic_start(organisation=organisation, campaign=campaign)
    assert not Diagnostic.objects.exists()


def test_peers_are_grouped_by_segment(office):
    assert Organisation.Segment.CAT_2 in Organisation.OFFICE_SEGMENTS
    assert office.segment == Organisation.Segment.CAT_2
    assert set(Organisation.BUSINESS_SEGMENTS).isdisjoint(Organisation.OFFICE_SEGMENTS)
