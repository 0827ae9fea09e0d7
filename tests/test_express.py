"""The express fit (diagnostics/express.py): pure, seeded, and its errors within reason; the
express fixture as `express_questionnaire` writes it; its error on diagnostics in a database."""

import io
import json
import random

import pytest
from django.core.management import call_command

from diagnostics import express
from diagnostics.management.commands.express_questionnaire import express_records, specs
from diagnostics.models import Questionnaire
from diagnostics.scoring import AxisSpec, ChoiceSpec, QuestionSpec, score_axis
from diagnostics.services.setup import fixture_records


def _axes(axes=2, questions=6):
    """Axes whose questions differ in weight: the heavier ones say more of the axis."""
    out = []
    for a in range(axes):
        out.append(
            AxisSpec(
                id=a + 1,
                code=f"axe-{a}",
                weight=1 + a,
                questions=tuple(
                    QuestionSpec(
                        id=10 * a + q,
                        code=f"axe-{a}-{q}",
                        weight=1 + 2 * (q == 0) + (q == 1),
                        choices=tuple(
                            ChoiceSpec(id=100 * (10 * a + q) + c, points=c) for c in range(4)
                        ),
                    )
                    for q in range(questions)
                ),
            )
        )
    return out


def test_the_simulated_population_is_the_same_for_the_same_seed():
    axes = _axes()
    assert express.simulate(axes, size=20, seed=4) == express.simulate(axes, size=20, seed=4)
    assert express.simulate(axes, size=20, seed=4) != express.simulate(axes, size=20, seed=5)


def test_the_fit_is_reproducible_and_keeps_the_heaviest_questions():
    axes = _axes()
    first = express.fit(axes, total=4, size=150, seed=7)
    assert first == express.fit(axes, total=4, size=150, seed=7)
    for fit in first:
        assert len(fit.questions) == 2
        # The weight-3 question carries most of its axis: the fit keeps it.
        assert f"{fit.code}-0" in fit.questions
        assert 0 <= fit.shrinkage <= 60


def test_the_errors_are_loosely_within_the_target_and_the_margins_cover_them():
    axes = _axes(questions=8)
    fits = express.fit(axes, total=6, size=200, seed=3)
    for fit in fits:
        assert 0 < fit.mean_absolute_error < 2 * express.TARGET_ERROR
        assert fit.below > 0 and fit.above > 0
    # The estimate from every question is the full score: no error at all.
    whole = express.describe(
        axes,
        {a.code: [q.code for q in a.questions] for a in axes},
        {},
        express.simulate(axes, size=50),
    )
    assert all(fit.mean_absolute_error == 0 for fit in whole)


def test_the_fast_ranking_scores_as_scoring_does():
    """`choose` ranks subsets with summed contributions: the same ratio as score_axis."""
    axis = _axes(axes=1)[0]
    population = express.simulate([axis], size=40, seed=2, allows_na=frozenset({3}))
    codes, error = express.choose(axis, population, per_axis=3)
    short = express.abbreviated(axis, codes)
    differences = []
    for answers in population:
        full = score_axis(axis, answers, ()).score
        estimate = score_axis(short, answers, ()).score
        if full is not None and estimate is not None:
            differences.append(full - estimate)
    assert error == pytest.approx(express.mean_absolute_error(differences))


def test_an_estimate_borrows_from_the_other_axes_and_a_missing_axis_has_none():
    scores = {"a": 20.0, "b": 80.0, "c": None}
    assert express.estimates(scores, {"a": 0.5, "b": 0}) == {"a": 35.0, "b": 80.0, "c": None}
    assert express.estimates({"a": None}, {"a": 0.3}) == {"a": None}
    assert express.indicative_range(42.4, 10, 12) == (32, 55)
    assert express.indicative_range(3, 10, 12) == (0, 15)
    assert express.indicative_range(95, 10, 12) == (85, 100)


