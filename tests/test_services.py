"""Use cases: saving answers, starting and submitting diagnostics."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Answer, AxisScore, Choice, Diagnostic, Question
from tests import factories


def first_question(diagnostic, allow_na=False):
    return (
        Question.objects.filter(
            questionnaire=diagnostic.questionnaire, allow_not_applicable=allow_na
        )
        .order_by("axis__order", "order")
        .first()
    )


def test_answer_save_is_an_upsert_of_one_answer(diagnostic, director):
    question = first_question(diagnostic)
    low, high = question.choices.order_by("order")[0], question.choices.order_by("order")[3]
    services.answer_save(diagnostic=diagnostic, question=question, choice=low, user=director)
    services.answer_save(
        diagnostic=diagnostic,
        question=question,
        choice=high,
        comment="  Refonte en 2026  ",
        user=director,
    )
    answer = Answer.objects.get(diagnostic=diagnostic)
    assert (answer.choice, answer.comment, answer.updated_by) == (high, "Refonte en 2026", director)


def test_answers_to_different_questions_never_overwrite_each_other(diagnostic, director, office):
    colleague = factories.make_user(office=office)
    q1, q2 = Question.objects.filter(questionnaire=diagnostic.questionnaire)[:2]
    services.answer_save(
        diagnostic=diagnostic, question=q1, choice=q1.choices.first(), user=director
    )
    services.answer_save(
        diagnostic=diagnostic, question=q2, choice=q2.choices.last(), user=colleague
    )
    assert Answer.objects.filter(diagnostic=diagnostic).count() == 2


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("foreign_choice", services.CHOICE_NOT_OF_QUESTION),
        ("foreign_question", services.QUESTION_NOT_IN_QUESTIONNAIRE),
        ("na_refused", services.NOT_APPLICABLE_REFUSED),
        ("choice_and_na", services.CHOICE_AND_NOT_APPLICABLE),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(diagnostic, director, case, message):
    question = first_question(diagnostic)
    other_question = (
        Question.objects.filter(questionnaire=diagnostic.questionnaire)
        .exclude(pk=question.pk)
        .first()
    )
    kwargs = {
        "diagnostic": diagnostic,
        "question": question,
        "choice": question.choices.first(),
        "user": director,
    }
    if case == "foreign_choice":
        kwargs["choice"] = other_question.choices.first()
    elif case == "foreign_question":
        foreign = factories.build_questionnaire()
        kwargs["question"] = Question.objects.filter(questionnaire=foreign).first()
        kwargs["choice"] = kwargs["question"].choices.first()
    elif case == "na_refused":
        kwargs.update(choice=None, not_applicable=True)
    elif case == "choice_and_na":
        kwargs["question"] = first_question(diagnostic, allow_na=True)
        kwargs.update(choice=kwargs["question"].choices.first(), not_applicable=True)
    with pytest.raises(ValidationError) as error:
        services.answer_save(**kwargs)
    assert error.value.messages == [message]
    assert not Answer.objects.exists()


def test_comment_too_long_is_refused(diagnostic, director):
    question = first_question(diagnostic)
    with pytest.raises(ValidationError):
        services.answer_save(
            diagnostic=diagnostic, question=question, choice=None, comment="x" * 2001, user=director
        )
    assert not Answer.objects.exists()


def test_not_applicable_where_allowed(diagnostic, director):
    question = first_question(diagnostic, allow_na=True)
    answer = services.answer_save(
        diagnostic=diagnostic, question=question, choice=None, not_applicable=True, user=director
    )
    assert answer.is_answered and answer.choice is None


def test_closed_campaign_refuses_answers(questionnaire, office, director):
    campaign = factories.closed_campaign(questionnaire)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire
    )
    question = first_question(diagnostic)
    with pytest.raises(ValidationError, match="n’est pas ouverte"):
        services.answer_save(
            diagnostic=diagnostic, question=question, choice=question.choices.first(), user=director
        )
    assert not Answer.objects.exists()


def test_start_refuses_closed_campaign_and_second_draft(questionnaire, campaign, office, director):
    with pytest.raises(ValidationError, match="n’est pas ouverte"):
        services.diagnostic_start(
            organisation=office, campaign=factories.closed_campaign(questionnaire), user=director
        )
    first = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    assert first.questionnaire == questionnaire and first.status == Diagnostic.Status.DRAFT
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    assert Diagnostic.objects.count() == 1


def test_no_second_diagnostic_once_submitted(campaign, office, director):
    first = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    factories.answer_all(first)
    services.diagnostic_submit(diagnostic=first, user=director)
    with pytest.raises(ValidationError) as error:
        services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    assert "un seul diagnostic par office et par campagne" in error.value.messages[0]
    assert Diagnostic.objects.filter(organisation=office, campaign=campaign).count() == 1


def test_submit_stores_scores_and_freezes(diagnostic, director):
    factories.answer_all(diagnostic, pick=lambda choices: choices[2])  # 2 of 3 points everywhere
    submitted = services.diagnostic_submit(diagnostic=diagnostic, user=director)
    assert submitted.status == Diagnostic.Status.SUBMITTED
    assert submitted.submitted_by == director and submitted.submitted_at is not None
    assert submitted.overall_score == Decimal("66.67")
    assert submitted.overall_level.name == "Maîtrise"
    scores = AxisScore.objects.filter(diagnostic=diagnostic).order_by("axis__order")
    assert [(s.score, s.level.name, s.answered, s.total) for s in scores] == [
        (Decimal("66.67"), "Maîtrise", 3, 3),
        (Decimal("66.67"), "Maîtrise", 3, 3),
    ]
    question = first_question(diagnostic)
    with pytest.raises(ValidationError) as error:
        services.answer_save(
            diagnostic=diagnostic, question=question, choice=question.choices.first(), user=director
        )
    assert error.value.messages == [services.ALREADY_SUBMITTED]
    with pytest.raises(ValidationError):
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
    assert AxisScore.objects.filter(diagnostic=diagnostic).count() == 2


def test_submit_refuses_unanswered_questions(diagnostic, director):
    question = first_question(diagnostic)
    services.answer_save(
        diagnostic=diagnostic, question=question, choice=question.choices.first(), user=director
    )
    with pytest.raises(ValidationError, match="Il reste 5 question"):
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
    diagnostic.refresh_from_db()
    assert diagnostic.status == Diagnostic.Status.DRAFT
    assert not AxisScore.objects.exists()


def test_submit_refuses_after_campaign_closes(diagnostic, director):
    factories.answer_all(diagnostic)
    later = timezone.now() + timedelta(days=90)
    with pytest.raises(ValidationError, match="n’est pas ouverte"):
        services.diagnostic_submit(diagnostic=diagnostic, user=director, now=later)


def test_editing_points_later_never_changes_stored_scores(diagnostic, director):
    from diagnostics.results import build_results
    from diagnostics.selectors import diagnostic_profile

    factories.answer_all(diagnostic, pick=lambda choices: choices[0])
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    for choice in Choice.objects.all():  # what a careless edit in the admin would do
        choice.points = 3
        choice.save()
    diagnostic.questionnaire.refresh_from_db()
    diagnostic.refresh_from_db()
    assert diagnostic_profile(diagnostic).score == 100  # recomputing would now say 100…
    results = build_results(diagnostic)
    assert results.score == 0  # …but what the office is shown stays what it submitted
    assert [axis.score for axis in results.axes] == [0, 0]
    assert set(AxisScore.objects.values_list("score", flat=True)) == {Decimal("0.00")}


def test_submit_stores_the_weak_questions_the_campaign_aggregate_finds(office, director):
    """A choice just under half of the best points is weak, at or just over it is not;
    the codes stored are what the staff's pages aggregated from the answers before."""
    from diagnostics import selectors
    from tests import weak_reference

    questionnaire = factories.build_questionnaire(points=(0, 49, 50, 51, 100))
    campaign = factories.open_campaign(questionnaire)
    diagnostic = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    # axe-1-03 and axe-2-03 allow « non concerné » (None); 49 of 100 just under, 51 just over.
    chosen = {"axe-1-01": 49, "axe-1-02": 50, "axe-1-03": None, "axe-2-01": 51}
    chosen |= {"axe-2-02": 0, "axe-2-03": 100}
    for question in Question.objects.filter(questionnaire=questionnaire):
        value = chosen[question.code]
        services.answer_save(
            diagnostic=diagnostic,
            question=question,
            choice=None if value is None else question.choices.get(points=value),
            not_applicable=value is None,
            user=director,
        )
    submitted = services.diagnostic_submit(diagnostic=diagnostic, user=director)
    assert submitted.weak_questions == ["axe-1-01", "axe-2-02"]
    submitted.refresh_from_db()
    assert submitted.weak_questions == ["axe-1-01", "axe-2-02"]
    expected = {"axe-1-01": [office.pk], "axe-2-02": [office.pk]}
    assert weak_reference.weak_organisations(campaign) == expected
    assert selectors.weak_organisations(campaign) == expected
    # Frozen as the scores are: a later edit of the points changes nothing stored.
    Choice.objects.filter(question__questionnaire=questionnaire, points=49).update(points=60)
    submitted.refresh_from_db()
    assert submitted.weak_questions == ["axe-1-01", "axe-2-02"]


