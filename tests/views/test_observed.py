"""« Déclaré / observé » on the results page, the report and the review page; the observed
indicators of « Mon territoire » and the workshop programme; asking a check (office, business):
the page only enqueues, the queue fetches."""

import random
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from diagnostics import observed_questions, report, services
from diagnostics.management.demo_websites import business_indicators, office_indicators
from diagnostics.models import Audience, AxisScore, Diagnostic, Question, WebsiteCheck
from diagnostics.results import build_results
from diagnostics.services import websites
from tests import factories

pytestmark = pytest.mark.django_db

SITE = "https://www.castelroc-tourisme.test/"
# Factory questions standing for the office questionnaire v3's website questions.
CODES = {"axe-1-01": "web-13", "axe-1-02": "web-06", "axe-2-03": "mobilite-09"}


@pytest.fixture(autouse=True)
def _queued(settings):
    """Tasks are queued, never run: a page that fetched would show here."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()


def official(questionnaire, codes=CODES):
    """The factory questionnaire as the office questionnaire v3, its website questions named."""
    questionnaire.code, questionnaire.version = "snut-ot", 3
    questionnaire.save(update_fields=["code", "version"])
    for old, new in codes.items():
        Question.objects.filter(questionnaire=questionnaire, code=old).update(code=new)
    return questionnaire


def observed(organisation, indicators=None, *, days_ago=2, failure="") -> WebsiteCheck:
    organisation.website = SITE
    organisation.save(update_fields=["website"])
    when = timezone.now() - timedelta(days=days_ago)
    check = WebsiteCheck.objects.create(organisation=organisation, url=SITE, requested_at=when)
    websites.website_check_complete(
        check=check,
        indicators={} if failure else (indicators or office_indicators(SITE, demo=True)),
        failure=failure,
    )
    WebsiteCheck.objects.filter(pk=check.pk).update(checked_at=when)
    return check


def submitted_with(office, director, questionnaire) -> Diagnostic:
    campaign = factories.open_campaign(questionnaire)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire, created_by=director
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[2])  # 2 points everywhere
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def test_results_show_declared_beside_observed_with_the_date_and_never_change_a_score(
    client, office, director
):
    diagnostic = submitted_with(office, director, official(factories.build_questionnaire()))
    scores = list(AxisScore.objects.filter(diagnostic=diagnostic).values_list("score", flat=True))
    observed(office)
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "Déclaré / observé" in page
    assert re.search(
        r"Relevé du \d+ (janvier|février|mars|avril|mai|juin|juillet|août|"
        r"septembre|octobre|novembre|décembre) \d{4}",
        page,
    )
    # web-06 declared at 2 points (« partiellement ») while no statement is linked: flagged.
    assert "Aucun lien vers une déclaration d’accessibilité" in page
    assert page.count("Différence à vérifier") == 1
    assert "2 différences à vérifier" not in page and "1 différence à vérifier" in page
    assert scores == list(
        AxisScore.objects.filter(diagnostic=diagnostic).values_list("score", flat=True)
    )
    assert build_results(diagnostic).score == float(diagnostic.overall_score)
    html = report.render_html(build_results(diagnostic))
    assert "Déclaré / observé" in html and "Différence à vérifier" in html


def test_a_site_that_could_not_be_read_says_why(client, office, director):
    diagnostic = submitted_with(office, director, official(factories.build_questionnaire()))
    observed(office, failure="cert_expired")
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "Le site n’a pas pu être lu : certificat expiré." in page
    assert "Différence à vérifier" not in page


def test_other_questionnaires_show_no_observation(client, office, director):
    diagnostic = submitted_with(office, director, factories.build_questionnaire())
    observed(office)
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "Déclaré / observé" not in page


def test_the_review_page_shows_the_observation_beside_the_question(client, office, director):
    questionnaire = official(factories.build_questionnaire())
    campaign = factories.open_campaign(questionnaire)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire, created_by=director
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[3])
    observed(office, {**office_indicators(SITE, demo=False), "viewport": False})
    client.force_login(director)
    page = client.get(reverse("diagnostics:review", args=[diagnostic.pk])).content.decode()
    beside = page.split("Question 1.1", 1)[1].split("Question 1.2", 1)[0]
    assert "(balise viewport) : non." in beside and "Différence à vérifier" in beside


@pytest.mark.usefixtures("page_memo_off")
@pytest.mark.parametrize("url_name", ["diagnostics:results", "diagnostics:report_pdf"])
def test_observations_cost_the_same_queries_whatever_their_number(client, url_name, monkeypatch):
    monkeypatch.setattr(report, "pdf_for_html", lambda html: b"%PDF")
    monkeypatch.setattr(report, "cached_pdf", lambda html: None)
    rules = [
        {"axe-1-01": observed_questions.mobile},
        {
            "axe-1-01": observed_questions.mobile,
            "axe-1-02": observed_questions.accessibility_statement,
            "axe-2-01": observed_questions.languages,
            "axe-2-03": observed_questions.booking,
        },
    ]
    counts = []
    for mapped in rules:
        office = factories.make_office()
        user = factories.make_user(office=office)
        questionnaire = factories.build_questionnaire()
        monkeypatch.setitem(observed_questions.QUESTIONS, (questionnaire.code, 1), mapped)
        diagnostic = submitted_with(office, user, questionnaire)
        observed(office)
        client.force_login(user)
        client.get(reverse(url_name, args=[diagnostic.pk]))  # caches filled
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse(url_name, args=[diagnostic.pk]))
            assert page.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- « Mon territoire » and the workshop programme -----------------------------------------


def businesses_observed(office, count):
    for position in range(count):
        business = factories.make_business(office)
        indicators = business_indicators(business, random.Random(position))
        indicators.update(https=position % 2 == 0, viewport=True, booking_link="")
        observed(business, indicators)


def test_the_office_sees_its_businesses_observed_indicators(client, office, director):
    businesses_observed(office, 4)
    observed(factories.make_business(office), failure="timeout")
    factories.make_business(office)  # no website
    client.force_login(director)
    page = client.get(reverse("diagnostics:territory", args=[office.slug])).content.decode()
    assert "Observé sur les sites de vos prestataires" in page
    assert "5 de vos 6 prestataires ont une adresse de site enregistrée." in page
    assert "4 sites relevés, 1 illisibles" in page
    assert re.search(r"Connexion sécurisée \(HTTPS\)</th><td[^>]*>2 / 4<", page)
    assert re.search(r"Site adapté aux téléphones</th><td[^>]*>4 / 4<", page)
    programme = client.get(reverse("diagnostics:workshops", args=[office.slug])).content.decode()
    assert "Besoins observés sur les sites" in programme
    assert re.search(r"Aucun lien de réservation sur la page d’accueil</th><td[^>]*>4<", programme)
    assert re.search(r"Site sans connexion sécurisée \(HTTPS\)</th><td[^>]*>2<", programme)


@pytest.mark.parametrize("url_name", ["diagnostics:territory", "diagnostics:workshops"])
def test_territory_pages_cost_the_same_queries_for_2_or_8_observed_businesses(client, url_name):
    counts = []
    for size in (2, 8):
        office = factories.make_office()
        user = factories.make_user(office=office)
        businesses_observed(office, size)
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name, args=[office.slug])).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- asking a check -------------------------------------------------------------------------


def test_a_member_asks_a_check_which_is_only_queued_then_throttled(
    client, office, director, django_capture_on_commit_callbacks
):
    office.website = SITE
    office.save()
    url = reverse("diagnostics:website_check", args=[office.slug])
    client.force_login(director)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "https://ailleurs.example/"})
    assert response.url == reverse("diagnostics:office", args=[office.slug])  # not elsewhere
    check = WebsiteCheck.objects.get(organisation=office)
    assert check.status == WebsiteCheck.Status.PENDING
    assert [r.kwargs for r in default_task_backend.results] == [{"check_id": check.pk}]
    response = client.post(url, {"next": "/"})
    assert response.url == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == str(websites.CHECK_TOO_SOON)
    assert WebsiteCheck.objects.filter(organisation=office).count() == 1


def test_another_office_cannot_ask_a_check(client, office, stranger):
    office.website = SITE
    office.save()
    client.force_login(stranger)
    response = client.post(reverse("diagnostics:website_check", args=[office.slug]))
    assert response.status_code == 404 and not WebsiteCheck.objects.exists()


@pytest.fixture
def business_link(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    business = factories.make_business(office)
    _link, token = services.business_link_issue(business=business, campaign=campaign)
    return business, token


def test_a_business_saves_its_website_from_its_page(
    client, business_link, django_capture_on_commit_callbacks
):
    business, token = business_link
    url = reverse("diagnostics:business_link_website", args=[token])
    home = client.get(reverse("diagnostics:business_link_home", args=[token])).content.decode()
    assert "Votre site web" in home and 'name="website"' in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"website": "www.gite-des-lilas.test"})
    assert response.url == reverse("diagnostics:business_link_home", args=[token])
    business.refresh_from_db()
    assert business.website == "https://www.gite-des-lilas.test"
    assert WebsiteCheck.objects.get(organisation=business).url == business.website
    assert len(default_task_backend.results) == 1


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "ftp://gite.test/", "http://gite\x00.test/", "x" * 400]
)
def test_a_bad_address_is_refused_in_french_and_changes_nothing(client, business_link, website):
    business, token = business_link
    response = client.post(
        reverse("diagnostics:business_link_website", args=[token]), {"website": website}
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("adresse web" in m or "caractères" in m for m in messages), messages
    business.refresh_from_db()
    assert business.website == "" and not WebsiteCheck.objects.exists()


def test_a_tampered_token_changes_nothing(client, business_link):
    business, token = business_link
    response = client.post(
        reverse("diagnostics:business_link_website", args=[token + "x"]), {"website": SITE}
    )
    assert response.status_code == 400
    business.refresh_from_db()
    assert business.website == ""


def test_a_business_asks_its_check_again_from_its_results(
    client, business_link, django_capture_on_commit_callbacks
):
    business, token = business_link
    business.website = SITE
    business.save()
    results = reverse("diagnostics:business_link_results", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("diagnostics:business_link_website", args=[token]), {"next": results}
        )
    assert response.url == results
    business.refresh_from_db()
    assert business.website == SITE  # no address in the form: the address stays
    assert WebsiteCheck.objects.get(organisation=business).status == WebsiteCheck.Status.PENDING
    assert len(default_task_backend.results) == 1


@pytest.mark.usefixtures("page_memo_off")
def test_the_review_page_costs_the_same_queries_whatever_the_observations(client, monkeypatch):
    rules = [
        {"axe-1-01": observed_questions.mobile},
        {
            "axe-1-01": observed_questions.mobile,
            "axe-1-02": observed_questions.accessibility_statement,
            "axe-2-01": observed_questions.languages,
            "axe-2-03": observed_questions.booking,
        },
    ]
    counts = []
    for mapped in rules:
        office = factories.make_office()
        user = factories.make_user(office=office)
        questionnaire = factories.build_questionnaire()
        monkeypatch.setitem(observed_questions.QUESTIONS, (questionnaire.code, 1), mapped)
        diagnostic = Diagnostic.objects.create(
            organisation=office,
            campaign=factories.open_campaign(questionnaire),
            questionnaire=questionnaire,
            created_by=user,
        )
        factories.answer_all(diagnostic)
        observed(office)
        client.force_login(user)
        client.get(reverse("diagnostics:review", args=[diagnostic.pk]))
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("diagnostics:review", args=[diagnostic.pk]))
        assert page.content.decode().count("snut-observed-beside") == len(mapped)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_pending_check_is_said_so_until_it_is_taken_as_lost(client, office, director):
    diagnostic = submitted_with(office, director, official(factories.build_questionnaire()))
    observed(office)
    pending = WebsiteCheck.objects.create(
        organisation=office, url=SITE, requested_at=timezone.now()
    )
    client.force_login(director)
    url = reverse("diagnostics:results", args=[diagnostic.pk])
    assert "Un relevé est en cours" in client.get(url).content.decode()
    WebsiteCheck.objects.filter(pk=pending.pk).update(
        requested_at=timezone.now() - timedelta(hours=7)
    )
    assert "Un relevé est en cours" not in client.get(url).content.decode()
