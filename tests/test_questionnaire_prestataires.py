"""The business questionnaire fixture and the businesses' workshop catalogue."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from diagnostics import scoring
from diagnostics.models import Audience, AxisNarrative, Choice, Question, Questionnaire, Training
from tests.loaded import loaddata

# What the shipped questionnaire says: checked on SQLite only in CI (the `content` mark).
pytestmark = pytest.mark.content

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AXES = ["vis", "resa", "avis", "rel", "secu"]
# Read on a phone: one question fits in about four lines, one answer in three.
QUESTION_MAX = 160
CHOICE_MAX = 120
HELP_MAX = 320


@pytest.fixture
def business_questionnaire(db):
    loaddata("questionnaire_prestataires")
    return Questionnaire.objects.get(code="snut-prestataires", version=1)


@pytest.fixture
def workshops(business_questionnaire):
    loaddata("ateliers_prestataires")
    return Training.objects.filter(pk__gte=1001).prefetch_related("axes", "questions")


def test_it_is_published_for_businesses_and_valid(business_questionnaire):
    assert business_questionnaire.status == Questionnaire.Status.PUBLISHED
    assert business_questionnaire.audience == "businesses"
    out = StringIO()
    call_command("validate_questionnaire", "snut-prestataires", stdout=out)
    assert "structure valide" in out.getvalue()


def test_it_has_five_axes_and_a_phone_sized_number_of_questions(business_questionnaire):
    axes = list(business_questionnaire.axes.order_by("order"))
    assert [a.code for a in axes] == AXES
    assert all(a.description and 1 <= a.weight <= 3 for a in axes)
    questions = Question.objects.filter(questionnaire=business_questionnaire)
    assert 15 <= questions.count() <= 25
    for axis in axes:
        codes = list(axis.questions.values_list("code", flat=True))
        assert 3 <= len(codes) <= 6, axis.code
        assert all(code.startswith(f"{axis.code}-") for code in codes), codes
    assert questions.filter(allow_not_applicable=True).exists()
    # « non concerné » where an activity may not fit, never on the basics everyone has.
    assert not questions.filter(code="vis-01", allow_not_applicable=True).exists()
    assert questions.filter(code="secu-05", allow_not_applicable=True).exists()


def test_it_has_four_levels_and_a_text_for_every_axis_and_level(business_questionnaire):
    levels = list(business_questionnaire.levels.order_by("lower_bound"))
    assert [level.lower_bound for level in levels] == [0, 25, 50, 75]
    assert [level.name for level in levels] == [
        "Invisible",
        "Présent",
        "Connecté",
        "Autonome et relais",
    ]
    assert all(level.description for level in levels)
    narratives = AxisNarrative.objects.filter(axis__questionnaire=business_questionnaire)
    assert narratives.count() == len(AXES) * len(levels)
    assert narratives.values("text").distinct().count() == narratives.count()


def test_every_answer_below_the_best_has_a_recommendation_an_effort_and_a_scale(
    business_questionnaire,
):
    questions = Question.objects.filter(questionnaire=business_questionnaire).prefetch_related(
        "choices"
    )
    for question in questions:
        assert question.help_text.strip(), question.code
        choices = sorted(question.choices.all(), key=lambda c: c.order)
        assert 3 <= len(choices) <= 5, question.code
        points = [c.points for c in choices]
        assert points[0] == 0 and points == sorted(set(points)), question.code
        for choice in choices[:-1]:
            assert choice.recommendation.strip(), (question.code, choice.label)
            assert choice.effort in scoring.EFFORTS, (question.code, choice.label)
            assert choice.scale in scoring.SCALES, (question.code, choice.label)
    recommendations = Choice.objects.filter(question__questionnaire=business_questionnaire)
    recommendations = recommendations.exclude(recommendation="")
    assert recommendations.values("recommendation").distinct().count() == recommendations.count()


def test_it_reads_on_a_phone(business_questionnaire):
    too_long = []
    for question in Question.objects.filter(questionnaire=business_questionnaire):
        if len(question.text) > QUESTION_MAX:
            too_long.append(f"{question.code} ({len(question.text)}) : {question.text}")
        if len(question.help_text) > HELP_MAX:
            too_long.append(f"{question.code}, aide ({len(question.help_text)})")
    for choice in Choice.objects.filter(question__questionnaire=business_questionnaire):
        if len(choice.label) > CHOICE_MAX:
            too_long.append(f"{choice.question.code} ({len(choice.label)}) : {choice.label}")
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize("name", ["questionnaire_prestataires", "ateliers_prestataires"])
def test_fixture_follows_french_typography(name):
    text = (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    assert "'" not in text, "apostrophe droite : utiliser ’"
    assert not re.search(r" [?!;:%€]", text), "espace simple avant ? ! ; : % € (insécable attendue)"
    assert not re.search(r"« | »", text), "espace simple dans les guillemets"


def test_loading_twice_changes_nothing(workshops):
    counts = [Question.objects.count(), Choice.objects.count(), Training.objects.count()]
    call_command(
        "loaddata", "questionnaire_prestataires", "ateliers_prestataires", verbosity=0
    )  # the real thing, again
    assert counts == [Question.objects.count(), Choice.objects.count(), Training.objects.count()]


def test_the_workshops_are_for_businesses_and_cover_every_question(
    workshops, business_questionnaire
):
    assert len(workshops) == 13
    assert {w.audience for w in workshops} == {Audience.BUSINESSES}
    assert {w.format for w in workshops} >= {"workshop", "webinar", "coaching"}
    covered = set()
    for workshop in workshops:
        assert workshop.duration and workshop.description, workshop.title
        questions = list(workshop.questions.all())
        assert questions, workshop.title
        assert {q.questionnaire_id for q in questions} == {business_questionnaire.pk}
        assert {a.questionnaire_id for a in workshop.axes.all()} <= {business_questionnaire.pk}
        covered |= {q.code for q in questions}
    every = set(
        Question.objects.filter(questionnaire=business_questionnaire).values_list("code", flat=True)
    )
    assert covered == every


def test_the_review_flags_on_workshops_are_addressed(workshops):
    """Review of version 2, §3.5: the individual appointment promises only what each
    office can keep and no longer « needs » every business through five axes; the
    renters' topic has its own webinar, apart from the customer files every business has."""
    appointment = workshops.get(pk=1012)
    assert not appointment.axes.exists()
    assert "selon les disponibilités de votre office" in appointment.description
    assert "vient chez vous" not in appointment.description
    files = workshops.get(pk=1011)
    assert [q.code for q in files.questions.all()] == ["secu-04"]
    assert "meublé" not in files.title
    renters = workshops.get(pk=1013)
    assert [q.code for q in renters.questions.all()] == ["secu-05"]
    assert "téléservice national" in renters.description
    assert "espace professionnel" not in workshops.get(pk=1002).title
