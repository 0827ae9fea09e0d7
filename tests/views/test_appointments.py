"""The network's individual appointment (« Rendez-vous numérique individuel ») is offered
to an office's businesses only when the office chooses to (issue 20, item 4)."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from diagnostics import services
from diagnostics.models import Audience, Membership, Office, Training
from diagnostics.selectors.trainings import business_workshops
from tests import factories
from tests.territory_data import network_workshop, submit_businesses

pytestmark = pytest.mark.django_db

APPOINTMENT = "Rendez-vous numérique individuel"
WEAKEST = lambda choices: choices[0]  # noqa: E731


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office)


@pytest.fixture
def campaign(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    return factories.open_campaign(questionnaire, organiser=office)


@pytest.fixture
def appointment(campaign):
    """The network's coaching workshop, on the questionnaire's first question."""
    training = Training.objects.create(
        title=APPOINTMENT,
        format=Training.Format.COACHING,
        audience=Audience.BUSINESSES,
        description="Sur rendez-vous, selon les disponibilités de votre office.",
    )
    training.questions.set([campaign.questionnaire.questions.order_by("axis__order", "order")[0]])
    return training


@pytest.fixture
def submitted(office, campaign, appointment):
    """A business weak everywhere, so that the appointment's question is a priority."""
    return submit_businesses(office, campaign, 1, pick=WEAKEST)[0]


def _offers(office, value: bool):
    Office.objects.filter(pk=office.pk).update(offers_appointments=value)


def _surfaces(client, office, director, diagnostic) -> dict[str, str]:
    """The text of every page and report where a business's workshops are suggested."""
    cache.clear()
    token = services.business_link_issue(
        business=diagnostic.organisation, campaign=diagnostic.campaign
    )[1]
    client.force_login(director)
    pages = {
        "results": client.get(reverse("diagnostics:business_link_results", args=[token])),
        "office_view": client.get(
            reverse("diagnostics:business_detail", args=[office.slug, diagnostic.pk])
        ),
        "programme": client.get(reverse("diagnostics:workshops", args=[office.slug])),
    }
    texts = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        texts[name] = response.text
    texts["programme"] = " ".join(p.training.title for p in pages["programme"].context["proposed"])
    for name, url in [
        ("report", reverse("diagnostics:business_link_report_pdf", args=[token])),
        (
            "office_report",
            reverse("diagnostics:business_detail_pdf", args=[office.slug, diagnostic.pk]),
        ),
    ]:
        response = client.get(url)
        assert response.status_code == 200, name
        reader = PdfReader(io.BytesIO(response.content))
        texts[name] = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return texts


def test_the_choice_is_off_by_default(office):
    assert Office.objects.get(pk=office.pk).offers_appointments is False


def test_off_the_appointment_is_never_suggested(client, office, director, submitted):
    texts = _surfaces(client, office, director, submitted)
    assert {name for name, text in texts.items() if APPOINTMENT in text} == set()


def test_on_it_is_suggested_where_its_questions_match(client, office, director, submitted):
    _offers(office, True)
    texts = _surfaces(client, office, director, submitted)
    assert {name for name, text in texts.items() if APPOINTMENT in text} == set(texts)


def test_on_it_is_not_suggested_to_a_business_strong_on_its_questions(
    client, office, director, campaign, appointment
):
    _offers(office, True)
    strong = submit_businesses(office, campaign, 1, pick=lambda choices: choices[-1])[0]
    texts = _surfaces(client, office, director, strong)
    assert {name for name, text in texts.items() if APPOINTMENT in text} == set()


