"""The followed action plan's use cases: they validate, write, and refuse with a French error."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diagnostics import selectors, services
from diagnostics.models import Action, Axis, Diagnostic, Membership, Question
from tests import factories


@pytest.fixture
def submitted(diagnostic, director):
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def first_priority(diagnostic) -> Question:
    return Question.objects.filter(questionnaire=diagnostic.questionnaire).order_by("pk").first()


def test_a_priority_becomes_an_action_titled_by_its_recommendation(submitted, director):
    question = first_priority(submitted)
    action = services.action_create(
        office=submitted.organisation, user=director, diagnostic=submitted, question=question
    )
    assert action.title == "Faire mieux (2)"  # the recommendation of the answer given
    assert action.axis_id == question.axis_id
    assert action.status == Action.Status.TODO
    assert action.created_by == director == action.updated_by


def test_a_priority_is_planned_once(submitted, director):
    question = first_priority(submitted)
    services.action_create(
        office=submitted.organisation, user=director, diagnostic=submitted, question=question
    )
    with pytest.raises(ValidationError) as error:
        services.action_create(
            office=submitted.organisation, user=director, diagnostic=submitted, question=question
        )
    assert error.value.messages == [services.ACTION_ALREADY_PLANNED]
    assert Action.objects.count() == 1


def test_a_draft_gives_no_action(diagnostic, director):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            office=diagnostic.organisation,
            user=director,
            diagnostic=diagnostic,
            question=first_priority(diagnostic),
        )
    assert error.value.messages == [services.ACTION_NOT_SUBMITTED]
    assert not Action.objects.exists()


def test_another_offices_diagnostic_is_refused(submitted, other_office, stranger):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            office=other_office,
            user=stranger,
            diagnostic=submitted,
            question=first_priority(submitted),
        )
    assert error.value.messages == [services.ACTION_FOREIGN_DIAGNOSTIC]
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, services.ACTION_TITLE_REQUIRED),
        ({"title": "Ok", "note": "x" * 2001}, services.ACTION_NOTE_TOO_LONG.format(max=2000)),
    ],
)
def test_bad_free_actions_change_nothing(office, director, fields, message):
    with pytest.raises(ValidationError) as error:
        services.action_create(office=office, user=director, **fields)
    assert error.value.messages == [message]
    assert not Action.objects.exists()


def test_the_owner_is_a_member_of_the_office(office, director, stranger):
    with pytest.raises(ValidationError) as error:
        services.action_create(office=office, user=director, title="Fiche Google", owner=stranger)
    assert error.value.messages == [services.ACTION_OWNER_NOT_MEMBER]
    action = services.action_create(
        office=office, user=director, title="Fiche Google", owner=director, owner_name=" "
    )
    assert action.owner == director and action.owner_name == ""


def test_members_update_and_only_the_direction_deletes(office, director):
    member = factories.make_user(office=office, role=Membership.Role.MEMBER)
    action = services.action_create(office=office, user=director, title="Répondre aux avis")
    services.action_update(action=action, user=member, status=Action.Status.DOING)
    action.refresh_from_db()
    assert action.status == Action.Status.DOING and action.updated_by == member
    with pytest.raises(ValidationError) as error:
        services.action_delete(action=action, user=member)
    assert error.value.messages == [services.ACTION_DELETE_DIRECTOR_ONLY]
    assert Action.objects.filter(pk=action.pk).exists()
    services.action_delete(action=action, user=director)
    assert not Action.objects.exists()


def test_update_refuses_a_foreign_field(office, director, other_office):
    action = services.action_create(office=office, user=director, title="Sauvegardes")
    with pytest.raises(services.ServiceError):
        services.action_update(action=action, user=director, office=other_office)


def make_past(office, questionnaire, *, pick) -> Diagnostic:
    """A diagnostic submitted in an earlier campaign, with its answers and axis scores."""
    earlier = factories.closed_campaign(questionnaire, name="Campagne 2025")
    past = Diagnostic.objects.create(
        organisation=office, campaign=earlier, questionnaire=questionnaire
    )
    factories.answer_all(past, pick=pick)
    Diagnostic.objects.filter(pk=past.pk).update(
        status="submitted",
        submitted_at=timezone.now() - timezone.timedelta(days=365),
        overall_score=Decimal("0"),
    )
    for axis in Axis.objects.filter(questionnaire=questionnaire):
        past.axis_scores.create(axis=axis, score=Decimal("0"), total=3, answered=3)
    past.refresh_from_db()
    return past


def test_previous_plan_tells_whether_the_answer_improved(
    submitted,  # answered with the second choice
    director,
    office,
    questionnaire,
):
    past = make_past(office, questionnaire, pick=lambda c: c[0])
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("pk"))
    done = services.action_create(
        office=office, user=director, diagnostic=past, question=questions[0]
    )
    services.action_update(action=done, user=director, status=Action.Status.DONE)
    services.action_create(office=office, user=director, diagnostic=past, question=questions[1])
    services.action_create(office=office, user=director, title="Action libre")

    follow_ups = selectors.previous_plan(submitted, past)

    assert [f.action.title for f in follow_ups] == ["Faire mieux (1)", "Faire mieux (1)"]
    assert follow_ups[0].outcome == "improved"  # 0 point then, 1 of 3 now
    assert selectors.previous_plan(submitted, None) == []
