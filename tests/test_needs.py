"""« Besoins et disponibilités » summed up for the office in « Mon territoire »: counts, never names."""

import pytest
from django.urls import reverse

from diagnostics import applicability, needs, results_cache, selectors, services
from diagnostics.models import Question, Questionnaire, Training, WebsiteCheck
from diagnostics.selectors import bilan, territory_summary
from diagnostics.selectors.programme import PROGRAMME_SHOWN
from tests import factories
from tests.loaded import loaddata

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(office):
    loaddata("questionnaire_prestataires_v2")
    questionnaire = Questionnaire.objects.get(code="snut-prestataires", version=2)
    return factories.open_campaign(questionnaire, organiser=office, name="Prestataires 2027")


def _respond(office, campaign, topic: str, *, submit=True, name=None, best=False):
    business = factories.make_business(office, name, segment="restauration")
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    asked = applicability.applicable(selectors.questionnaire_axes(campaign.questionnaire), business)
    for axis in asked.axes:
        for question in axis.questions.all():
            choices = sorted(question.choices.all(), key=lambda c: c.order)
            choice = next((c for c in choices if c.label == topic), choices[-1 if best else 0])
            services.answer_save(diagnostic=diagnostic, question=question, choice=choice, user=None)
    if submit:
        services.diagnostic_submit(diagnostic=diagnostic)


def test_the_office_reads_how_many_want_each_topic(client, office, director, campaign):
    for topic in ["Avis clients"] * 3 + ["Intelligence artificielle"] * 2:
        _respond(office, campaign, topic)
    _respond(office, campaign, "Intelligence artificielle", submit=False)  # a draft
    other = factories.make_office("Office voisin")
    other_campaign = factories.open_campaign(campaign.questionnaire, organiser=other)
    _respond(other, other_campaign, "Intelligence artificielle")  # another office's
    topics = next(n for n in needs.campaign_needs(office, campaign) if n.question.code == "secu-90")
    assert topics.shown and topics.answered == 5
    assert [(r.label, r.count) for r in topics.rows[:2]] == [
        ("Avis clients", 3),
        ("Intelligence artificielle", 2),
    ]
    client.force_login(director)
    page = client.get(reverse("diagnostics:territory", args=[office.slug])).text
    assert "Besoins et disponibilités" in page
    assert '<th scope="row" class="fw-normal">Avis clients</th><td class="text-end">3</td>' in page
    assert Question.objects.filter(questionnaire=campaign.questionnaire, scored=False).count() == 4


def test_fewer_than_five_answers_show_no_figure(client, office, director, campaign):
    for _ in range(4):
        _respond(office, campaign, "Avis clients")
    assert not any(n.shown for n in needs.campaign_needs(office, campaign))
    client.force_login(director)
    page = client.get(reverse("diagnostics:territory", args=[office.slug])).text
    assert "4 réponses pour l’instant" in page.replace("\u00a0", " ")
    assert '<td class="text-end">4</td>' not in page


def test_a_questionnaire_without_unscored_questions_has_no_needs(office):
    questionnaire = factories.build_questionnaire()
    campaign = factories.open_campaign(questionnaire, organiser=office)
    assert needs.campaign_needs(office, campaign) == []


def test_the_workshop_programme_shows_them_too(client, office, director, campaign):
    for _ in range(5):
        _respond(office, campaign, "Intelligence artificielle")
    client.force_login(director)
    page = client.get(reverse("diagnostics:workshops", args=[office.slug])).text
    assert "Besoins et disponibilités" in page
    cell = '<th scope="row" class="fw-normal">Intelligence artificielle</th><td class="text-end">5</td>'
    assert cell in page


def test_the_results_page_and_the_bilan_count_the_programme_as_its_page_does(office, campaign):
    """Businesses that answer every question well but wish to work on artificial
    intelligence: the programme page counts them for the workshop on it, and so do its
    summary on the results page (and in the report) and the bilan, in the same order (the
    summary counted weak answers only: 27 businesses there, 30 on the programme page)."""
    question = Question.objects.get(questionnaire=campaign.questionnaire, code="secu-08")
    training = Training.objects.create(
        title="L’IA au quotidien", format="workshop", audience="businesses"
    )
    training.questions.set([question])
    for _ in range(3):
        _respond(office, campaign, "Intelligence artificielle", best=True)
    shown = [
        (p.training.title, p.count) for p in needs.workshop_programme(office, campaign).proposed
    ]
    assert ("L’IA au quotidien", 3) in shown
    summary = territory_summary.campaign_summary(office, campaign)
    assert [(p.training.title, p.count) for p in summary.programme] == shown[:PROGRAMME_SHOWN]
    year = campaign.opens.year
    proposed = bilan.bilan(office, year).proposed
    assert [(p.training.title, p.count) for p in proposed] == shown[:PROGRAMME_SHOWN]


def test_the_results_page_s_summary_is_drawn_again_once_a_business_site_is_checked(
    office, campaign
):
    """What a business's site lacks counts in the programme its summary shows: the cached
    summary's key follows the businesses' latest checks, from requested to done."""
    from django.utils import timezone

    business = factories.make_business(office, website="https://www.gite.fr")
    before = results_cache.territory_key(office, campaign, None)
    check = WebsiteCheck.objects.create(
        organisation=business, url=business.website, requested_at=timezone.now(), latest=True
    )
    requested = results_cache.territory_key(office, campaign, None)
    WebsiteCheck.objects.filter(pk=check.pk).update(
        status=WebsiteCheck.Status.DONE, checked_at=timezone.now()
    )
    assert len({before, requested, results_cache.territory_key(office, campaign, None)}) == 3
