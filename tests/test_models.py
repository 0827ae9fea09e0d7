"""Database constraints: the data's rules hold even outside the services."""

import pytest
from django.db import IntegrityError, transaction

from diagnostics.models import Answer, Axis, Choice, Diagnostic, MaturityLevel, Question
from tests import factories


def raises_integrity(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_codes_are_unique_per_questionnaire(questionnaire):
    axis = questionnaire.axes.first()
    raises_integrity(
        lambda: Axis.objects.create(questionnaire=questionnaire, code=axis.code, name="Doublon")
    )
    raises_integrity(
        lambda: Question.objects.create(
            questionnaire=questionnaire, axis=axis, code="axe-1-01", text="Doublon"
        )
    )
    other = factories.build_questionnaire()
    Axis.objects.create(questionnaire=other, code="libre", name="Même code ailleurs")
    assert Axis.objects.filter(code=axis.code).count() == 2  # same code, other questionnaire


def test_points_are_never_negative(questionnaire):
    question = Question.objects.filter(questionnaire=questionnaire).first()
    raises_integrity(
        lambda: Choice.objects.create(question=question, order=99, label="x", points=-1)
    )


def test_level_bounds_are_unique_and_at_most_100(questionnaire):
    raises_integrity(
        lambda: MaturityLevel.objects.create(questionnaire=questionnaire, lower_bound=25, name="x")
    )
    raises_integrity(
        lambda: MaturityLevel.objects.create(questionnaire=questionnaire, lower_bound=101, name="x")
    )


def test_one_answer_per_question(diagnostic):
    question = Question.objects.filter(questionnaire=diagnostic.questionnaire).first()
    Answer.objects.create(diagnostic=diagnostic, question=question, choice=question.choices.first())
    raises_integrity(lambda: Answer.objects.create(diagnostic=diagnostic, question=question))


def test_an_answer_is_a_choice_or_not_applicable_never_both(diagnostic):
    question = Question.objects.filter(questionnaire=diagnostic.questionnaire).first()
    raises_integrity(
        lambda: Answer.objects.create(
            diagnostic=diagnostic,
            question=question,
            choice=question.choices.first(),
            not_applicable=True,
        )
    )


def test_one_draft_per_office_and_campaign(diagnostic):
    raises_integrity(
        lambda: Diagnostic.objects.create(
            organisation=diagnostic.organisation,
            campaign=diagnostic.campaign,
            questionnaire=diagnostic.questionnaire,
        )
    )


def test_submitted_diagnostic_has_a_date(diagnostic):
    diagnostic.status = Diagnostic.Status.SUBMITTED
    raises_integrity(diagnostic.save)


def test_campaign_closes_after_it_opens(questionnaire):
    campaign = factories.open_campaign(questionnaire)
    campaign.closes = campaign.opens.replace(year=campaign.opens.year - 1)
    raises_integrity(campaign.save)


def test_natural_keys_round_trip(questionnaire):
    choice = Choice.objects.filter(question__questionnaire=questionnaire).last()
    assert Choice.objects.get_by_natural_key(*choice.natural_key()) == choice
    question = choice.question
    assert Question.objects.get_by_natural_key(*question.natural_key()) == question
    assert Axis.objects.get_by_natural_key(*question.axis.natural_key()) == question.axis
    level = questionnaire.levels.last()
    assert MaturityLevel.objects.get_by_natural_key(*level.natural_key()) == level


def test_names_are_elided_before_a_vowel_or_a_mute_h():
    from diagnostics.french import de

    assert de("Arcachère") == "d’Arcachère"
    assert de("Hossegor-la-Vague") == "d’Hossegor-la-Vague"
    assert de("Écouché") == "d’Écouché"
    assert de("Castelroc") == "de Castelroc"


def test_every_french_department_is_data_with_its_region(db):
    from diagnostics.models import Department, Region

    assert Department.objects.count() == 101 and Region.objects.count() == 18
    assert Department.objects.get(code="2A").region.name == "Corse"
    assert Department.objects.filter(region__name="Nouvelle-Aquitaine").count() == 12


@pytest.mark.parametrize(
    "name, header",
    [
        ("Mobilité et services mobiles", "Mobilité"),
        ("Mobilité\u00a0: outils en mobilité et SoLoMo", "Mobilité"),
        ("Réseaux sociaux et e-réputation", "Réseaux sociaux"),
        ("Site(s) web de destination", "Site(s) web"),
        ("Infrastructures numériques du territoire", "Infrastructures numériques"),
        ("Sécurité, conformité et compétences", "Sécurité"),
        ("Accueil numérique", "Accueil numérique"),
    ],
)
def test_an_axis_header_is_its_short_name_or_its_name_up_to_a_link_word(name, header):
    """A narrow column's header (the staff's office list): French, with its accents (the
    code « mobilite » read « MOBILITE » there)."""
    assert Axis(code="x", name=name).header == header
    assert Axis(code="x", name=name, short_name="Infra").header == "Infra"


def test_the_official_axes_have_their_short_names_from_their_fixtures(db):
    """The offices' and businesses' questionnaires give each axis its header, the same as
    migration 0032 gives to those already loaded."""
    import importlib

    from tests.loaded import loaddata

    step = importlib.import_module("diagnostics.migrations.0032_axis_short_name")
    loaddata("questionnaire_snut_v3", "questionnaire_prestataires_v2")
    assert dict(Axis.objects.values_list("code", "short_name")) == step.SHORT_NAMES
    assert Axis.objects.get(code="mobilite").header == "Mobilité"
