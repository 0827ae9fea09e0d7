"""The plan pages: the office's own, for every member; 404 for anyone else."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from diagnostics import services
from diagnostics.display import long_date
from diagnostics.models import Action, Membership, Question
from tests import factories
from tests.test_plan_services import make_past


@pytest.fixture
def member(office):
    return factories.make_user("collegue", office=office, role=Membership.Role.MEMBER)


@pytest.fixture
def action(office, director):
    return services.action_create(office=office, user=director, title="Revendiquer la fiche Google")


def plan_url(office):
    return reverse("diagnostics:plan", args=[office.slug])


@pytest.mark.parametrize("who", ["director", "member"])
def test_the_team_reads_its_plan(client, request, office, action, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(plan_url(office))
    assert page.status_code == 200
    assert "Revendiquer la fiche Google" in page.content.decode()


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_nobody_else_reads_or_changes_it(client, request, office, action, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(plan_url(office)).status_code == 404
    assert client.post(plan_url(office), {"title": "Intrus", "status": "todo"}).status_code == 404
    edit = reverse("diagnostics:action_edit", args=[office.slug, action.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"title": "Intrus", "status": "done"}).status_code == 404
    delete = reverse("diagnostics:action_delete", args=[office.slug, action.pk])
    assert client.post(delete).status_code == 404
    action.refresh_from_db()
    assert action.title == "Revendiquer la fiche Google" and action.status == "todo"
    assert Action.objects.count() == 1


def test_an_action_of_another_office_is_404_even_through_ones_own_office(
    client, office, other_office, director, stranger
):
    theirs = services.action_create(office=other_office, user=stranger, title="Leur action")
    client.force_login(director)
    url = reverse("diagnostics:action_edit", args=[office.slug, theirs.pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, office, action):
    for url in (
        plan_url(office),
        reverse("diagnostics:action_edit", args=[office.slug, action.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    client.post(plan_url(office), {"title": "Anonyme", "status": "todo"})
    assert Action.objects.count() == 1


def test_a_member_adds_a_free_action(client, office, member):
    client.force_login(member)
    response = client.post(
        plan_url(office),
        {"title": "Former l’accueil aux avis", "status": "todo", "owner": member.pk},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner == member and action.created_by == member and action.diagnostic is None


def test_a_bad_action_is_refused_and_changes_nothing(client, office, director, stranger):
    client.force_login(director)
    response = client.post(plan_url(office), {"title": "", "status": "todo"})
    assert response.status_code == 400
    response = client.post(
        plan_url(office), {"title": "Ok", "status": "todo", "owner": stranger.pk}
    )
    assert response.status_code == 400  # not a member: not among the choices
    assert not Action.objects.exists()


def test_a_member_updates_but_does_not_delete(client, office, member, action):
    client.force_login(member)
    edit = reverse("diagnostics:action_edit", args=[office.slug, action.pk])
    response = client.post(
        edit,
        {"title": action.title, "status": "done", "owner_name": "M. le maire", "due_date": ""},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.owner_name == "M. le maire"
    assert "Supprimer cette action" not in client.get(edit).content.decode()
    client.post(reverse("diagnostics:action_delete", args=[office.slug, action.pk]))
    assert Action.objects.filter(pk=action.pk).exists()


def test_the_director_deletes(client, office, director, action):
    client.force_login(director)
    client.post(reverse("diagnostics:action_delete", args=[office.slug, action.pk]))
    assert not Action.objects.exists()


def test_progress_per_axis_and_overdue_actions(client, office, director, questionnaire):
    axes = list(questionnaire.axes.order_by("order"))
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    services.action_create(
        office=office, user=director, title="En retard", axis=axes[0], due_date=yesterday
    )
    services.action_create(
        office=office, user=director, title="Faite", axis=axes[0], status="done", due_date=yesterday
    )
    client.force_login(director)
    response = client.get(plan_url(office))
    plan = response.context["plan"]
    assert [a.title for a in plan.overdue] == ["En retard"]
    assert [(g.name, g.total, g.done, g.percent) for g in plan.by_axis] == [("Axe 1", 2, 1, 50)]
    assert "faites : 1 sur 2" in response.content.decode()


def test_each_action_of_the_list_shows_its_status_owner_due_date_axis_origin_and_note(
    client, office, director, questionnaire, submitted
):
    """« Toutes les actions » is written by templatetags.snut.action_items: each case of
    what the template wrote before, escaped."""
    axis = questionnaire.axes.order_by("order").first()
    question = Question.objects.filter(questionnaire=questionnaire).order_by("pk").first()
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    director.first_name, director.last_name = "Claire", "Dupré"
    director.save()
    late = services.action_create(
        office=office,
        user=director,
        diagnostic=submitted,
        question=question,
        due_date=yesterday,
        owner=director,
        note="N" * 250,
    )
    Action.objects.filter(pk=late.pk).update(title="<b>Refaire</b> & relancer")
    colleague = factories.make_user("camille", office=office, role=Membership.Role.MEMBER)
    services.action_create(
        office=office, user=director, title="Sans date", axis=axis, owner=colleague
    )
    services.action_create(
        office=office, user=director, title="Libre", owner_name="M. le maire", status="done"
    )
    client.force_login(director)
    page = client.get(plan_url(office)).content.decode()
    items = re.findall(r'<li class="py-3[^"]*">.*?</li>', page.split('id="actions"')[1], re.S)
    assert len(items) == 3
    first, second, third = items
    edit = reverse("diagnostics:action_edit", args=[office.slug, late.pk])
    assert (
        f'<a href="{edit}" class="fw-semibold">&lt;b&gt;Refaire&lt;/b&gt; &amp; relancer</a>'
        in first
    )
    assert "border-bottom" in first and "border-bottom" not in third
    assert "Responsable : Claire Dupré" in first
    assert '<span class="text-danger fw-semibold">Échéance : ' in first
    assert long_date(yesterday) in first
    assert f"Axe 1 · tirée du diagnostic « {submitted.campaign.name} »" in first
    assert f'<div class="small mt-1">{"N" * 199}…</div>' in first
    assert "Responsable : camille" in second and "Échéance : —" in second
    assert 'class="badge snut-status status-todo">À faire<' in second
    assert "Responsable : M. le maire" in third and "Sans axe</div>" in third
    assert 'class="badge snut-status status-done">Fait<' in third


@pytest.mark.parametrize(
    "kept, queries",
    [
        # session, user, office, actions, the form's owners and axes, the latest submitted
        # diagnostic (whose targets the page shows: none here)
        (False, 7),
        # the part kept, its actions written again (views/plan.py): session, user, office, actions
        (True, 4),
    ],
)
def test_the_plan_page_runs_a_constant_number_of_queries(
    client, office, director, questionnaire, django_assert_num_queries, settings, kept, queries
):
    settings.PAGE_PARTS_KEPT = kept
    axis = questionnaire.axes.first()
    client.force_login(director)
    client.get(plan_url(office))
    for count in (2, 20):
        Action.objects.bulk_create(
            Action(
                office=office, title=f"Action {i}", axis=axis, owner=director, created_by=director
            )
            for i in range(count)
        )
        with django_assert_num_queries(queries):
            assert client.get(plan_url(office)).status_code == 200


def priority_post(client, diagnostic, question):
    return client.post(
        reverse("diagnostics:plan_priority", args=[diagnostic.organisation.slug]),
        {"diagnostic": diagnostic.pk, "question": question.pk},
    )


def test_add_to_plan_from_the_results_page(client, director, submitted):
    client.force_login(director)
    results = reverse("diagnostics:results", args=[submitted.pk])
    assert "Ajouter au plan" in client.get(results).content.decode()
    question = Question.objects.filter(questionnaire=submitted.questionnaire).first()
    response = priority_post(client, submitted, question)
    assert response.status_code == 302 and response["Location"].startswith(results)
    assert Action.objects.get().question == question
    assert "Dans le plan d’action" in client.get(results).content.decode()
    priority_post(client, submitted, question)  # twice: still one
    assert Action.objects.count() == 1


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_nobody_else_adds_to_the_plan(client, request, submitted, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    question = Question.objects.filter(questionnaire=submitted.questionnaire).first()
    assert priority_post(client, submitted, question).status_code == 404
    assert not Action.objects.exists()
    if who == "staff":  # staff read results but are offered no button
        page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
        assert "Ajouter au plan" not in page


def test_a_question_of_another_questionnaire_is_404(client, director, submitted):
    client.force_login(director)
    foreign = Question.objects.filter(questionnaire=factories.build_questionnaire()).first()
    assert priority_post(client, submitted, foreign).status_code == 404
    assert not Action.objects.exists()


def test_the_office_page_sums_the_plan_up(client, office, director, action):
    client.force_login(director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "1 action au plan" in page and "1 à faire ou en cours" in page
    assert plan_url(office) in page


def test_the_pdf_includes_the_plan_with_statuses(client, director, submitted, office):
    services.action_create(
        office=office, user=director, title="Activer la double authentification", status="doing"
    )
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk]))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Suivi du plan d’action" in text
    assert "Activer la double authentification" in text and "En cours" in text


def test_what_was_planned_is_shown_beside_the_new_diagnostic(
    client, director, office, questionnaire, submitted
):
    past = make_past(office, questionnaire, pick=lambda c: c[0])
    question = Question.objects.filter(questionnaire=questionnaire).order_by("pk").first()
    action = services.action_create(
        office=office, user=director, diagnostic=past, question=question
    )
    services.action_update(action=action, user=director, status="done")
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "Ce que vous aviez prévu" in page
    assert "La réponse à la question visée a progressé." in page


def test_staff_see_counts_per_axis_never_the_content(
    client, staff, office, director, questionnaire
):
    axis = questionnaire.axes.first()
    services.action_create(office=office, user=director, title="Secret de l’office", axis=axis)
    services.action_create(office=office, user=director, title="Autre", axis=axis, status="done")
    client.force_login(staff)
    page = client.get(reverse("admin:diagnostics_action_changelist"))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r["axis_name"], r["offices"], r["planned"], r["done"]) for r in rows] == [
        ("Axe 1", 1, 2, 1)
    ]
    assert "Secret de l’office" not in page.content.decode()
