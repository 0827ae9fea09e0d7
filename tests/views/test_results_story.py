"""One story on every page: the headline priorities where the matrix says « À renforcer
en priorité », and an overall score that shows how it is made (issue 22, item 1)."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from diagnostics import services
from diagnostics.models import Answer, Axis, Choice, Diagnostic, Question
from diagnostics.results import build_results
from tests import factories
from tests.test_scoring import CASTELROC as SCORED

# The case a new director met at Castelroc (tests/test_scoring.py): its two strongest
# axes marked « essentiel » gave the « Trois priorités » while the matrix asked to
# reinforce three weak axes. The same profile, with the axes' names.
NAMES = {
    "web": "Site web",
    "social": "Réseaux sociaux",
    "mobilite": "Mobilité",
    "infra": "Infrastructures",
    "accueil": "Accueil",
    "organisation": "Organisation",
}
CASTELROC = tuple((NAMES[code], *rest) for code, *rest in SCORED)
REINFORCE = {"Réseaux sociaux", "Mobilité", "Organisation"}
WEIGHTS = (
    "Le score global est la moyenne des axes pondérée par leur poids\u00a0: Site web ×3, "
    "Réseaux sociaux ×2, Mobilité ×2, Infrastructures ×1, Accueil ×2, Organisation ×3."
)


def flat(text: str) -> str:
    """Runs of spaces and line breaks as one space; no-break spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def pdf_pages(content: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def castelroc(db, office, director):
    """The Castelroc profile, submitted: each question of 0 to 20 points, weight 1."""
    questionnaire = factories.build_questionnaire(axes=6, questions=5, points=tuple(range(21)))
    Question.objects.filter(questionnaire=questionnaire).update(weight=1)
    Choice.objects.filter(question__questionnaire=questionnaire).exclude(points=20).update(
        recommendation=""
    )
    diagnostic = Diagnostic.objects.create(
        organisation=office,
        campaign=factories.open_campaign(questionnaire),
        questionnaire=questionnaire,
    )
    importances = {}
    axes = Axis.objects.filter(questionnaire=questionnaire).order_by("order")
    for axis, (name, weight, importance, score) in zip(axes, CASTELROC, strict=True):
        axis.name, axis.weight = name, weight
        axis.save()
        importances[axis.pk] = importance
        left = score
        for question in axis.questions.order_by("order"):
            points = min(20, left)
            left -= points
            for choice in question.choices.all():  # each says which axis it improves
                if choice.points < 20:
                    choice.recommendation = f"Renforcer {name} ({question.code})"
                    choice.save()
            Answer.objects.create(
                diagnostic=diagnostic, question=question, choice=question.choices.get(points=points)
            )
    services.axis_importance_save(diagnostic=diagnostic, importances=importances, user=director)
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def test_castelroc_headline_priorities_come_from_the_axes_to_reinforce(client, castelroc, director):
    results = build_results(castelroc)
    assert {a.axis.name for a in results.matrix["reinforce"].axes} == REINFORCE
    assert [a.axis.name for a in results.strong_axes.axes] == ["Accueil", "Site web"]
    assert {item.axis.name for item in results.top_priorities} <= REINFORCE
    client.force_login(director)
    page = flat(client.get(reverse("diagnostics:results", args=[castelroc.pk])).content.decode())
    priorities = page.split('id="priorites"')[1].split('id="matrice"')[0]
    # Organisation (4, weight 3) has the biggest gains: the three come from it
    assert (
        "Elles commencent par l’axe «\u00a0À renforcer en priorité\u00a0» du tableau "
        "importance × performance\u00a0: Organisation."
    ) in priorities
    named = [n for n, *_ in CASTELROC if f"Renforcer {n} (" in priorities]
    assert set(named) <= REINFORCE and named
    first = pdf_pages(client.get(reverse("diagnostics:report_pdf", args=[castelroc.pk])).content)[0]
    headline = first.split("Trois priorités")[1]
    named = [n for n, *_ in CASTELROC if f"Renforcer {n} (" in headline]
    assert set(named) <= REINFORCE and len(named) >= 1
    assert "Renforcer Site web" not in headline and "Renforcer Accueil" not in headline


def test_the_overall_score_shows_the_axes_weights_on_the_page_and_the_levels_page(
    client, castelroc, director
):
    assert int(castelroc.overall_score) == 35  # while the axes' plain mean is 38
    client.force_login(director)
    page = flat(client.get(reverse("diagnostics:results", args=[castelroc.pk])).content.decode())
    assert WEIGHTS in page
    pages = pdf_pages(client.get(reverse("diagnostics:report_pdf", args=[castelroc.pk])).content)
    levels_page = next(p for p in pages if "Les niveaux de maturité" in p)
    assert WEIGHTS.replace("\u00a0", " ") in levels_page.replace("\u00a0", " ")


def test_an_axis_without_a_score_is_said_to_leave_the_overall_score(client, office, director):
    questionnaire = factories.build_questionnaire(axes=2, questions=1)
    diagnostic = Diagnostic.objects.create(
        organisation=office,
        campaign=factories.open_campaign(questionnaire),
        questionnaire=questionnaire,
    )
    for question in Question.objects.filter(questionnaire=questionnaire):
        if question.axis.code == "axe-1":
            Answer.objects.create(diagnostic=diagnostic, question=question, not_applicable=True)
        else:
            Answer.objects.create(
                diagnostic=diagnostic, question=question, choice=question.choices.get(order=2)
            )
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(director)
    page = flat(client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode())
    assert "pondérée par leur poids\u00a0: Axe 2 ×2. Sans score, Axe 1 n’y entre pas." in page
