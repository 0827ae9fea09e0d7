"""The page where the team says how much each axis matters for its territory."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Axis, AxisImportance, Membership
from tests import factories


def axes_of(diagnostic):
    return list(Axis.objects.filter(questionnaire=diagnostic.questionnaire).order_by("order"))


def post_data(diagnostic, *values):
    return {
        f"axis-{axis.pk}": value for axis, value in zip(axes_of(diagnostic), values, strict=True)
    }


def url(diagnostic):
    return reverse("diagnostics:importance", args=[diagnostic.pk])


def test_a_member_sets_the_importance_of_each_axis(client, director, diagnostic):
    client.force_login(director)
    page = client.get(url(diagnostic)).content.decode()
    assert "Importance de chaque axe" in page and "Axe 1" in page and "Secondaire" in page
    response = client.post(url(diagnostic), post_data(diagnostic, "essential", "secondary"))
    assert response.url == reverse("diagnostics:review", args=[diagnostic.pk])
    first, second = axes_of(diagnostic)
    stored = dict(AxisImportance.objects.values_list("axis_id", "importance"))
    assert stored == {first.pk: "essential", second.pk: "secondary"}
    # Shown again as chosen, and changed in place rather than duplicated.
    form = client.get(url(diagnostic)).context["form"]
    assert [form[f"axis-{a.pk}"].value() for a in (first, second)] == ["essential", "secondary"]
    client.post(url(diagnostic), post_data(diagnostic, "important", "important"))
    assert set(AxisImportance.objects.values_list("importance", flat=True)) == {"important"}
    assert AxisImportance.objects.count() == 2


def test_a_plain_team_member_may_prepare_it(client, diagnostic, office):
    member = factories.make_user(office=office, role=Membership.Role.MEMBER)
    client.force_login(member)
    response = client.post(url(diagnostic), post_data(diagnostic, "essential", "important"))
    assert response.status_code == 302
    assert AxisImportance.objects.count() == 2


@pytest.mark.parametrize("who", ["anonymous", "stranger", "staff"])
def test_other_offices_staff_and_anonymous_cannot(client, diagnostic, stranger, who):
    if who == "stranger":
        client.force_login(stranger)
    elif who == "staff":
        staff = factories.make_user("mopa-imp", is_staff=True)
        staff.groups.add(services.network_group_sync())
        client.force_login(staff)
    for response in (
        client.get(url(diagnostic)),
        client.post(url(diagnostic), post_data(diagnostic, "essential", "essential")),
    ):
        if who == "anonymous":
            assert response.status_code == 302 and reverse("login") in response.url
        else:
            assert response.status_code == 404
    assert not AxisImportance.objects.exists()


def test_a_submitted_diagnostic_is_refused(client, director, diagnostic):
    factories.answer_all(diagnostic)
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(director)
    response = client.post(
        url(diagnostic), post_data(diagnostic, "essential", "essential"), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("diagnostics:results", args=[diagnostic.pk])
    assert "il ne peut plus être modifié" in response.content.decode()
    assert not AxisImportance.objects.exists()


def test_a_closed_campaign_is_refused(client, director, diagnostic, campaign):
    campaign.closes = campaign.opens
    campaign.save()
    client.force_login(director)
    assert "n’est pas ouverte" in client.get(url(diagnostic)).content.decode()
    response = client.post(
        url(diagnostic), post_data(diagnostic, "essential", "essential"), follow=True
    )
    assert "n’est pas ouverte" in response.content.decode()
    assert not AxisImportance.objects.exists()


@pytest.mark.parametrize("value", ["capital", ""])
def test_bad_input_changes_nothing(client, director, diagnostic, value):
    client.force_login(director)
    response = client.post(url(diagnostic), post_data(diagnostic, "essential", value))
    assert response.status_code == 400
    assert not AxisImportance.objects.exists()


def test_the_service_refuses_unknown_values_and_foreign_axes(director, diagnostic):
    first, _second = axes_of(diagnostic)
    with pytest.raises(ValidationError) as error:
        services.axis_importance_save(
            diagnostic=diagnostic, importances={first.pk: "vital"}, user=director
        )
    assert error.value.messages == [services.IMPORTANCE_UNKNOWN]
    foreign_axis = Axis.objects.filter(questionnaire=factories.build_questionnaire()).first()
    with pytest.raises(ValidationError) as error:
        services.axis_importance_save(
            diagnostic=diagnostic, importances={foreign_axis.pk: "essential"}, user=director
        )
    assert error.value.messages == [services.AXIS_NOT_IN_QUESTIONNAIRE]
    assert not AxisImportance.objects.exists()


def test_review_and_office_pages_link_to_it(client, director, diagnostic, office):
    client.force_login(director)
    for page in ("diagnostics:review", "diagnostics:office"):
        args = [diagnostic.pk] if page == "diagnostics:review" else [office.slug]
        assert url(diagnostic) in client.get(reverse(page, args=args)).content.decode()


def test_importance_page_runs_a_constant_number_of_queries(
    client, director, office, django_assert_num_queries
):
    counts = []
    for size in (2, 8):
        questionnaire = factories.build_questionnaire(axes=size, questions=2)
        diagnostic = factories.open_campaign(questionnaire).diagnostics.create(
            organisation=office, questionnaire=questionnaire
        )
        client.force_login(director)
        client.get(url(diagnostic))  # the published structure is now in memory
        # 4, and the board's importance when it was asked (« Avis de l’équipe »).
        with django_assert_num_queries(5) as captured:
            assert client.get(url(diagnostic)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