def test_the_shipped_fixture_is_the_fit_of_the_full_questionnaire():
    """The express fixture keeps version 3's codes, texts and choices, 18 questions, about
    three an axis, within 15 minutes at the README's measure; its margins are the fit's."""
    records = fixture_records("questionnaire_snut_express")
    full = fixture_records("questionnaire_snut_v3")
    header = records[0]["fields"]
    assert header["abbreviates"] == ["snut-ot", 3]
    questions = [r["fields"] for r in records if r["model"] == "diagnostics.question"]
    assert len(questions) <= express.MAX_QUESTIONS
    originals = {
        r["fields"]["code"]: r["fields"] for r in full if r["model"] == "diagnostics.question"
    }
    for question in questions:
        original = originals[question["code"]]
        assert (question["text"], question["help_text"]) == (
            original["text"],
            original["help_text"],
        )
    axes = [r["fields"] for r in records if r["model"] == "diagnostics.axis"]
    counts = {a["code"]: sum(q["axis"][-1] == a["code"] for q in questions) for a in axes}
    assert all(2 <= n <= 4 for n in counts.values()), counts
    _, _, seconds = specs(full)
    assert sum(seconds[q["code"]] for q in questions) / 60 <= express.MAX_MINUTES
    assert all(a["margin_below"] > 0 and a["margin_above"] > 0 for a in axes)
    # Rebuilt from the shipped choice, the records are the fixture's.
    fits = [
        express.AxisFit(
            a["code"],
            tuple(q["code"] for q in questions if q["axis"][-1] == a["code"]),
            0,
            a["margin_below"],
            a["margin_above"],
            a["shrinkage"],
        )
        for a in axes
    ]
    assert express_records(full, fits)[1:] == records[1:]


def test_the_command_writes_the_fixture(tmp_path, monkeypatch, settings):
    """A small population: the command's plumbing, not the fit's quality."""
    from diagnostics.management.commands import express_questionnaire

    monkeypatch.setattr(express_questionnaire, "FIXTURES", tmp_path)
    call_command("express_questionnaire", "--size", "30", "--target", "essai", stdout=io.StringIO())
    written = json.loads((tmp_path / "essai.json").read_text(encoding="utf-8"))
    assert written[0]["fields"]["code"] == "snut-ot-express"
    assert sum(r["model"] == "diagnostics.question" for r in written) == express.MAX_QUESTIONS


@pytest.mark.django_db
def test_express_error_prints_the_error_of_each_axis_on_the_database(capsys):
    from diagnostics import services
    from diagnostics.selectors.express import express_accuracy
    from tests import factories

    full = factories.build_questionnaire(axes=2, questions=4)
    short = factories.build_express(full, per_axis=2, shrinkage=0)
    campaign = factories.open_campaign(full)
    rng = random.Random(1)
    for _ in range(3):
        office = factories.make_office()
        user = factories.director_of(office)
        diagnostic = services.diagnostic_start(organisation=office, campaign=campaign, user=user)
        factories.answer_all(diagnostic, pick=lambda choices: rng.choice(choices))
        with services.reports_printed_on_demand():
            services.diagnostic_submit(diagnostic=diagnostic, user=user)
    rows = express_accuracy(short)
    assert [row.diagnostics for row in rows] == [3, 3]
    assert all(0 <= row.mean_absolute_error <= 100 for row in rows)
    call_command("express_error")
    out = capsys.readouterr().out
    assert "axe-1" in out and "erreur moyenne" in out and "sur 3 diagnostics" in out
    assert Questionnaire.objects.express().count() == 1


@pytest.mark.django_db
def test_validation_refuses_an_express_question_the_full_questionnaire_lacks():
    from diagnostics.models import Question
    from diagnostics.validation import questionnaire_faults
    from tests import factories

    full = factories.build_questionnaire(axes=2, questions=3)
    short = factories.build_express(full)
    assert questionnaire_faults(short) == []
    Question.objects.filter(questionnaire=short, code="axe-1-01").update(code="axe-1-99")
    short.refresh_from_db()
    faults = questionnaire_faults(short)
    assert len(faults) == 1 and "axe-1-99" in faults[0] and "reprises" in faults[0]
