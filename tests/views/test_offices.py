"""Home, office page and starting a diagnostic."""

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Diagnostic
from tests import factories


def test_anonymous_home_presents_snut(client, questionnaire):
    page = client.get(reverse("diagnostics:home"))
    assert page.status_code == 200
    assert "Axe 1" in page.content.decode()


def test_member_of_one_office_goes_straight_to_it(client, director, office):
    client.force_login(director)
    response = client.get(reverse("diagnostics:home"))
    assert response.url == reverse("diagnostics:office", args=[office.slug])


def test_member_of_several_offices_chooses(client, director, office, other_office):
    director.memberships.create(office=other_office)
    client.force_login(director)
    page = client.get(reverse("diagnostics:home"))
    assert page.status_code == 200
    assert office.name in page.content.decode() and other_office.name in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "stranger", "staff"])
def test_office_page_is_for_members_only(client, office, who, stranger, staff):
    if who != "anonymous":
        client.force_login(stranger if who == "stranger" else staff)
    response = client.get(reverse("diagnostics:office", args=[office.slug]))
    if who == "anonymous":
        assert response.status_code == 302 and reverse("login") in response.url
    else:
        assert response.status_code == 404


def test_office_page_shows_draft_progress_and_past_diagnostics(
    client, director, diagnostic, questionnaire, office
):
    previous = factories.closed_campaign(questionnaire, name="Campagne 2025")
    past = Diagnostic.objects.create(
        organisation=office, campaign=previous, questionnaire=questionnaire
    )
    factories.answer_all(past)
    Diagnostic.objects.filter(pk=past.pk).update(
        status="submitted", submitted_at=timezone.now(), overall_score=81
    )
    client.force_login(director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "0 questions répondues sur 6" in page
    assert reverse("diagnostics:resume", args=[diagnostic.pk]) in page
    assert "Campagne 2025" in page and reverse("diagnostics:results", args=[past.pk]) in page


def test_office_page_runs_a_constant_number_of_queries(
    client, director, office, questionnaire, django_assert_num_queries
):
    client.force_login(director)
    url = reverse("diagnostics:office", args=[office.slug])

    def add_diagnostics(count):
        for _ in range(count):
            campaign = factories.closed_campaign(questionnaire)
            Diagnostic.objects.create(
                organisation=office, campaign=campaign, questionnaire=questionnaire
            )

    add_diagnostics(1)
    # 5, plus the action plan's counts, plus the questionnaires' levels (the score colours)
    with django_assert_num_queries(7):
        client.get(url)
    add_diagnostics(3)
    with django_assert_num_queries(7):
        client.get(url)


def test_start_creates_one_draft(client, director, office, campaign):
    client.force_login(director)
    url = reverse("diagnostics:start", args=[office.slug])
    response = client.post(url, {"campaign": campaign.pk})
    diagnostic = Diagnostic.objects.get()
    assert response.url == reverse("diagnostics:resume", args=[diagnostic.pk])
    response = client.post(url, {"campaign": campaign.pk}, follow=True)
    assert "déjà en cours" in response.content.decode()
    assert Diagnostic.objects.count() == 1


@pytest.mark.parametrize("value", ["", "abc", "-1", "999999", "1 OR 1=1", "²", "٣", "9" * 30])
def test_start_with_a_tampered_campaign_changes_nothing(client, director, office, campaign, value):
    client.force_login(director)
    response = client.post(
        reverse("diagnostics:start", args=[office.slug]), {"campaign": value}, follow=True
    )
    assert response.status_code == 200
    assert "Choisissez une campagne ouverte" in response.content.decode()
    assert not Diagnostic.objects.exists()


def test_start_outside_an_open_campaign_is_refused(client, director, office, questionnaire):
    closed = factories.closed_campaign(questionnaire)
    client.force_login(director)
    response = client.post(
        reverse("diagnostics:start", args=[office.slug]), {"campaign": closed.pk}, follow=True
    )
    assert "n’est pas ouverte" in response.content.decode()
    assert not Diagnostic.objects.exists()


def test_start_for_another_office_is_404(client, stranger, office, campaign):
    client.force_login(stranger)
    response = client.post(
        reverse("diagnostics:start", args=[office.slug]), {"campaign": campaign.pk}
    )
    assert response.status_code == 404
    assert not Diagnostic.objects.exists()


def test_start_needs_post(client, director, office, campaign):
    client.force_login(director)
    assert client.get(reverse("diagnostics:start", args=[office.slug])).status_code == 405