def test_one_rule_keeps_the_offices_own_and_the_networks_other_workshops(office, appointment):
    own = Training.objects.create(
        title="Nos rendez-vous",
        format=Training.Format.COACHING,
        audience=Audience.BUSINESSES,
        organiser=office,
    )
    webinar = Training.objects.create(
        title="Webinaire", format=Training.Format.WEBINAR, audience=Audience.BUSINESSES
    )
    Training.objects.create(title="Pour les offices", format=Training.Format.COACHING)
    Training.objects.create(
        title="D’un autre office",
        format=Training.Format.COACHING,
        audience=Audience.BUSINESSES,
        organiser=factories.make_office(),
    )
    assert set(business_workshops(office.pk)) == {own, webinar}
    _offers(office, True)
    assert set(business_workshops(office.pk)) == {own, webinar, appointment}


def _post(client, user, office, value: str | None):
    client.force_login(user)
    data = {} if value is None else {"offers_appointments": value}
    return client.post(reverse("diagnostics:workshop_appointments", args=[office.slug]), data)


def test_the_director_sets_the_choice_from_the_programme(client, office, director, appointment):
    client.force_login(director)
    page = client.get(reverse("diagnostics:workshops", args=[office.slug]))
    action = reverse("diagnostics:workshop_appointments", args=[office.slug])
    assert f'action="{action}"' in page.text and "csrfmiddlewaretoken" in page.text
    assert 'for="offers-appointments"' in page.text and APPOINTMENT in page.text

    response = _post(client, director, office, "1")
    assert response.status_code == 302
    assert response.url == reverse("diagnostics:workshops", args=[office.slug])
    assert Office.objects.get(pk=office.pk).offers_appointments is True
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Vos prestataires se voient désormais proposer les rendez-vous individuels."
    ]
    page = client.get(reverse("diagnostics:workshops", args=[office.slug]))
    assert 'id="offers-appointments" checked' in page.text

    response = _post(client, director, office, None)  # the box unticked
    assert Office.objects.get(pk=office.pk).offers_appointments is False
    assert "ne sont plus proposés" in str(list(get_messages(response.wsgi_request))[-1])


def test_a_member_allowed_to_manage_businesses_sets_it(client, office):
    manager = factories.make_user(office=office, role=Membership.Role.MEMBER)
    Membership.objects.filter(user=manager).update(can_manage_businesses=True)
    assert _post(client, manager, office, "1").status_code == 302
    assert Office.objects.get(pk=office.pk).offers_appointments is True


def test_only_the_director_and_managers_change_it(client, office, staff, appointment):
    member = factories.make_user(office=office, role=Membership.Role.MEMBER)
    other = factories.make_user(office=factories.make_office())
    page = client.get(reverse("diagnostics:workshops", args=[office.slug]))
    assert page.status_code == 302  # to the login page
    client.force_login(member)
    page = client.get(reverse("diagnostics:workshops", args=[office.slug]))
    assert APPOINTMENT in page.text and 'name="offers_appointments"' not in page.text
    assert _post(client, member, office, "1").status_code == 403
    assert _post(client, other, office, "1").status_code == 404
    assert _post(client, staff, office, "1").status_code == 404
    client.force_login(factories.make_user(office=office))
    assert (
        client.get(reverse("diagnostics:workshop_appointments", args=[office.slug])).status_code
        == 405
    )
    assert Office.objects.get(pk=office.pk).offers_appointments is False


def test_the_choice_costs_no_query(client, office, director, submitted):
    """The rule is read in the workshops' own query: on or off, the same count (with
    another workshop in the catalogue, as an empty one skips the prefetches)."""
    network_workshop(submitted.questionnaire, "Répondre aux avis")
    token = services.business_link_issue(
        business=submitted.organisation, campaign=submitted.campaign
    )[1]
    client.force_login(director)
    urls = [
        reverse("diagnostics:business_link_results", args=[token]),
        reverse("diagnostics:business_detail", args=[office.slug, submitted.pk]),
        reverse("diagnostics:workshops", args=[office.slug]),
    ]
    for url in urls:
        client.get(url)  # warms the frozen questionnaire's structure
    counts = {}
    for value in (False, True):
        _offers(office, value)
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[value, url] = len(queries)
    assert [counts[False, url] for url in urls] == [counts[True, url] for url in urls]
