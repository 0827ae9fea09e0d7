"""A business is asked, scored and told only its activity's questions (diagnostics/applicability.py)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from diagnostics import applicability, selectors, services
from diagnostics.answer_fields import choice_field_name
from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    Business,
    Diagnostic,
    Question,
    Questionnaire,
)
from diagnostics.validation import questionnaire_faults
from tests import factories
from tests.loaded import loaddata

pytestmark = pytest.mark.django_db

MEUBLE = "secu-05"  # « Votre meublé de tourisme est-il enregistré… »


@pytest.fixture
def questionnaire():
    loaddata("questionnaire_prestataires_v2")
    return Questionnaire.objects.get(code="snut-prestataires", version=2)


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def campaign(questionnaire, office):
    return factories.open_campaign(questionnaire, organiser=office, name="Prestataires 2027")


def _start(office, campaign, segment, name):
    business = factories.make_business(office, name, segment=segment)
    token = services.business_link_issue(business=business, campaign=campaign)[1]
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    return business, token, diagnostic


@pytest.fixture
def restaurant(office, campaign):
    return _start(office, campaign, Business.Segment.FOOD, "Le Bistrot du Port")


def url(name, token, *args):
    return reverse(f"diagnostics:business_link_{name}", args=[token, *args])


def _asked(diagnostic) -> applicability.Applicable:
    structure = selectors.questionnaire_axes(diagnostic.questionnaire)
    return applicability.applicable(structure, diagnostic.organisation)


def _answer(diagnostic, axes, pick=lambda choices: choices[-1]) -> None:
    for axis in axes:
        for question in axis.questions.all():
            choice = pick(sorted(question.choices.all(), key=lambda c: c.order))
            services.answer_save(diagnostic=diagnostic, question=question, choice=choice, user=None)


def test_a_restaurant_never_sees_the_furnished_rental_question(client, restaurant):
    _business, token, diagnostic = restaurant
    meuble = Question.objects.get(questionnaire=diagnostic.questionnaire, code=MEUBLE)
    pages = [client.get(url("axis", token, axis.code)) for axis in _asked(diagnostic).axes]
    pages.append(client.get(url("review", token)))
    assert all(page.status_code == 200 for page in pages)
    assert all(meuble.text not in page.text for page in pages)
    assert any("Votre carte, vos prix et vos horaires" in page.text for page in pages)
    # Nor can it answer it by a forged request.
    response = client.post(
        url("autosave", token, meuble.pk), {choice_field_name(meuble): meuble.choices.first().pk}
    )
    assert response.status_code == 400
    assert not Answer.objects.filter(diagnostic=diagnostic, question=meuble).exists()


def test_a_gite_is_asked_about_its_registration_and_not_about_its_menu(client, office, campaign):
    _business, token, diagnostic = _start(office, campaign, Business.Segment.ACCOMMODATION, "Gîte")
    page = client.get(url("axis", token, "secu"))
    assert "téléservice national" in page.text
    codes = {q.code for a in _asked(diagnostic).axes for q in a.questions.all()}
    assert MEUBLE in codes and "vis-07" not in codes


def test_unscored_questions_are_optional_and_say_so(client, restaurant):
    _business, token, diagnostic = restaurant
    asked = _asked(diagnostic)
    unscored = [q for a in asked.axes for q in a.questions.all() if not q.scored]
    assert len(unscored) == 4
    page = client.get(url("axis", token, "secu"))
    assert page.text.count("Facultative, sans effet sur votre score") == 4
    _answer(diagnostic, asked.scored)
    # Every scored question answered: the review has nothing missing and submission passes.
    review = client.get(url("review", token))
    assert "Toutes les questions ont une réponse" in review.text
    services.diagnostic_submit(diagnostic=diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.is_submitted and float(diagnostic.overall_score) == 100.0


def test_submission_waits_for_the_activity_questions_only(restaurant):
    _business, _token, diagnostic = restaurant
    asked = _asked(diagnostic)
    scored = [q for a in asked.scored for q in a.questions.all()]
    _answer(diagnostic, asked.scored)
    last = scored[-1]
    Answer.objects.filter(diagnostic=diagnostic, question=last).delete()
    with pytest.raises(services.ServiceError) as error:
        services.diagnostic_submit(diagnostic=diagnostic)
    assert "1 question" in " ".join(error.value.messages)
    services.answer_save(
        diagnostic=diagnostic, question=last, choice=last.choices.last(), user=None
    )
    services.diagnostic_submit(diagnostic=diagnostic)
    totals = dict(
        AxisScore.objects.filter(diagnostic=diagnostic).values_list("axis__code", "total")
    )
    assert totals == {a.code: len(a.questions.all()) for a in asked.scored}
    assert sum(totals.values()) == asked.scored_count == 19


def test_scores_count_only_the_activity_questions(restaurant):
    """An answer to a question of another activity (left from a change of activity, say)
    changes nothing: the profile is scored on the applicable questions only."""
    _business, _token, diagnostic = restaurant
    asked = _asked(diagnostic)
    _answer(diagnostic, asked.scored)
    before = selectors.diagnostic_profile(diagnostic)
    meuble = Question.objects.get(questionnaire=diagnostic.questionnaire, code=MEUBLE)
    Answer.objects.create(diagnostic=diagnostic, question=meuble, choice=meuble.choices.first())
    after = selectors.diagnostic_profile(diagnostic)
    assert before.score == after.score == 100.0
    assert after.total == asked.scored_count
    assert MEUBLE not in {r.question.code for r in after.priorities}


def test_results_and_pdf_say_which_questions_count(client, restaurant):
    _business, token, diagnostic = restaurant
    _answer(diagnostic, _asked(diagnostic).scored, pick=lambda choices: choices[1])
    services.diagnostic_submit(diagnostic=diagnostic)
    sentence = "Ce diagnostic compte les 19 questions qui concernent votre activité (restauration)."
    page = client.get(url("results", token))
    assert sentence in page.text.replace("\u00a0", " ")
    cache.clear()
    pdf = client.get(url("report_pdf", token))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "19 questions qui concernent votre activité" in " ".join(text.split())


def test_the_shared_structure_is_never_narrowed(restaurant, questionnaire):
    _business, _token, diagnostic = restaurant
    structure = selectors.questionnaire_axes(questionnaire)
    everything = sum(len(a.questions.all()) for a in structure)
    asked = applicability.applicable(structure, diagnostic.organisation)
    assert sum(len(a.questions.all()) for a in asked.axes) < everything
    assert sum(len(a.questions.all()) for a in selectors.questionnaire_axes(questionnaire)) == (
        everything
    )


def test_an_office_is_asked_every_question_of_its_questionnaire():
    questionnaire = factories.build_questionnaire()
    office = factories.make_office()
    structure = selectors.questionnaire_axes(questionnaire)
    asked = applicability.applicable(structure, office)
    assert asked.axes == structure and asked.scored == structure
    assert not asked.is_partial and asked.activity == ""


def test_validation_checks_activities_and_unscored_questions():
    offices = factories.build_questionnaire()
    Question.objects.filter(questionnaire=offices, code="axe-1-01").update(
        activities=["restauration"]
    )
    businesses = factories.build_questionnaire(audience=Audience.BUSINESSES)
    Question.objects.filter(questionnaire=businesses, code="axe-1-01").update(
        activities=["boulangerie"]
    )
    Question.objects.filter(questionnaire=businesses, code="axe-1-02").update(scored=False)
    office_faults = " ".join(questionnaire_faults(offices))
    business_faults = " ".join(questionnaire_faults(businesses))
    assert "seul un questionnaire de prestataires distingue les activités" in office_faults
    assert "activités inconnues" in business_faults and "boulangerie" in business_faults
    assert "ses choix doivent valoir 0 point" in business_faults


def test_reading_time_on_a_phone_is_at_most_twelve_minutes_for_every_activity(questionnaire):
    structure = selectors.questionnaire_axes(questionnaire)
    times = {
        code: applicability.reading_time(questionnaire, structure, code)
        for code in Business.BUSINESS_SEGMENTS
    }
    assert all(t.minutes <= 12 for t in times.values()), times
    assert all(20 <= t.questions <= 26 for t in times.values()), times
    # Version 1 asked everyone everything: about 14 minutes, as the review measured.
    loaddata("questionnaire_prestataires")
    v1 = Questionnaire.objects.get(code="snut-prestataires", version=1)
    old = applicability.reading_time(v1, selectors.questionnaire_axes(v1), "restauration")
    assert 13 < old.minutes < 16


def test_validate_questionnaire_prints_the_reading_time_of_each_activity(questionnaire):
    out = io.StringIO()
    call_command("validate_questionnaire", "snut-prestataires", stdout=out)
    text = out.getvalue()
    assert "structure valide" in text
    for label in ("Hébergement", "Restauration", "Sites de visite", "Activités", "Commerces"):
        line = next(line for line in text.splitlines() if line.strip().startswith(label))
        assert "questions" in line and "min" in line and "sur téléphone" in line


def test_submitted_diagnostics_keep_their_count_per_activity(office, campaign):
    """Each activity gets its own number of questions, none of another activity."""
    counts = {}
    for segment in Business.BUSINESS_SEGMENTS:
        _b, _t, diagnostic = _start(office, campaign, segment, f"Prestataire {segment}")
        counts[segment] = _asked(diagnostic).scored_count
    assert counts == {
        "hebergement": 21,
        "restauration": 19,
        "activites": 20,
        "sites": 19,
        "commerces": 18,
    }
    assert Diagnostic.objects.filter(campaign=campaign).count() == 5


def test_the_start_page_counts_the_activity_questions(client, office, campaign):
    business = factories.make_business(office, "Épicerie du Marché", segment="commerces")
    token = services.business_link_issue(business=business, campaign=campaign)[1]
    assert "22 questions à choix" in client.get(url("home", token)).text
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    _answer(diagnostic, _asked(diagnostic).axes[:1])
    page = client.get(url("home", token)).text.replace("\u00a0", " ")
    assert "questions sur 18 ont déjà une réponse" in page


def test_the_office_reads_which_questions_counted_for_a_business_that_agreed(
    client, office, restaurant
):
    _business, _token, diagnostic = restaurant
    _answer(diagnostic, _asked(diagnostic).scored, pick=lambda choices: choices[1])
    services.diagnostic_submit(diagnostic=diagnostic, share_details=True)
    client.force_login(factories.director_of(office))
    page = client.get(
        reverse("diagnostics:business_detail", args=[office.slug, diagnostic.pk])
    ).text.replace("\u00a0", " ")
    assert "compte les 19 questions qui concernent son activité (restauration)" in page
    assert "votre activité (restauration)" not in page
