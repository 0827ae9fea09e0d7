"""The express diagnostic: started from the office page with the one filling engine, its
indicative profile (page and PDF) with margins, its answers carried into the full diagnostic,
and its results kept apart from the full ones."""

import pytest
from django.urls import reverse

from diagnostics import selectors, services
from diagnostics.models import Answer, AxisScore, Campaign, Diagnostic
from diagnostics.selectors import regional
from tests import factories
from tests.views.conftest import submit_peers


@pytest.fixture
def express_campaign(questionnaire):
    return factories.open_campaign(factories.build_express(questionnaire), name="Express 2026")


@pytest.fixture
def express(office, director, express_campaign):
    """The office's submitted express diagnostic: the first choices on the first axis, the
    best ones elsewhere."""
    return factories.submitted_express(office, express_campaign, pick=lambda c: c[-1])


def test_a_director_starts_the_express_diagnostic_from_the_office_page(
    client, director, office, express_campaign
):
    client.force_login(director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "Commencer le diagnostic express" in page and "Express 2026" in page
    response = client.post(
        reverse("diagnostics:start", args=[office.slug]), {"campaign": express_campaign.pk}
    )
    diagnostic = Diagnostic.objects.get(campaign=express_campaign)
    assert diagnostic.questionnaire.is_express
    assert response.url == reverse("diagnostics:resume", args=[diagnostic.pk])
    axis = express_campaign.questionnaire.axes.order_by("order").first()
    page = client.get(reverse("diagnostics:axis", args=[diagnostic.pk, axis.code]))
    assert page.status_code == 200 and "Question 1.1" in page.content.decode()
    assert "Question 1.3" not in page.content.decode()  # only the express questions


def test_once_the_full_diagnostic_is_submitted_the_express_one_is_not_offered(
    client, director, office, submitted, express_campaign
):
    """The office page said « un seul diagnostic par campagne » and offered the express
    diagnostic, whose answers « sont reprises si vous continuez avec le diagnostic
    complet », beside the full one already submitted (a browser audit)."""
    assert (
        submitted.organisation == office
        and submitted.campaign.closes >= submitted.submitted_at.date()
    )
    client.force_login(director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "est soumis" in page
    assert "Commencer le diagnostic express" not in page and "Express 2026" not in page


def test_submission_stores_each_axis_estimate_borrowing_from_the_others(office, express_campaign):
    express = factories.submitted_express(
        office, express_campaign, pick=lambda c: c[0] if c[0].question.axis.order == 1 else c[-1]
    )
    scores = {s.axis.code: float(s.score) for s in AxisScore.objects.filter(diagnostic=express)}
    # Axis 1 scored 0 on its questions, axis 2 100: each takes 20 % of the mean (50).
    assert scores == {"axe-1": 10.0, "axe-2": 90.0}
    # The overall is their weighted mean (weights 1 and 2).
    assert float(express.overall_score) == pytest.approx((10 + 2 * 90) / 3, abs=0.01)


def test_the_profile_shows_each_axis_range_and_level(client, director, express):
    client.force_login(director)
    url = reverse("diagnostics:express_results", args=[express.pk])
    assert client.get(reverse("diagnostics:results", args=[express.pk])).url == url
    response = client.get(url)
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    page = response.content.decode()
    # Estimates 100 on both axes, margins −10 / +12: « entre 90 et 100 ».
    assert "entre 90 et 100" in page and "Profil indicatif" in page
    assert "D’après 2 questions" in page and "sur les 6 du diagnostic complet" in page
    # No full campaign is open: the page says so, with no button.
    assert "Aucune campagne du diagnostic complet" in page
    assert reverse("diagnostics:express_continue", args=[express.pk]) not in page


@pytest.mark.parametrize("size", [2, 5])
def test_the_profile_runs_a_constant_number_of_queries(
    client, director, office, size, django_assert_num_queries
):
    full = factories.build_questionnaire(axes=size, questions=size)
    factories.open_campaign(full)  # a full campaign to go on with
    campaign = factories.open_campaign(factories.build_express(full, per_axis=size - 1))
    express = factories.submitted_express(office, campaign)
    client.force_login(director)
    # Session and user (2), the diagnostic (1), membership (1), levels, stored scores, the full
    # questionnaire's size (3), the open full campaign and the office's diagnostic in it (2).
    with django_assert_num_queries(9):
        response = client.get(reverse("diagnostics:express_results", args=[express.pk]))
    assert response.status_code == 200


def test_the_profile_pdf_runs_as_many_queries_whatever_the_size(client, director, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(director)
    counts = []
    for size in (2, 5):
        full = factories.build_questionnaire(axes=size, questions=size)
        campaign = factories.open_campaign(factories.build_express(full, per_axis=size - 1))
        express = factories.submitted_express(office, campaign)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("diagnostics:report_pdf", args=[express.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_continuing_opens_the_full_diagnostic_with_the_express_answers_to_confirm(
    client, director, office, questionnaire, express
):
    campaign = factories.open_campaign(questionnaire, name="Campagne 2026")
    client.force_login(director)
    page = client.get(reverse("diagnostics:express_results", args=[express.pk])).content.decode()
    assert "Continuer avec le diagnostic complet" in page
    response = client.post(reverse("diagnostics:express_continue", args=[express.pk]))
    full = Diagnostic.objects.get(campaign=campaign)
    assert response.url == reverse("diagnostics:resume", args=[full.pk])
    carried = {a.question.code: a for a in full.answers.select_related("question", "choice")}
    given = {a.question.code: a for a in express.answers.select_related("question", "choice")}
    assert set(carried) == set(given) and len(carried) == 4
    for code, answer in carried.items():
        assert answer.carried_over  # « à confirmer », as any answer carried over
        assert answer.question.questionnaire_id == questionnaire.pk
        assert answer.choice.label == given[code].choice.label
    office_page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "4 réponses reprises à confirmer" in office_page


def test_continuing_into_a_draft_keeps_its_own_answers(director, office, questionnaire, express):
    """A member's answer stays; one still « à confirmer » from last year gives way to the
    express answer, fresher, itself « à confirmer »."""
    campaign = factories.open_campaign(questionnaire)
    draft = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    first, second = questionnaire.questions.order_by("axis__order", "order")[:2]
    Answer.objects.create(
        diagnostic=draft, question=first, choice=first.choices.order_by("order").first()
    )
    Answer.objects.create(
        diagnostic=draft,
        question=second,
        choice=second.choices.order_by("order").first(),
        carried_over=True,
    )
    full, carried = services.express_continue(diagnostic=express, user=director)
    assert full == draft and carried == 3
    kept = full.answers.get(question=first)
    assert not kept.carried_over and kept.choice.order == 1
    replaced = full.answers.get(question=second)
    assert replaced.carried_over and replaced.choice.order == 4  # the express answer
    # Twice: nothing more to carry.
    assert services.express_continue(diagnostic=express, user=director)[1] == 0


@pytest.mark.parametrize("case", ["submitted-full", "draft-express", "full-diagnostic"])
def test_continuing_is_refused_with_a_french_message_and_changes_nothing(
    client, director, office, questionnaire, express_campaign, case
):
    campaign = factories.open_campaign(questionnaire, name="Campagne 2026")
    if case == "draft-express":
        target = services.diagnostic_start(
            organisation=office, campaign=express_campaign, user=director
        )
        expected = "Terminez d’abord le diagnostic express"
    elif case == "full-diagnostic":
        target = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
        expected = "n’est pas un diagnostic express"
    else:
        target = factories.submitted_express(office, express_campaign)
        full = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
        factories.answer_all(full)
        services.diagnostic_submit(diagnostic=full, user=director)
        expected = "a déjà soumis son diagnostic complet"
    before = Answer.objects.count(), Diagnostic.objects.count()
    client.force_login(director)
    page = client.post(
        reverse("diagnostics:express_continue", args=[target.pk]), follow=True
    ).content.decode()
    assert expected in page
    assert (Answer.objects.count(), Diagnostic.objects.count()) == before


def test_another_office_and_a_get_cannot_continue(client, stranger, director, express):
    client.force_login(stranger)
    url = reverse("diagnostics:express_continue", args=[express.pk])
    assert client.post(url).status_code == 404
    assert client.get(reverse("diagnostics:express_results", args=[express.pk])).status_code == 404
    client.force_login(director)
    assert client.get(url).status_code == 405


def test_express_results_stay_apart_from_the_full_ones(
    client, staff, director, office, questionnaire, express
):
    """The express campaign is no network campaign: not the staff's default nor a choice of
    their lists, never the office's previous diagnostic nor a peer of a full one."""
    full_campaign = factories.open_campaign(questionnaire, name="Campagne 2026", days_ago=5)
    assert list(Campaign.objects.network()) == [full_campaign]
    # Opened before the full campaign, the express one is not its « previous » campaign.
    assert regional.previous_campaign(full_campaign) is None
    submit_peers(express.campaign, 5, segment=office.segment)
    full = services.diagnostic_start(organisation=office, campaign=full_campaign, user=director)
    factories.answer_all(full)
    services.diagnostic_submit(diagnostic=full, user=director)
    assert selectors.previous_scores(full).diagnostic is None
    assert selectors.peer_medians(full).count == 0
    client.force_login(staff)
    offices = client.get("/admin/diagnostics/office/").content.decode()
    assert "Campagne 2026" in offices and "Express 2026" not in offices
    # The office's express profile on a line of its own, named so.
    profile = reverse("diagnostics:express_results", args=[express.pk])
    assert f'<a class="snut-express" href="{profile}">express' in offices
    # One office across campaigns: its full diagnostics only.
    evolution = client.get(f"/admin/diagnostics/office/comparer/?evolution={office.pk}")
    assert "Campagne 2026" in evolution.content.decode()
    assert "Express 2026" not in evolution.content.decode()
    rows = '<td class="field-campaign nowrap">{}</td>'
    listing = client.get("/admin/diagnostics/diagnostic/?type=express").content.decode()
    assert rows.format("Express 2026") in listing
    assert rows.format("Campagne 2026") not in listing
    listing = client.get("/admin/diagnostics/diagnostic/?type=complet").content.decode()
    assert rows.format("Campagne 2026") in listing and rows.format("Express 2026") not in listing
    campaigns = client.get("/admin/diagnostics/campaign/?type=express").content.decode()
    assert "Express 2026" in campaigns and "diagnostics express" in campaigns
