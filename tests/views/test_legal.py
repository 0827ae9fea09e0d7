"""« Données personnelles » and « Mentions légales »: public, filled from the network's settings,
linked from every footer, a business's start page and submission form, and every e-mail."""

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from diagnostics import services
from diagnostics.emails import business_invitation_message
from diagnostics.legal import REQUIRED, UNSET_FACTS, legal_facts_check
from diagnostics.models import Audience, Membership
from snut import accounts
from tests import factories

pytestmark = pytest.mark.django_db

PERSONAL_DATA = reverse("diagnostics:personal_data")
LEGAL_NOTICE = reverse("diagnostics:legal_notice")
UNSET = "(à renseigner)"
BASE_URL = "https://snut.example.org/"

FACTS = {
    "SNUT_PUBLISHER_NAME": "Association Tourisme Nouvelle-Aquitaine",
    "SNUT_PUBLISHER_ADDRESS": "12 rue des Offices, 33000 Bordeaux",
    "SNUT_PUBLISHER_PHONE": "05 56 00 00 00",
    "SNUT_PUBLICATION_DIRECTOR": "Claire Martin, présidente",
    "SNUT_DPO_CONTACT": "dpo@reseau.example",
    "SNUT_HOST_NAME": "Hébergeur Exemple SAS",
    "SNUT_HOST_ADDRESS": "2 rue du Serveur, 59100 Roubaix",
    "SNUT_HOST_PHONE": "03 20 00 00 00",
}


@pytest.fixture
def facts(settings):
    for name, value in FACTS.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def business_token():
    office = factories.make_office("Office de tourisme de Castelroc")
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office, name="Prestataires 2026")
    business = factories.make_business(office, "Gîte des Trois Chênes")
    link, token = services.business_link_issue(business=business, campaign=campaign)
    return link, token


def test_both_pages_are_public(client):
    for url in (PERSONAL_DATA, LEGAL_NOTICE):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_legal_notice_names_publisher_director_and_host(client, facts):
    facts.SNUT_PUBLISHER_REGISTRATION = "RNA W332000000"
    page = client.get(LEGAL_NOTICE).content.decode()
    for value in (*FACTS.values(), "RNA W332000000"):
        if value != FACTS["SNUT_DPO_CONTACT"]:
            assert value in page, value
    assert UNSET not in page


def test_the_personal_data_page_states_controller_recipients_retention_and_rights(client, facts):
    facts.SNUT_BUSINESS_RETENTION_MONTHS = 24
    facts.SNUT_LOG_RETENTION_DAYS = 180
    page = client.get(PERSONAL_DATA).content.decode()
    assert "Association Tourisme Nouvelle-Aquitaine, 12 rue des Offices" in page
    assert 'href="mailto:dpo@reseau.example"' in page
    assert "responsables conjoints, article 26 du RGPD" in page
    assert "Hébergeur Exemple SAS" in page
    # Who sees what, as the code does it (issue 20).
    assert "seulement si le prestataire l’a accepté au moment de l’envoi" in page
    assert "jamais les réponses, le score ou les priorités d’un prestataire nommé" in page
    # Retention, from the settings.
    assert "effacés 24 mois après la fin de la campagne" in page
    assert "180 jours" in page
    # Rights, and where to complain.
    assert "«\u00a0Télécharger mes réponses\u00a0»" in page
    assert "«\u00a0Effacer mon diagnostic et mes coordonnées\u00a0»" in page
    assert 'href="https://www.cnil.fr/fr/plaintes"' in page
    assert UNSET not in page


def test_an_unset_fact_says_so_instead_of_vanishing(client, settings):
    settings.SNUT_HOST_NAME = ""
    settings.SNUT_DPO_CONTACT = ""
    assert UNSET in client.get(LEGAL_NOTICE).content.decode()
    page = client.get(PERSONAL_DATA).content.decode()
    assert UNSET in page and "mailto:" not in page
    assert f"({UNSET})" not in page  # « L’hébergeur du service ((à renseigner)) » before


def test_a_postal_dpo_contact_is_shown_as_text(client, facts):
    facts.SNUT_DPO_CONTACT = "Délégué à la protection des données, 12 rue des Offices, Bordeaux"
    page = client.get(PERSONAL_DATA).content.decode()
    assert "Délégué à la protection des données, 12 rue des Offices" in page
    assert "mailto:Délégué" not in page


def footer_links(page: str) -> bool:
    return f'href="{PERSONAL_DATA}"' in page and f'href="{LEGAL_NOTICE}"' in page


def test_every_footer_links_both_pages(client, director, staff):
    assert footer_links(client.get(reverse("login")).content.decode())
    assert footer_links(client.get("/page-qui-n-existe-pas/").content.decode())  # the 404 page
    client.force_login(director)
    assert footer_links(client.get(reverse("diagnostics:home"), follow=True).content.decode())
    client.force_login(staff)
    assert footer_links(client.get(reverse("admin:index")).content.decode())


def test_a_business_reads_the_links_on_its_start_page_and_its_submission_form(
    client, business_token
):
    link, token = business_token
    home = client.get(reverse("diagnostics:business_link_home", args=[token])).content.decode()
    assert footer_links(home)
    assert home.count(f'href="{PERSONAL_DATA}"') == 2  # the footer and « Qui voit quoi »
    services.diagnostic_start(organisation=link.business, campaign=link.campaign)
    review = client.get(reverse("diagnostics:business_link_review", args=[token])).content.decode()
    assert footer_links(review)
    assert f'href="{PERSONAL_DATA}#qui-voit-quoi"' in review


def absolute_links_in(message) -> bool:
    html = message.alternatives[0][0]
    links = (BASE_URL.rstrip("/") + PERSONAL_DATA, BASE_URL.rstrip("/") + LEGAL_NOTICE)
    return all(url in message.body and f'href="{url}"' in html for url in links)


def test_every_email_carries_both_links(office, director, campaign, business_token):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invitation_create(
            office=office,
            email="nouveau@ot-exemple.fr",
            role=Membership.Role.MEMBER,
            invited_by=director,
            base_url=BASE_URL,
        )
    assert absolute_links_in(mail.outbox[-1])

    director.email = "directrice@ot-exemple.fr"
    director.save()
    reminders = services.campaign_reminder_messages(campaign=campaign, base_url=BASE_URL)
    assert reminders and all(absolute_links_in(message) for _office, message in reminders)

    link, token = business_token
    assert absolute_links_in(business_invitation_message(link=link, token=token, base_url=BASE_URL))


def test_the_password_reset_mail_carries_both_links(client, director):
    director.email = "directrice@ot-exemple.fr"
    director.save()
    client.post(reverse("password_reset"), {"email": director.email})
    accounts.mail_sent()
    body = mail.outbox[-1].body
    assert f"http://testserver{PERSONAL_DATA}" in body
    assert f"http://testserver{LEGAL_NOTICE}" in body


def test_the_check_warns_in_production_about_each_unset_fact(settings, facts):
    settings.DEBUG = False
    assert legal_facts_check() == []
    settings.SNUT_HOST_PHONE = ""
    settings.SNUT_DPO_CONTACT = "  "
    [warning] = legal_facts_check()
    assert warning.id == UNSET_FACTS and warning.is_serious() is False
    assert "SNUT_DPO_CONTACT, SNUT_HOST_PHONE" in warning.msg
    assert "SNUT_HOST_NAME" not in warning.msg


def test_the_check_is_quiet_in_development(settings):
    settings.DEBUG = True
    for name in REQUIRED:
        setattr(settings, name, "")
    assert legal_facts_check() == []
