"""The official SNUT questionnaire fixture and the validate_questionnaire command."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from diagnostics.models import Axis, Choice, MaturityLevel, Question, Questionnaire
from tests.loaded import loaddata

# What the shipped questionnaire says: checked on SQLite only in CI (the `content` mark).
pytestmark = pytest.mark.content

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaire_snut.json"
AXES = ["web", "social", "mobilite", "infra", "accueil", "organisation"]


@pytest.fixture
def snut(db):
    loaddata("questionnaire_snut")
    return Questionnaire.objects.get(code="snut-ot")


def test_fixture_has_the_client_axes_and_enough_questions(snut):
    assert snut.status == Questionnaire.Status.PUBLISHED
    assert list(snut.axes.order_by("order").values_list("code", flat=True)) == AXES
    for axis in snut.axes.all():
        assert axis.questions.count() >= 10, axis.code
        assert axis.description
    assert Question.objects.filter(questionnaire=snut).count() >= 60
    assert list(snut.levels.values_list("lower_bound", flat=True)) == [0, 25, 50, 75]
    assert all(level.name and level.description for level in snut.levels.all())


def test_every_question_has_help_graded_choices_and_recommendations(snut):
    for question in Question.objects.filter(questionnaire=snut).prefetch_related("choices"):
        assert question.help_text.strip(), question.code
        choices = sorted(question.choices.all(), key=lambda c: c.order)
        assert 3 <= len(choices) <= 5, question.code
        points = [c.points for c in choices]
        assert points[0] == 0 and points == sorted(set(points)), question.code
        assert all(c.recommendation.strip() for c in choices), question.code


def test_loading_twice_changes_nothing(snut):
    counts = [
        Axis.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
        MaturityLevel.objects.count(),
    ]
    call_command("loaddata", "questionnaire_snut", verbosity=0)  # the real thing, again
    assert counts == [
        Axis.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
        MaturityLevel.objects.count(),
    ]


def test_fixture_follows_french_typography():
    text = FIXTURE.read_text(encoding="utf-8")
    assert "'" not in text, "apostrophe droite : utiliser ’"
    assert not re.search(r" [?!;:]", text), (
        "espace simple avant ? ! ; : (espace insécable attendue)"
    )
    assert not re.search(r"« | »", text), "espace simple dans les guillemets"
    assert "é" in text and "à" in text


def test_validate_passes_on_the_fixture(snut):
    out = StringIO()
    call_command("validate_questionnaire", "snut-ot", stdout=out)
    assert "structure valide" in out.getvalue()


def test_validate_fails_with_a_message_per_fault_on_a_broken_copy(db, tmp_path):
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for row in rows:
        fields = row["fields"]
        if row["model"] == "diagnostics.questionnaire":
            fields["code"] = "casse"
        elif "questionnaire" in fields:
            fields["questionnaire"][0] = "casse"
        if row["model"] == "diagnostics.question":
            fields["axis"][0] = "casse"
        if row["model"] == "diagnostics.choice":
            fields["question"][0] = "casse"
    first_level = next(r for r in rows if r["model"] == "diagnostics.maturitylevel")
    first_level["fields"]["lower_bound"] = 10
    web_choices = [
        r
        for r in rows
        if r["model"] == "diagnostics.choice" and r["fields"]["question"][2] == "web-01"
    ]
    web_choices[0]["fields"]["recommendation"] = ""
    rows = [
        r
        for r in rows
        if not (
            r["model"] == "diagnostics.choice"
            and r["fields"]["question"][2] == "web-02"
            and r["fields"]["points"] > 0
        )
    ]
    broken = tmp_path / "casse.json"
    broken.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(broken), verbosity=0)

    err = StringIO()
    with pytest.raises(CommandError, match="^1 questionnaire invalide.$"):
        call_command("validate_questionnaire", "casse", stderr=err)
    report = err.getvalue()
    assert "défauts" in report and "(s)" not in report
    assert "premier commence à 10" in report
    assert "Question web-01" in report and "n’a pas de recommandation" in report
    assert "Question web-02 : 1 choix, il en faut au moins 2" in report.replace("\u00a0", " ")
    assert "Question web-02 : aucun choix ne rapporte de points" in report.replace("\u00a0", " ")


def test_validate_unknown_code_is_an_error(db):
    with pytest.raises(CommandError, match="Aucun questionnaire"):
        call_command("validate_questionnaire", "inconnu")


@pytest.fixture
def snut_v2(db):
    loaddata("questionnaire_snut", "questionnaire_snut_v2")
    return Questionnaire.objects.get(code="snut-ot", version=2)


def test_version_2_keeps_the_axes_and_is_valid(snut_v2):
    v1 = Questionnaire.objects.get(code="snut-ot", version=1)
    assert snut_v2.status == Questionnaire.Status.PUBLISHED
    assert list(snut_v2.axes.order_by("order").values_list("code", flat=True)) == AXES
    assert 60 <= Question.objects.filter(questionnaire=snut_v2).count() <= 75
    assert "SoLoMo" not in " ".join(snut_v2.axes.values_list("name", flat=True))
    out = StringIO()
    call_command("validate_questionnaire", "snut-ot", "--questionnaire-version", "2", stdout=out)
    # Version 1 is untouched by loading version 2 beside it.
    assert Question.objects.filter(questionnaire=v1).count() == 69


def test_version_2_gives_every_recommendation_an_effort_a_scale_and_every_axis_its_texts(
    snut_v2,
):
    from diagnostics.models import AxisNarrative

    below_best = Choice.objects.filter(question__questionnaire=snut_v2).exclude(recommendation="")
    assert below_best.exists()
    assert not below_best.filter(effort="").exists() and not below_best.filter(scale="").exists()
    narratives = AxisNarrative.objects.filter(axis__questionnaire=snut_v2)
    assert narratives.count() == 6 * 4
    assert narratives.values("text").distinct().count() == 24
