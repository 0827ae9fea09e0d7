"""Results a board can trust: narratives per axis, honest strengths, the plan's order
and its two parts, importance × performance, comments, the revised questionnaire."""

import io
from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from diagnostics import services
from diagnostics.models import (
    Answer,
    Axis,
    AxisImportance,
    AxisNarrative,
    Choice,
    Diagnostic,
)
from diagnostics.results import build_results
from tests import factories

PICKS = {"axe-1": 3, "axe-2": 0, "axe-3": 2}  # Excellence, Découverte, Maîtrise


def answer_by_axis(diagnostic, picks, comments=None):
    """Answers every question of each axis with the choice at index picks[axis code]."""
    comments = comments or {}
    for choice_list, question in (
        (sorted(q.choices.all(), key=lambda c: c.order), q)
        for q in diagnostic.questionnaire.questions.select_related("axis").prefetch_related(
            "choices"
        )
    ):
        Answer.objects.create(
            diagnostic=diagnostic,
            question=question,
            choice=choice_list[picks[question.axis.code]],
            comment=comments.get(question.code, ""),
        )


def submit(office, campaign, picks, user, comments=None, now=None):
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=campaign.questionnaire
    )
    answer_by_axis(diagnostic, picks, comments)
    return services.diagnostic_submit(diagnostic=diagnostic, user=user, now=now)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture
def contrasted(db):
    """Three axes; levels with a general text; each axis its own text per level but the third."""
    questionnaire = factories.build_questionnaire(axes=3, questions=3)
    for level in questionnaire.levels.all():
        level.description = f"Texte général du niveau {level.name}."
        level.save()
        for axis in questionnaire.axes.exclude(code="axe-3"):
            AxisNarrative.objects.create(
                axis=axis, level=level, text=f"Texte propre à l’{axis.name} au niveau {level.name}."
            )
    questionnaire.refresh_from_db()
    return questionnaire


@pytest.mark.slow
def test_each_axis_shows_its_own_narrative_on_the_page_and_in_the_pdf(
    client, contrasted, office, director
):
    diagnostic = submit(office, factories.open_campaign(contrasted), PICKS, director)
    own = [
        "Texte propre à l’Axe 1 au niveau Excellence.",
        "Texte propre à l’Axe 2 au niveau Découverte.",
        "Texte général du niveau Maîtrise.",  # no text of its own: the level's
    ]
    others = [
        "Texte propre à l’Axe 1 au niveau Découverte.",
        "Texte propre à l’Axe 2 au niveau Excellence.",
    ]
    results = build_results(diagnostic)
    assert [a.narrative for a in results.axes] == own
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    text = pdf_text(client.get(reverse("diagnostics:report_pdf", args=[diagnostic.pk])).content)
    for shown_text in (page, text):
        assert all(t in shown_text for t in own)
        assert not any(t in shown_text for t in others)


def test_staff_read_the_narrative_in_the_admin(client, contrasted, office, director):
    diagnostic = submit(office, factories.open_campaign(contrasted), PICKS, director)
    staff = factories.make_user("mopa-narr", is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    page = client.get(reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk]))
    content = page.content.decode()
    assert "Texte propre à l’Axe 1 au niveau Excellence." in content
    assert "Texte général du niveau Maîtrise." in content


# --- honest strengths ---------------------------------------------------------------


def test_an_axis_below_the_peer_median_is_not_called_a_strength(
    client, contrasted, office, director
):
    campaign = factories.open_campaign(contrasted)
    # Office: axis 1 at 100, axis 2 at 66, axis 3 at 0; similar offices: 0, 100, 0.
    diagnostic = submit(office, campaign, {"axe-1": 3, "axe-2": 2, "axe-3": 0}, director)
    for _ in range(5):
        peer = factories.make_office(segment=office.segment)
        submit(
            peer, campaign, {"axe-1": 0, "axe-2": 3, "axe-3": 0}, factories.make_user(office=peer)
        )
    strong = build_results(diagnostic).strong_axes
    assert [a.axis.code for a in strong.axes] == ["axe-1"]
    assert [a.axis.code for a in strong.held_back] == ["axe-2"]
    client.force_login(director)
    page = flat(client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode())
    assert "au moins au niveau de la médiane des offices comparables" in page
    assert "Axe 2 (66) compte parmi vos meilleurs axes mais reste sous la médiane" in page


