"""Demo data: refused without DEBUG, idempotent, and rich enough for comparisons."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from diagnostics.models import Campaign, Diagnostic, Office


@pytest.fixture
def loaded(db):
    call_command("loaddata", "questionnaire_snut", verbosity=0)


def test_refuses_when_debug_is_off(loaded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Office.objects.exists()


@override_settings(DEBUG=True)
def test_needs_the_questionnaire(db):
    with pytest.raises(CommandError, match="loaddata questionnaire_snut"):
        call_command("seed_demo")


@override_settings(DEBUG=True)
def test_seeds_offices_campaigns_and_accounts_idempotently(loaded):
    call_command("seed_demo", verbosity=0)
    counts = (
        Office.objects.count(),
        Campaign.objects.count(),
        Diagnostic.objects.count(),
        get_user_model().objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    assert counts == (
        Office.objects.count(),
        Campaign.objects.count(),
        Diagnostic.objects.count(),
        get_user_model().objects.count(),
    )

    assert counts[0] == 30
    assert set(Office.objects.values_list("department", flat=True)) == {
        "24",
        "33",
        "40",
        "47",
        "64",
    }
    previous, current = Campaign.objects.order_by("opens")
    assert not previous.is_open() and current.is_open()

    User = get_user_model()
    director = User.objects.get(username="directeur")
    assert director.check_password("snut-demo") and not director.is_staff
    office = director.offices.get()
    submitted = office.diagnostics.filter(status=Diagnostic.Status.SUBMITTED)
    assert {d.campaign for d in submitted} == {previous, current}
    assert all(d.overall_score is not None and d.axis_scores.count() == 6 for d in submitted)
    # The second demo office is half-way through this year's, started from last year's
    # answers: some still to confirm.
    filler = User.objects.get(username="directrice")
    assert filler.check_password("snut-demo")
    draft = filler.offices.get().diagnostics.get(campaign=current, status=Diagnostic.Status.DRAFT)
    assert draft.answers.filter(carried_over=True).exists()
    assert draft.answers.filter(carried_over=False).exists()
    assert Office.objects.filter(name="Office de tourisme d’Arcachère").exists()

    staff = User.objects.get(username="mopa")
    assert staff.is_staff and not staff.is_superuser and staff.groups.filter(name="Réseau").exists()

    in_current = Diagnostic.objects.filter(campaign=current)
    assert in_current.filter(status=Diagnostic.Status.DRAFT).exists()
    assert in_current.count() < Office.objects.count()  # some offices have not started
    peers = in_current.filter(
        status=Diagnostic.Status.SUBMITTED, organisation__segment=office.segment
    )
    assert peers.exclude(organisation=office).count() >= 5  # enough for the similar-offices median


@override_settings(DEBUG=True)
def test_latest_campaign_runs_on_version_2_and_the_evolution_crosses_it(loaded):
    """A small version 2 (same axis codes, one question less, effort on every choice)."""
    from diagnostics import services
    from diagnostics.models import AxisImportance, Choice, Question, Questionnaire
    from diagnostics.results import build_results

    v1 = Questionnaire.objects.get(code="snut-ot", version=1)
    v2 = services.questionnaire_duplicate(questionnaire=v1)
    Question.objects.filter(questionnaire=v2, code="web-01").delete()
    Choice.objects.filter(question__questionnaire=v2).update(effort="quick", scale="office")
    v2.status = Questionnaire.Status.PUBLISHED
    v2.save()

    call_command("seed_demo", verbosity=0)
    previous, current = Campaign.objects.order_by("opens")
    assert previous.questionnaire == v1 and current.questionnaire == v2
    assert not Diagnostic.objects.filter(campaign=current, questionnaire=v1).exists()
    office = get_user_model().objects.get(username="directeur").offices.get()
    diagnostic = office.diagnostics.get(campaign=current)
    assert diagnostic.answers.count() == v2.questions.count() == v1.questions.count() - 1
    results = build_results(diagnostic)
    assert results.revised_questionnaire
    assert all(axis.previous is not None for axis in results.axes)
    assert AxisImportance.objects.filter(diagnostic=diagnostic).count() == 3
    assert any(item.comment for item in results.plan) or any(
        p.comment for a in results.axes for p in a.focus + a.later
    )