def test_network_group_has_no_user_permissions(db):
    group = services.network_group_sync()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_questionnaire", "add_campaign", "view_diagnostic", "view_answer"} <= codenames
    assert not {"change_answer", "change_diagnostic", "add_user", "change_user"} & codenames
    assert services.network_group_sync() == group  # idempotent


def test_start_turns_a_lost_race_into_a_clear_message(campaign, office, director, monkeypatch):
    """Where row locks are no-ops, the constraint catches the second click."""
    from django.db import IntegrityError

    def create(**kwargs):
        raise IntegrityError("diagnostic_one_draft_per_campaign")

    monkeypatch.setattr(Diagnostic.objects, "create", create)
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.diagnostic_start(organisation=office, campaign=campaign, user=director)


def test_frozen_structure_is_read_once_and_follows_every_revision(
    questionnaire, django_assert_num_queries, tmp_path
):
    from django.core.management import call_command

    from diagnostics.selectors import questionnaire_axes

    first = questionnaire_axes(questionnaire)
    with django_assert_num_queries(0):
        assert questionnaire_axes(questionnaire) is first

    question = first[0].questions.all()[0]
    question.text = "Reformulée dans l’admin"
    question.save()
    questionnaire.refresh_from_db()
    assert questionnaire_axes(questionnaire)[0].questions.all()[0].text == question.text

    # A fixture loaded by another process: only the database tells this one.
    fixture = tmp_path / "edit.json"
    entry = {
        "model": "diagnostics.question",
        "pk": question.pk,
        "fields": {
            "questionnaire": questionnaire.pk,
            "axis": question.axis_id,
            "code": question.code,
            "text": "Chargée par loaddata",
            "order": 1,
            "weight": 1,
        },
    }
    fixture.write_text(json.dumps([entry]))
    call_command("loaddata", str(fixture), verbosity=0)
    questionnaire.refresh_from_db()
    assert questionnaire_axes(questionnaire)[0].questions.all()[0].text == "Chargée par loaddata"


def test_draft_structure_is_never_kept_in_memory(db, django_assert_num_queries):
    from diagnostics.selectors import questionnaire_axes

    draft = factories.build_questionnaire(status="draft")
    questionnaire_axes(draft)
    with django_assert_num_queries(3):
        questionnaire_axes(draft)
