"""The questionnaire in the admin: every page opens, published ones are frozen."""

import pytest
from django.contrib import admin
from django.urls import reverse

from diagnostics.admin import FROZEN_MESSAGE
from diagnostics.models import Axis, Campaign, Choice, Diagnostic, Question, Questionnaire
from tests import factories


def test_every_model_has_a_working_changelist_and_change_page(client, superuser, diagnostic):
    factories.answer_all(diagnostic)
    client.force_login(superuser)
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(url).status_code == 200, url


def test_published_questionnaire_is_read_only(client, superuser, questionnaire):
    client.force_login(superuser)
    url = reverse("admin:diagnostics_questionnaire_change", args=[questionnaire.pk])
    page = client.get(url)
    assert FROZEN_MESSAGE in [str(m) for m in page.context["messages"]]
    assert b'name="name"' not in page.content  # no editable field
    response = client.post(url, {"name": "Piraté", "code": "x", "version": 9, "status": "draft"})
    assert response.status_code == 403
    questionnaire.refresh_from_db()
    assert questionnaire.name == "Questionnaire de test"

    question = Question.objects.filter(questionnaire=questionnaire).first()
    url = reverse("admin:diagnostics_question_change", args=[question.pk])
    assert client.post(url, {"text": "Piraté"}).status_code == 403
    choice = question.choices.first()
    url = reverse("admin:diagnostics_choice_change", args=[choice.pk])
    assert client.post(url, {"label": "Piraté"}).status_code == 403
    assert (
        not client.get(reverse("admin:diagnostics_question_change", args=[question.pk]))
        .context["inline_admin_formsets"][0]
        .has_add_permission
    )
    assert Choice.objects.get(pk=choice.pk).label == choice.label


def test_draft_questionnaire_is_editable(client, superuser):
    draft = factories.build_questionnaire(status="draft")
    client.force_login(superuser)
    axis = Axis.objects.filter(questionnaire=draft).first()
    page = client.get(reverse("admin:diagnostics_axis_change", args=[axis.pk]))
    assert page.status_code == 200 and b'name="name"' in page.content


def test_publish_action_checks_the_structure_first(client, superuser):
    sound = factories.build_questionnaire(status="draft")
    broken = factories.build_questionnaire(status="draft")
    Choice.objects.filter(question__questionnaire=broken, points=1).update(recommendation="")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:diagnostics_questionnaire_changelist"),
        {"action": "publish", "_selected_action": [sound.pk, broken.pk]},
        follow=True,
    )
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "n’a pas de recommandation" in messages
    sound.refresh_from_db()
    broken.refresh_from_db()
    assert (sound.status, broken.status) == (
        Questionnaire.Status.PUBLISHED,
        Questionnaire.Status.DRAFT,
    )


