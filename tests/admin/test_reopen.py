"""Submitted diagnostics in the admin: read-only for everyone, never deleted, reopened
only by the network staff with a written reason kept in an audit trail (issue 9, part 2)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import AxisScore, Campaign, Diagnostic, DiagnosticReopening
from tests import factories


@pytest.fixture
def submitted(diagnostic, director):
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def change_url(diagnostic):
    return reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])


def reopen_url(diagnostic):
    return reverse("admin:diagnostics_diagnostic_reopen", args=[diagnostic.pk])


# --- read-only, never deleted ------------------------------------------------------------


def test_a_superuser_cannot_change_a_submitted_diagnostic(client, superuser, submitted):
    client.force_login(superuser)
    updated_at = submitted.updated_at
    page = client.get(change_url(submitted)).content.decode()
    assert 'name="_save"' not in page
    response = client.post(change_url(submitted), {"_save": "Enregistrer"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.updated_at == updated_at


def test_a_superuser_cannot_delete_a_submitted_diagnostic(client, superuser, submitted):
    client.force_login(superuser)
    delete = reverse("admin:diagnostics_diagnostic_delete", args=[submitted.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:diagnostics_diagnostic_changelist"),
        {"action": "delete_selected", "_selected_action": [submitted.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert Diagnostic.objects.filter(pk=submitted.pk).exists()


def test_deleting_its_office_cannot_take_a_submitted_diagnostic_along(client, superuser, submitted):
    client.force_login(superuser)
    delete = reverse("admin:diagnostics_office_delete", args=[submitted.organisation_id])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Diagnostic.objects.filter(pk=submitted.pk).exists()


def test_a_draft_can_still_be_deleted_by_a_superuser(client, superuser, diagnostic):
    client.force_login(superuser)
    delete = reverse("admin:diagnostics_diagnostic_delete", args=[diagnostic.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Diagnostic.objects.filter(pk=diagnostic.pk).exists()


# --- the service ---------------------------------------------------------------------------


def test_reopen_keeps_who_when_why_and_the_previous_scores(submitted, network_staff):
    previous_score, previous_date = submitted.overall_score, submitted.submitted_at
    reopening = services.diagnostic_reopen(
        diagnostic=submitted, user=network_staff, reason="  Soumis par erreur.  "
    )
    submitted.refresh_from_db()
    assert submitted.status == Diagnostic.Status.DRAFT
    assert submitted.submitted_at is None and submitted.overall_score is None
    assert not AxisScore.objects.filter(diagnostic=submitted).exists()
    assert submitted.answers.count() > 0  # the answers stay, ready to be changed
    assert reopening.reopened_by == network_staff and reopening.reason == "Soumis par erreur."
    assert reopening.previous_overall_score == previous_score
    assert reopening.previous_submitted_at == previous_date
    assert [item["axis"] for item in reopening.previous_axis_scores] == ["axe-1", "axe-2"]
    assert all(item["score"] for item in reopening.previous_axis_scores)


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopen_needs_a_reason(submitted, network_staff, reason):
    with pytest.raises(ValidationError) as error:
        services.diagnostic_reopen(diagnostic=submitted, user=network_staff, reason=reason)
    assert error.value.messages == [services.REOPEN_REASON_REQUIRED]
    submitted.refresh_from_db()
    assert submitted.is_submitted and not DiagnosticReopening.objects.exists()


def test_reopen_is_refused_once_the_campaign_is_closed(submitted, network_staff):
    later = timezone.now() + timedelta(days=60)
    with pytest.raises(ValidationError) as error:
        services.diagnostic_reopen(
            diagnostic=submitted, user=network_staff, reason="Erreur", now=later
        )
    assert "n’est pas ouverte" in error.value.messages[0]
    submitted.refresh_from_db()
    assert submitted.is_submitted and submitted.axis_scores.count() == 2


def test_reopen_is_refused_to_a_director_and_for_a_draft(submitted, director, network_staff):
    with pytest.raises(ValidationError) as error:
        services.diagnostic_reopen(diagnostic=submitted, user=director, reason="Erreur")
    assert error.value.messages == [services.REOPEN_NOT_ALLOWED]
    services.diagnostic_reopen(diagnostic=submitted, user=network_staff, reason="Erreur")
    with pytest.raises(ValidationError) as error:
        services.diagnostic_reopen(diagnostic=submitted, user=network_staff, reason="Encore")
    assert error.value.messages == [services.REOPEN_NOT_SUBMITTED]


def test_a_reopened_diagnostic_can_be_submitted_again(submitted, network_staff, director):
    services.diagnostic_reopen(diagnostic=submitted, user=network_staff, reason="Erreur")
    again = services.diagnostic_submit(diagnostic=submitted, user=director)
    assert again.is_submitted and again.axis_scores.count() == 2


def test_a_reopened_diagnostic_is_weak_again_only_where_its_next_submission_says(
    submitted, network_staff, director
):
    """Its weak questions leave the staff's pages with its reopening, and come back as
    its new answers say when it is submitted again."""
    from diagnostics import selectors
    from diagnostics.models import Question

    campaign, office = submitted.campaign, submitted.organisation
    codes = list(
        Question.objects.filter(questionnaire=campaign.questionnaire)
        .order_by("axis__order", "order")
        .values_list("code", flat=True)
    )
    assert submitted.weak_questions == codes  # 1 of 3 points everywhere
    services.diagnostic_reopen(diagnostic=submitted, user=network_staff, reason="Erreur")
    submitted.refresh_from_db()
    assert submitted.weak_questions == []
    assert selectors.weak_organisations(campaign) == {}
    improved = Question.objects.get(questionnaire=campaign.questionnaire, code=codes[0])
    services.answer_save(
        diagnostic=submitted,
        question=improved,
        choice=improved.choices.get(points=3),
        user=director,
    )
    again = services.diagnostic_submit(diagnostic=submitted, user=director)
    assert again.weak_questions == codes[1:]
    assert selectors.weak_organisations(campaign) == {code: [office.pk] for code in codes[1:]}


def test_the_network_group_gets_only_the_reopen_permission_more(network_staff, superuser):
    assert network_staff.has_perm("diagnostics.reopen_diagnostic")
    assert network_staff.has_perm("diagnostics.view_diagnosticreopening")
    assert not network_staff.has_perm("diagnostics.change_diagnosticreopening")
    assert not network_staff.has_perm("diagnostics.change_diagnostic")


# --- the admin pages -----------------------------------------------------------------------


def test_network_staff_reopen_from_the_admin(client, network_staff, submitted):
    client.force_login(network_staff)
    page = client.get(change_url(submitted)).content.decode()
    assert reopen_url(submitted) in page and "Rouvrir ce diagnostic" in page
    form = client.get(reopen_url(submitted))
    assert form.status_code == 200 and "Motif de la réouverture" in form.content.decode()

    refused = client.post(reopen_url(submitted), {"reason": " "})
    assert refused.status_code == 400
    assert "Ce champ est obligatoire" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.is_submitted

    response = client.post(reopen_url(submitted), {"reason": "Soumis par erreur le 12 mars."})
    assert response.url == change_url(submitted)
    submitted.refresh_from_db()
    assert not submitted.is_submitted
    history = client.get(change_url(submitted)).content.decode()
    assert "Soumis par erreur le 12 mars." in history and "Axe 1" in history


def test_a_service_refusal_is_shown_on_the_form(client, network_staff, submitted):
    today = timezone.localdate()
    Campaign.objects.filter(pk=submitted.campaign_id).update(
        opens=today - timedelta(days=60), closes=today - timedelta(days=1)
    )
    client.force_login(network_staff)
    response = client.post(reopen_url(submitted), {"reason": "Erreur"})
    assert response.status_code == 400
    assert "n’est pas ouverte" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.is_submitted


def test_only_staff_with_the_permission_reach_the_reopen_page(client, submitted, director, db):
    assert client.get(reopen_url(submitted)).status_code == 302  # anonymous: to the login
    client.force_login(director)
    assert client.get(reopen_url(submitted)).status_code == 302  # not staff: admin login
    plain_staff = factories.make_user("stagiaire", is_staff=True)
    client.force_login(plain_staff)
    assert client.get(reopen_url(submitted)).status_code == 403
    assert client.post(reopen_url(submitted), {"reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.is_submitted
