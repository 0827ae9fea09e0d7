"""A business reaches its page from its personal link, and only with a live one."""

import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Audience
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def link():
    office = factories.make_office("Office de tourisme de Castelroc")
    business = factories.make_business(office, "Gîte des Trois Chênes")
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    return services.business_link_issue(business=business, campaign=campaign)


def test_the_link_opens_the_business_page(client, link):
    response = client.get(reverse("diagnostics:business_home", args=[link[1]]))
    assert response.status_code == 200
    assert "Gîte des Trois Chênes" in response.text
    assert "Office de tourisme de Castelroc vous propose" in response.text


def test_a_revoked_link_is_gone_and_a_forged_one_refused(client, link):
    services.business_link_revoke(link=link[0])
    gone = client.get(reverse("diagnostics:business_home", args=[link[1]]))
    forged = client.get(reverse("diagnostics:business_home", args=["x" * 43]))
    assert (gone.status_code, forged.status_code) == (410, 400)
    assert "désactivé" in gone.text and "pas valide" in forged.text