def test_network_staff_read_diagnostics_but_never_edit_answers(client, network_staff, diagnostic):
    factories.answer_all(diagnostic)
    client.force_login(network_staff)
    answer = diagnostic.answers.first()
    assert (
        client.get(reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:diagnostics_answer_change", args=[answer.pk])).status_code == 200
    )
    assert (
        client.post(reverse("admin:diagnostics_answer_change", args=[answer.pk]), {}).status_code
        == 403
    )
    # Accounts: readable (to attach a director to an office), never editable.
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    url = reverse("admin:auth_user_change", args=[network_staff.pk])
    assert client.post(url, {"username": "x", "is_superuser": "on"}).status_code == 403
    network_staff.refresh_from_db()
    assert not network_staff.is_superuser


def test_directors_have_no_admin_access(client, director):
    client.force_login(director)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_nothing_can_be_added_to_or_moved_into_a_published_questionnaire(
    client, network_staff, questionnaire
):
    draft = factories.build_questionnaire(status="draft")
    published_question = Question.objects.filter(questionnaire=questionnaire).first()
    published_axis = published_question.axis
    client.force_login(network_staff)
    before = (Choice.objects.count(), Question.objects.count(), Axis.objects.count())

    response = client.post(
        reverse("admin:diagnostics_choice_add"),
        {
            "question": published_question.pk,
            "order": 9,
            "label": "Ajout",
            "points": 10,
            "recommendation": "",
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    response = client.post(
        reverse("admin:diagnostics_axis_add"),
        {
            "questionnaire": questionnaire.pk,
            "code": "nouvel-axe",
            "name": "Nouvel axe",
            "order": 9,
            "weight": 1,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors

    # Moving a draft question under a published axis is refused too.
    draft_question = Question.objects.filter(questionnaire=draft).first()
    url = reverse("admin:diagnostics_question_change", args=[draft_question.pk])
    response = client.post(
        url,
        {
            "questionnaire": draft.pk,
            "axis": published_axis.pk,
            "code": draft_question.code,
            "text": "x",
            "order": 1,
            "weight": 1,
            "choices-TOTAL_FORMS": 0,
            "choices-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert before == (Choice.objects.count(), Question.objects.count(), Axis.objects.count())
    draft_question.refresh_from_db()
    assert draft_question.axis.questionnaire == draft


def test_a_draft_is_published_only_through_the_checked_action(client, superuser):
    draft = factories.build_questionnaire(status="draft")
    client.force_login(superuser)
    page = client.get(
        reverse("admin:diagnostics_questionnaire_change", args=[draft.pk])
    ).content.decode()
    assert 'name="status"' not in page


def test_campaigns_use_published_questionnaires_only(client, network_staff, questionnaire):
    draft = factories.build_questionnaire(status="draft")
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_campaign_add"),
        {
            "questionnaire": draft.pk,
            "name": "Sur un brouillon",
            "opens": "2027-01-10",
            "closes": "2027-06-30",
        },
    )
    assert response.status_code == 200
    assert not Campaign.objects.filter(name="Sur un brouillon").exists()


def test_a_campaign_with_diagnostics_keeps_its_questionnaire(client, network_staff, diagnostic):
    client.force_login(network_staff)
    url = reverse("admin:diagnostics_campaign_change", args=[diagnostic.campaign.pk])
    page = client.get(url).content.decode()
    assert 'name="questionnaire"' not in page


@pytest.mark.usefixtures("page_memo_off")
def test_diagnostic_admin_page_runs_a_constant_number_of_queries(
    client, superuser, office, django_assert_num_queries
):
    counts = []
    for size in (2, 6):
        questionnaire = factories.build_questionnaire(axes=size, questions=size)
        campaign = factories.open_campaign(questionnaire)
        diagnostic = Diagnostic.objects.create(
            organisation=office, campaign=campaign, questionnaire=questionnaire
        )
        factories.answer_all(diagnostic)
        client.force_login(superuser)
        url = reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])
        client.get(url)  # the history link's content type, then kept in memory
        # Session, user, the diagnostic with its related objects, then one query each
        # for its reopenings, axis scores, axes' importance and answers.
        with django_assert_num_queries(7) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_question_says_which_activities_it_is_asked_of(client, superuser):
    from django.forms import modelform_factory

    from diagnostics.admin.questionnaire import QuestionForm
    from diagnostics.models import Audience

    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES, status="draft")
    question = Question.objects.filter(questionnaire=questionnaire).first()
    client.force_login(superuser)
    page = client.get(reverse("admin:diagnostics_question_change", args=[question.pk]))
    assert 'type="checkbox" name="activities" value="restauration"' in page.text
    assert 'name="scored"' in page.text
    form_class = modelform_factory(Question, form=QuestionForm, fields="__all__")
    data = {
        "questionnaire": questionnaire.pk,
        "axis": question.axis_id,
        "code": question.code,
        "text": question.text,
        "order": 1,
        "weight": 1,
        "activities": ["hebergement", "sites"],
        "scored": "on",
    }
    form = form_class(data, instance=question)
    assert form.is_valid(), form.errors
    form.save()
    question.refresh_from_db()
    assert question.activities == ["hebergement", "sites"] and question.scored
    refused = form_class({**data, "activities": ["boulangerie"]}, instance=question)
    assert not refused.is_valid() and "activities" in refused.errors
