"""The businesses' questionnaire version 2: by activity, with the review's flags addressed."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from diagnostics import scoring
from diagnostics.models import Audience, AxisNarrative, Choice, Question, Questionnaire, Training
from tests.loaded import loaddata

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# What the shipped questionnaire says: checked on SQLite only in CI (the `content` mark).
pytestmark = [pytest.mark.django_db, pytest.mark.content]


@pytest.fixture
def v2():
    call_command(
        "loaddata",
        "questionnaire_prestataires",
        "ateliers_prestataires",
        "questionnaire_prestataires_v2",
        verbosity=0,
    )
    return Questionnaire.objects.get(code="snut-prestataires", version=2)


def _question(v2, code) -> Question:
    return Question.objects.prefetch_related("choices").get(questionnaire=v2, code=code)


def test_it_loads_published_for_businesses_valid_and_twice_the_same(v2):
    assert (v2.status, v2.audience) == (Questionnaire.Status.PUBLISHED, Audience.BUSINESSES)
    assert Questionnaire.objects.latest(Audience.BUSINESSES).get() == v2
    out = StringIO()
    call_command(
        "validate_questionnaire", "snut-prestataires", "--questionnaire-version=2", stdout=out
    )
    assert "structure valide" in out.getvalue()
    counts = [Question.objects.count(), Choice.objects.count(), Training.objects.count()]
    loaddata("questionnaire_prestataires_v2")
    assert counts == [Question.objects.count(), Choice.objects.count(), Training.objects.count()]


def test_its_structure_and_ladders(v2):
    assert [a.code for a in v2.axes.order_by("order")] == ["vis", "resa", "avis", "rel", "secu"]
    assert AxisNarrative.objects.filter(axis__questionnaire=v2).count() == 20
    for question in Question.objects.filter(questionnaire=v2).prefetch_related("choices"):
        assert question.code.startswith(f"{question.axis.code}-"), question.code
        choices = sorted(question.choices.all(), key=lambda c: c.order)
        if not question.scored:
            assert {c.points for c in choices} == {0} and question.activities == []
            continue
        assert question.help_text.strip(), question.code
        assert [c.points for c in choices] == list(range(len(choices))), question.code
        for choice in choices[:-1]:
            assert choice.recommendation.strip(), (question.code, choice.label)
            assert choice.effort in scoring.EFFORTS and choice.scale in scoring.SCALES
    recommendations = Choice.objects.filter(question__questionnaire=v2).exclude(recommendation="")
    assert recommendations.values("recommendation").distinct().count() == recommendations.count()


def test_every_activity_has_its_own_questions(v2):
    only = {
        "hebergement": {"secu-05", "rel-02"},
        "restauration": {"vis-07"},
        "sites": {"rel-05"},
        "activites": {"resa-06"},
        "commerces": {"vis-08", "resa-08"},
    }
    for activity, codes in only.items():
        for code in codes:
            assert _question(v2, code).activities == [activity], code
    # A shop is not asked about booking, a restaurant about furnished rentals.
    assert "commerces" not in _question(v2, "resa-01").activities
    assert _question(v2, "secu-05").activities == ["hebergement"]


def test_the_review_flags_on_business_questions_are_addressed(v2):
    secu05 = _question(v2, "secu-05")
    assert "téléservice national" in secu05.text and "20 mai 2026" in secu05.help_text
    first = secu05.choices.order_by("order").first()
    assert first.label.startswith("Non") and "téléservice national" in first.recommendation
    assert "mairie" not in secu05.choices.order_by("order")[2].recommendation
    assert "pas seulement une page Facebook" in _question(v2, "vis-03").text
    assert "banque" not in _question(v2, "secu-01").text
    assert "15 à 20" not in _question(v2, "resa-03").help_text
    assert "par choix" in " ".join(c.label for c in _question(v2, "vis-05").choices.all())
    vis02 = _question(v2, "vis-02")
    for choice in vis02.choices.order_by("order")[:3]:  # the office's own tool, whatever it is
        assert "Demandez vos accès" not in choice.recommendation
        assert "formulaire" in choice.recommendation or "corrections" in choice.recommendation
    assert "questions posées" not in vis02.choices.order_by("order")[2].recommendation
    assert (
        "questions posées"
        not in _question(v2, "vis-01").choices.order_by("order")[2].recommendation
    )
    resa02 = _question(v2, "resa-02").choices.order_by("order")[2]
    assert resa02.recommendation.startswith("Si vous avez plusieurs")
    assert "plateformes" in _question(v2, "resa-03").choices.order_by("order")[3].recommendation
    ai = _question(v2, "secu-08")
    assert "intelligence artificielle générative" in ai.text
    assert Question.objects.filter(questionnaire=v2, scored=False).count() == 4
    assert "ni bonne ni mauvaise réponse" in v2.description
    text = (FIXTURES / "questionnaire_prestataires_v2.json").read_text(encoding="utf-8")
    assert "TripAdvisor" not in text and "réclam" not in text.replace("réclame un", "")


def test_every_scored_question_has_a_workshop_and_the_new_ones_exist(v2):
    workshops = Training.objects.filter(audience=Audience.BUSINESSES).prefetch_related("questions")
    covered = {q.code for w in workshops for q in w.questions.all()}
    scored = set(
        Question.objects.filter(questionnaire=v2, scored=True).values_list("code", flat=True)
    )
    assert scored <= covered, scored - covered
    ai = Training.objects.get(pk=1014)
    assert "intelligence artificielle" in ai.title
    assert [q.code for q in ai.questions.all()] == ["secu-08"]


def test_fixture_follows_french_typography():
    text = (FIXTURES / "questionnaire_prestataires_v2.json").read_text(encoding="utf-8")
    assert "'" not in text, "apostrophe droite : utiliser ’"
    assert not re.search(r" [?!;:%€]", text), "espace simple avant ? ! ; : % € (insécable attendue)"
    assert not re.search(r"« | »", text), "espace simple dans les guillemets"
