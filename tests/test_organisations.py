"""Issue 11, part 1: one model for every respondent; campaigns have an organiser and an audience."""

from datetime import timedelta

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


def test_a_business_link_opens_its_own_diagnostic_until_revoked_or_expired(
    business, business_campaign
):
    link, token = services.business_link_issue(business=business, campaign=business_campaign)
    assert link.token_hash != token and len(token) >= 40
    opened = services.business_link_open(token=token)
    assert (opened.pk, opened.business, opened.opened_at is not None) == (link.pk, business, True)
    later = link.expires_at + timedelta(seconds=1)
    with pytest.raises(ValidationError) as refused:
        services.business_link_open(token=token, now=later)
    assert refused.value.code == "expired"
    services.business_link_revoke(link=link)
    with pytest.raises(ValidationError) as refused:
        services.business_link_open(token=token)
    assert refused.value.code == "revoked"
    with pytest.raises(ValidationError) as refused:
        services.business_link_open(token=token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert refused.value.code == "invalid"


def test_resending_a_link_replaces_the_previous_token(business, business_campaign):
    first, old = services.business_link_issue(business=business, campaign=business_campaign)
    second, new = services.business_link_issue(business=business, campaign=business_campaign)
    assert services.business_link_open(token=new).pk == second.pk
    with pytest.raises(ValidationError, match="désactivé"):
        services.business_link_open(token=old)
    assert second.expires_at.date() > business_campaign.closes


def test_no_link_for_an_office_or_another_office_business(office, business_campaign):
    neighbour = factories.make_office("Office de tourisme de Port-Voisin")
    for organisation in (office, factories.make_business(neighbour)):
        with pytest.raises(ValidationError, match="ne peut pas"):
            services.business_link_issue(business=organisation, campaign=business_campaign)


def test_a_business_submits_without_account_and_may_keep_its_answers_to_itself(
    business, business_campaign
):
    diagnostic = services.diagnostic_start(organisation=business, campaign=business_campaign)
    factories.answer_all(diagnostic)
    submitted = services.diagnostic_submit(diagnostic=diagnostic, share_details=False)
    assert (submitted.status, submitted.submitted_by, submitted.share_details) == (
        Diagnostic.Status.SUBMITTED,
        None,
        False,
    )
    assert submitted.overall_score == 100


def test_an_office_diagnostic_still_needs_its_director(office):
    campaign = factories.open_campaign(factories.build_questionnaire())
    diagnostic = services.diagnostic_start(organisation=office, campaign=campaign)
    factories.answer_all(diagnostic)
    with pytest.raises(ValidationError, match="direction"):
        services.diagnostic_submit(diagnostic=diagnostic, share_details=False)


def test_a_training_says_its_duration_once():
    from diagnostics.models import Training

    assert Training(format="workshop", duration="2 h").format_label == "Atelier de 2 h"
    # The catalogue writes « 2 h » with a no-break space: the same duration.
    assert Training(format="workshop", duration="2\u00a0h").format_label == "Atelier de 2 h"
    assert Training(format="webinar", duration="1 h 30").format_label == "Webinaire, 1 h 30"
    assert Training(format="course").format_label == "Formation d’un ou plusieurs jours"
    assert Training(format="course", duration="1 jour").format_label == "Formation, 1 jour"