def test_tied_axes_are_named_together_and_equal_axes_name_none(contrasted, office, director):
    campaign = factories.open_campaign(contrasted)
    tied = submit(office, campaign, {"axe-1": 2, "axe-2": 2, "axe-3": 1}, director)
    strong = build_results(tied).strong_axes
    assert [a.axis.code for a in strong.axes] == ["axe-1", "axe-2"] and strong.tied
    other = factories.make_office()
    flat_profile = submit(
        other, campaign, {"axe-1": 2, "axe-2": 2, "axe-3": 2}, factories.make_user(office=other)
    )
    strong = build_results(flat_profile).strong_axes
    assert strong.axes == [] and strong.none_stands_out


def test_an_axis_at_the_first_levels_is_no_strength(client, contrasted, office, director):
    campaign = factories.open_campaign(contrasted)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=contrasted
    )
    answer_by_axis(diagnostic, {"axe-1": 0, "axe-2": 0, "axe-3": 0})
    # One point on the first question: axis 1 is the best, at 13, still « Découverte ».
    Answer.objects.filter(diagnostic=diagnostic, question__code="axe-1-01").update(
        choice=Choice.objects.get(
            question__questionnaire=contrasted, question__code="axe-1-01", order=2
        )
    )
    diagnostic = services.diagnostic_submit(diagnostic=diagnostic, user=director)
    strong = build_results(diagnostic).strong_axes
    # « Structuration » is still a weak performance: the matrix says « À renforcer »
    assert strong.axes == [] and strong.weak_up_to.name == "Structuration"
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert (
        "Aucun de vos meilleurs axes n’a encore dépassé le niveau «\u00a0Structuration\u00a0»"
        in page
    )


# --- the plan -------------------------------------------------------------------------


def set_effort(questionnaire, code, effort, scale):
    Choice.objects.filter(question__questionnaire=questionnaire, question__code=code).update(
        effort=effort, scale=scale
    )


@pytest.fixture
def planned(db):
    """Two axes of five questions; efforts and scales vary by question."""
    questionnaire = factories.build_questionnaire(axes=2, questions=5)
    for axis in (1, 2):
        set_effort(questionnaire, f"axe-{axis}-01", "project", "region")
        set_effort(questionnaire, f"axe-{axis}-02", "worksite", "local")
        set_effort(questionnaire, f"axe-{axis}-03", "quick", "office")
        set_effort(questionnaire, f"axe-{axis}-04", "quick", "office")
        set_effort(questionnaire, f"axe-{axis}-05", "project", "department")
    return questionnaire


@pytest.mark.slow
def test_a_beginner_sees_quick_wins_first_three_per_axis_in_two_parts(
    client, planned, office, director
):
    diagnostic = submit(
        office,
        factories.open_campaign(planned),
        {"axe-1": 0, "axe-2": 0},
        director,
        comments={"axe-2-03": "Le stagiaire s’en occupe au printemps."},
    )
    results = build_results(diagnostic)
    assert results.profile.quick_first
    codes = [item.question.code for item in results.plan]
    # the quick wins of both axes first, the biggest gain among them first
    assert set(codes[:4]) == {"axe-2-03", "axe-2-04", "axe-1-03", "axe-1-04"}
    assert codes[0] == "axe-2-03"  # weight 2 on the axis of weight 2
    assert [item.effort for item in results.plan[:5]] == ["Action rapide"] * 4 + ["Chantier"]
    assert all(sum(c.startswith(f"axe-{a}-") for c in codes) <= 3 for a in (1, 2))
    assert all(item.alone for item in results.plan_alone)
    assert [label for label, _items in results.plan_with_others] == [
        "Avec l’intercommunalité ou les offices voisins"
    ]
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    for text in (
        "Ce que l’office peut faire seul",
        "Ce qu’il faut porter avec d’autres",
        "Action rapide",
        "Chantier",
        "L’office seul",
        "les actions rapides viennent d’abord",
        "Votre commentaire\u00a0: «\u00a0Le stagiaire s’en occupe au printemps.\u00a0»",
    ):
        assert text in page, text
    pdf = pdf_text(client.get(reverse("diagnostics:report_pdf", args=[diagnostic.pk])).content)
    assert "Ce que l’office peut faire seul" in pdf and "Le stagiaire s’en occupe" in pdf


