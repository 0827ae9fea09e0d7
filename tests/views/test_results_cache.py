"""The results page keeps a submitted diagnostic's frozen fragments in the cache
(diagnostics/results_cache.py) and computes only its live parts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services
from diagnostics.models import AxisNarrative, AxisScore, Diagnostic
from tests.views.conftest import submit_peers


@pytest.fixture
def narrative(submitted):
    """The first axis's own text for the level the submitted diagnostic reached there."""
    score = AxisScore.objects.select_related("axis", "level").order_by("axis__order").first()
    return AxisNarrative.objects.create(axis=score.axis, level=score.level, text="Texte d’origine")


def view(client, diagnostic) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("diagnostics:results", args=[diagnostic.pk]))
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def test_the_second_view_shows_the_cached_axis_cards_and_reads_less(
    client, director, submitted, narrative
):
    client.force_login(director)
    first, first_queries = view(client, submitted)
    # Written behind the questionnaire's back (no signal, `revised_at` unchanged): only a
    # page that renders the cards again would show it.
    AxisNarrative.objects.filter(pk=narrative.pk).update(text="Texte changé en douce")

    second, second_queries = view(client, submitted)

    assert "Texte d’origine" in first and "Texte d’origine" in second
    assert "Texte changé en douce" not in second
    assert any("axisnarrative" in sql for sql in first_queries)
    assert not any("axisnarrative" in sql for sql in second_queries)
    assert len(second_queries) < len(first_queries)


def test_a_reopening_and_a_new_submission_render_the_cards_again(
    client, director, staff, submitted, narrative
):
    client.force_login(director)
    view(client, submitted)
    AxisNarrative.objects.filter(pk=narrative.pk).update(text="Texte de la nouvelle soumission")
    services.diagnostic_reopen(diagnostic=submitted, user=staff, reason="Réponses à revoir.")
    again = services.diagnostic_submit(
        diagnostic=Diagnostic.objects.get(pk=submitted.pk), user=director
    )
    assert again.submitted_at != submitted.submitted_at

    page, queries = view(client, again)

    assert "Texte de la nouvelle soumission" in page and "Texte d’origine" not in page
    assert any("axisnarrative" in sql for sql in queries)


def test_a_revised_questionnaire_renders_the_cards_again(client, director, submitted, narrative):
    client.force_login(director)
    view(client, submitted)
    narrative.text = "Texte révisé par le réseau"
    narrative.save()  # moves the questionnaire's `revised_at` forward

    page, _queries = view(client, submitted)

    assert "Texte révisé par le réseau" in page


def test_the_axis_cards_follow_the_peers_medians_at_once(
    client, director, submitted, campaign, office
):
    client.force_login(director)

    def first_card_median() -> str:
        page, _queries = view(client, submitted)
        card = page[page.index('id="axe-axe-1"') :]
        return re.search(r"médiane (\d+)", card)[1]

    submit_peers(campaign, 5, segment=office.segment, pick=lambda c: c[0])
    assert first_card_median() == "0"
    submit_peers(campaign, 6, segment=office.segment, pick=lambda c: c[-1])
    assert first_card_median() == "100"


def plan_section(page: str) -> str:
    return page[page.index('aria-labelledby="plan"') : page.index('id="axes"')]


def plan_item(page: str, question_id: int) -> str:
    return plan_section(page).split(f'id="q-{question_id}"')[1].split('id="q-')[0]


def test_the_plan_is_kept_per_submission_but_its_live_parts_show_at_once(
    client, director, submitted, office
):
    """The plan's order and items' texts come from the cache (a question retitled behind
    the questionnaire's back does not show), what the answers give is not read again, yet
    adding a priority to the plan and a new training on it show on the next view."""
    from diagnostics.models import Question
    from tests.views.test_trainings import make_training

    client.force_login(director)
    first, _queries = view(client, submitted)
    question_id = int(re.search(r'id="q-(\d+)"', plan_section(first))[1])
    question = Question.objects.get(pk=question_id)
    Question.objects.filter(pk=question_id).update(text="Intitulé changé en douce")
    make_training("Atelier tout neuf", questions=[question], sessions=[(3, "Pau")])
    client.post(
        reverse("diagnostics:plan_priority", args=[office.slug]),
        {"diagnostic": submitted.pk, "question": question_id},
    )

    second, queries = view(client, submitted)

    item = plan_item(second, question_id)
    assert question.text in item and "Intitulé changé en douce" not in item
    assert "Atelier tout neuf" in item and "Dans le plan d’action" in item
    assert "Ajouter au plan" in plan_item(first, question_id)
    assert "Atelier tout neuf" not in plan_item(first, question_id)
    assert not any("diagnostics_answer" in sql for sql in queries)


def test_the_plan_follows_the_peers_medians_at_once(client, director, submitted, campaign, office):
    """The peers' medians decide the story (strengths, quadrants, so the plan's order):
    a new peer submission gives the plan a new key."""
    client.force_login(director)
    view(client, submitted)
    submit_peers(campaign, 5, segment=office.segment, pick=lambda c: c[-1])

    page, queries = view(client, submitted)

    assert any("diagnostics_answer" in sql for sql in queries)  # the plan written again
    assert "médiane" in page


def test_a_renamed_office_shows_in_the_cached_overview_at_once(client, director, submitted, office):
    client.force_login(director)
    view(client, submitted)
    office.name = "Office renommé entre deux vues"
    office.save()

    page, _queries = view(client, submitted)

    radar = page[page.index('aria-labelledby="radar"') : page.index('aria-labelledby="tableau"')]
    assert "Office renommé entre deux vues" in radar
