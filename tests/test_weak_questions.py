"""The weak questions each diagnostic stores at submission, on the demo: the same as the
campaign's weak answers aggregated from the answers (what the staff's training needs and
pooling pages read before), and the same figures on those pages."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from diagnostics import selectors
from diagnostics.models import Campaign, Diagnostic
from diagnostics.selectors import pooling, trainings
from tests import weak_reference

# The demo seeded once per run (tests/demo_seeded.py); JSON on both databases.
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def demo(demo_snapshot, db):
    demo_snapshot[0].restore()


def campaigns_with_submissions() -> list[Campaign]:
    return list(
        Campaign.objects.filter(diagnostics__status=Diagnostic.Status.SUBMITTED)
        .select_related("questionnaire")
        .distinct()
    )


def test_each_demo_diagnostic_stores_the_weak_answers_the_campaign_aggregate_finds(demo):
    campaigns = campaigns_with_submissions()
    # The offices' two campaigns and the express one, and the businesses' campaigns.
    assert {c.audience for c in campaigns} == {"offices", "businesses"}
    assert any(c.is_express for c in campaigns)
    found = 0
    for campaign in campaigns:
        expected = weak_reference.weak_by_diagnostic(campaign)
        stored = dict(
            selectors.latest_submitted()
            .filter(campaign=campaign)
            .values_list("pk", "weak_questions")
        )
        assert {pk: set(codes) for pk, codes in stored.items() if codes} == expected, campaign
        assert all(len(set(codes)) == len(codes) for codes in stored.values())
        assert weak_reference.in_order(
            selectors.weak_organisations(campaign)
        ) == weak_reference.weak_organisations(campaign)
        found += sum(map(len, stored.values()))
    assert found > 300  # the demo's offices and businesses answer some questions weakly


def needs_and_pooling(client, campaign: Campaign) -> dict:
    """What the staff read on « Besoins de formation » and « Mutualisation » for the
    campaign: every count, group and cluster, as plain data."""
    cache.clear()
    chosen = {"campagne": campaign.pk}
    needs = client.get(reverse("admin:diagnostics_training_needs"), chosen).context
    url = reverse("admin:diagnostics_action_pooling")
    summary = client.get(url, chosen).context["summary"]
    clusters = client.get(url, {**chosen, "region": "75"}).context["clusters"]
    return {
        "needs": [
            (need.training.pk, need.by_department, counts) for need, counts, _r in needs["rows"]
        ],
        "columns": [str(column) for column in needs["columns"]],
        "summary": [(s.question.code, s.clusters, s.offices, s.largest) for s in summary],
        "clusters": [
            (c.question.code, c.department.code, c.offices, [(d.code, n) for d, n in c.neighbours])
            for c in clusters
        ],
    }


@pytest.mark.usefixtures("page_memo_off")
def test_the_staff_pages_show_the_same_figures_as_from_every_answer(
    demo, client, monkeypatch, django_user_model
):
    from diagnostics import services

    staff = django_user_model.objects.create_user("reseau", is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    network = list(Campaign.objects.network().select_related("questionnaire"))
    assert len(network) == 2
    now = {campaign.pk: needs_and_pooling(client, campaign) for campaign in network}
    # As before: the same pages drawn from the answers aggregated.
    monkeypatch.setattr(trainings, "weak_organisations", weak_reference.weak_organisations)
    monkeypatch.setattr(pooling, "weak_organisations", weak_reference.weak_organisations)
    before = {campaign.pk: needs_and_pooling(client, campaign) for campaign in network}
    assert now == before
    # Something to compare: needs in both campaigns; groups and clusters in this year's
    # (last year's questionnaire, version 1, carries no recommendation beyond the office).
    assert all(sum(sum(c) for _t, _d, c in figures["needs"]) for figures in now.values())
    assert any(figures["summary"] and figures["clusters"] for figures in now.values())