@pytest.mark.slow
def test_importance_orders_the_plan_and_places_the_axes_in_the_matrix(
    client, planned, office, director
):
    campaign = factories.open_campaign(planned)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=planned
    )
    first, second = Axis.objects.filter(questionnaire=planned).order_by("order")
    services.axis_importance_save(
        diagnostic=diagnostic,
        importances={first.pk: "essential", second.pk: "secondary"},
        user=director,
    )
    answer_by_axis(diagnostic, {"axe-1": 0, "axe-2": 3})
    Answer.objects.filter(diagnostic=diagnostic, question__code="axe-2-01").update(
        choice=Choice.objects.get(
            question__code="axe-2-01", question__questionnaire=planned, order=1
        )
    )
    diagnostic = services.diagnostic_submit(diagnostic=diagnostic, user=director)
    results = build_results(diagnostic)
    assert [item.axis.code for item in results.plan] == ["axe-1"] * 3 + ["axe-2"]
    matrix = results.matrix
    assert [a.axis.code for a in matrix["reinforce"].axes] == ["axe-1"]
    assert [a.axis.code for a in matrix["watch"].axes] == ["axe-2"]
    assert results.importance_set
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "Importance × performance" in page and "À renforcer en priorité" in page
    assert "Importance\u00a0: Essentiel" in page
    pdf = pdf_text(client.get(reverse("diagnostics:report_pdf", args=[diagnostic.pk])).content)
    assert "À renforcer en priorité" in pdf and "À surveiller" in pdf
    assert AxisImportance.objects.count() == 2


def test_top_answers_recommendations_go_further_only_where_there_is_one(
    client, contrasted, office, director
):
    Choice.objects.filter(question__code="axe-1-01", points=3).update(
        recommendation="Partagez votre méthode avec les offices voisins."
    )
    diagnostic = submit(office, factories.open_campaign(contrasted), PICKS, director)
    results = build_results(diagnostic)
    assert [f.recommendation for f in results.axes[0].further] == [
        "Partagez votre méthode avec les offices voisins."
    ]
    assert results.axes[2].further == []
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert page.count("Pour aller plus loin") == 2  # the summary and axis 1


def test_evolution_from_another_questionnaire_version_compares_axes(
    client, contrasted, office, director
):
    older = factories.build_questionnaire(axes=3, questions=2)
    campaign = factories.closed_campaign(older, name="Campagne 2025")
    opened = timezone.make_aware(datetime.combine(campaign.opens, time(12)))
    submit(office, campaign, PICKS, director, now=opened)
    diagnostic = submit(office, factories.open_campaign(contrasted), PICKS, director)
    results = build_results(diagnostic)
    assert results.revised_questionnaire
    assert [a.previous for a in results.axes] == [100.0, 0.0, pytest.approx(66.67)]
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "Questionnaire révisé\u00a0: comparaison par axe" in page


def test_a_version_1_plan_without_effort_or_scale_is_one_list(client, director, submitted):
    """Version 1 says neither effort nor scale: no two parts, no « quick wins first »."""
    results = build_results(submitted)
    assert results.plan and not results.uses_effort and not results.uses_scale
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "Ce qu’il faut porter avec d’autres" not in page
    assert "les actions rapides viennent d’abord" not in page
    assert results.plan[0].recommendation in page
