"""The training catalogue: priorities list the trainings that address them, with the next session."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from diagnostics import selectors, services
from diagnostics.models import (
    Action,
    Axis,
    Department,
    Diagnostic,
    Office,
    Question,
    Training,
    TrainingSession,
)
from tests import factories


@pytest.fixture
def submitted(diagnostic, director):
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def make_training(title, *, questions=(), axes=(), audience="offices", sessions=()):
    training = Training.objects.create(title=title, format="workshop", audience=audience)
    training.questions.set(questions)
    training.axes.set(axes)
    for days, place in sessions:
        factories.make_session(training, days=days, place=place)
    return training


def test_a_priority_gets_the_trainings_on_its_question_else_on_its_axis(questionnaire):
    q1, q2 = Question.objects.filter(questionnaire=questionnaire).order_by("pk")[:2]
    axis = Axis.objects.get(questionnaire=questionnaire, code="axe-1")
    on_question = make_training(
        "Avis en ligne", questions=[q1], sessions=[(-10, "Agen"), (40, "Pau"), (20, "Dax")]
    )
    on_axis = make_training("Tout l’axe", axes=[axis])
    make_training("Pour les prestataires", questions=[q1], audience="businesses")

    matches = selectors.training_matches("offices")

    assert matches.for_priority(q1.code, "axe-1") == [on_question]
    assert matches.for_priority(q2.code, "axe-1") == [on_axis]
    assert matches.for_priority("ailleurs", "axe-9") == []
    found = matches.for_priority(q1.code, "axe-1")[0]
    assert [s.place for s in found.upcoming] == ["Dax", "Pau"]  # next first, past left out


def test_results_and_pdf_list_the_training_with_its_next_session(client, director, submitted):
    question = Question.objects.filter(questionnaire=submitted.questionnaire).first()
    # Another version of the questionnaire: matched by the question's code.
    other = factories.build_questionnaire(code="v-suivante")
    same_code = Question.objects.get(questionnaire=other, code=question.code)
    make_training("Répondre aux avis clients", questions=[same_code], sessions=[(15, "Périgueux")])
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "Répondre aux avis clients" in page
    assert "prochaine session le" in page and "Périgueux" in page
    pdf = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk])).content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Répondre aux avis clients" in text


def test_a_session_over_two_days_is_written_from_one_to_the_other(client, director, submitted):
    """« prochaine session du lundi … au mardi … », never « le du »: on the results page,
    in its PDF and on the business's profile, which share the sentence."""
    question = Question.objects.filter(questionnaire=submitted.questionnaire).first()
    training = make_training("Stratégie de contenus", questions=[question])
    factories.make_session(
        training, days=15, hours=32, place="Périgueux"
    )  # 9 h to 17 h the next day
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "prochaine session du " in page and " au " in page
    assert "le du" not in page
    pdf = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk])).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "prochaine session du" in " ".join(text.split()) and "le du" not in text


def test_the_network_manages_the_catalogue(client, staff):
    assert staff.has_perm("diagnostics.add_training")
    assert staff.has_perm("diagnostics.change_trainingsession")
    client.force_login(staff)
    assert client.get(reverse("admin:diagnostics_training_add")).status_code == 200


@pytest.mark.slow
def test_the_demo_has_a_catalogue(db, demo_snapshot):
    demo_snapshot[0].restore()
    assert Training.objects.filter(audience="offices").count() >= 15
    management = Training.objects.get(title="Management numérique de destination")
    days = [
        timezone.localdate(s.ends) - timezone.localdate(s.starts) for s in management.sessions.all()
    ]
    assert days == [timedelta(days=1)] * 2
    # Each session as long as its training says: a workshop's two hours, not a day.
    lengths = {
        (s.training.format, s.ends - s.starts)
        for s in TrainingSession.objects.filter(training__organiser__isnull=True)
        if s.training.format != Training.Format.COURSE
    }
    assert (Training.Format.WORKSHOP, timedelta(hours=2)) in lengths
    assert all(length <= timedelta(hours=4) for _format, length in lengths), lengths
    assert all(t.questions.exists() for t in Training.objects.all())
    # and last year's plan of the demo office, followed
    assert Action.objects.filter(status="done").exists()


def test_the_catalogue_costs_the_same_queries_whatever_its_size(
    client, director, submitted, django_assert_num_queries
):
    questions = list(Question.objects.filter(questionnaire=submitted.questionnaire))
    url = reverse("diagnostics:results", args=[submitted.pk])
    client.force_login(director)
    client.get(url)  # the first view after a submission fills the peers' and weak answers' cache
    for count in (2, 12):
        for n in range(count):
            make_training(f"Atelier {n}", questions=questions[:3], sessions=[(n + 1, "Pau")])
        # 10 once the page's fragments and plan are cached (test_results), plus the catalogue
        # for the plan's priorities (trainings, sessions, questions, axes) and which of them
        # are already actions of the office's plan
        with django_assert_num_queries(15):
            assert client.get(url).status_code == 200


def submit_in(campaign, department, pick):
    office = factories.make_office(department=department)
    user = factories.make_user(office=office)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=campaign.questionnaire
    )
    factories.answer_all(diagnostic, pick=pick)
    services.diagnostic_submit(diagnostic=diagnostic, user=user)
    return office


@pytest.mark.usefixtures("page_memo_off")
def test_training_needs_count_offices_with_a_weak_answer_by_department(
    client, staff, campaign, django_assert_num_queries
):
    q1 = Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk").first()
    training = make_training("Répondre aux avis clients", questions=[q1], sessions=[(9, "Dax")])
    make_training("Sans besoin")
    for department in ("33", "33", "24"):
        submit_in(campaign, department, pick=lambda c: c[0])  # 0 of 3 points: weak
    submit_in(campaign, "40", pick=lambda c: c[2])  # 2 of 3: not weak
    departments, needs = selectors.training_needs(campaign)
    assert [d.code for d in departments] == ["24", "33"]
    assert (needs[0].training, needs[0].by_department, needs[0].total) == (
        training,
        {"33": 2, "24": 1},
        3,
    )
    assert needs[1].total == 0

    client.force_login(staff)
    url = reverse("admin:diagnostics_training_needs")
    # The counts by training and department are kept (page_memo.kept) until a table they
    # are drawn from is written, and so are the network's departments: the selector above
    # computed them, the page reads the trainings, their sessions and the sessions held per
    # department (8 queries; 6 once the campaign and the sessions held are kept,
    # office_analytics.campaign_for, selectors.sessions_by_department).
    # A submission writes a diagnostic: the counts are looked for again under their new
    # key (the submissions' stamp, the participants' departments and the trainings'
    # questions read live), in the database where a submission's task keeps them, then
    # computed from weak answers read again (their key changed, looked for in the database
    # too), and the sessions held (14). The same for 4 or 7 offices.
    with django_assert_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200 and "Répondre aux avis clients" in page.content.decode()
    for department in ("64", "47", "33"):
        submit_in(campaign, department, pick=lambda c: c[0])
    with django_assert_num_queries(14):
        page = client.get(url)
    assert page.context["rows"][0][0].total == 6  # the new submissions are counted
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200

    export = reverse("admin:diagnostics_training_needs_export", args=["csv"])
    csv = b"".join(client.get(export).streaming_content).decode("utf-8-sig")
    assert "Répondre aux avis clients;Atelier de 2 h;" in csv and ";6;" in csv
    xlsx = client.get(reverse("admin:diagnostics_training_needs_export", args=["xlsx"]))
    assert xlsx.status_code == 200


def test_weak_answers_are_read_from_the_diagnostics_in_two_queries_whatever_the_offices(
    campaign, django_assert_num_queries
):
    """Each diagnostic's weak questions, stored at its submission: the key of the
    submissions, the database's stored figures (what a submission's task kept), then one
    row per diagnostic, not one per answer; one query once cached."""
    from django.core.cache import cache

    codes = set(
        Question.objects.filter(questionnaire=campaign.questionnaire).values_list("code", flat=True)
    )
    offices = []
    for size in (3, 30):
        while len(offices) < size:
            offices.append(submit_in(campaign, "33", pick=lambda c: c[0]))  # weak everywhere
        cache.clear()  # as a new submission does to the cached weak answers
        with django_assert_num_queries(3):
            weak = selectors.weak_organisations(campaign)
        with django_assert_num_queries(1):
            assert selectors.weak_organisations(campaign) == weak
        ids = sorted(office.pk for office in offices)
        assert {code: sorted(found) for code, found in weak.items()} == dict.fromkeys(codes, ids)


def test_a_national_network_reads_training_needs_by_region_then_by_department(
    client, staff, campaign, django_assert_num_queries
):
    q1 = Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk").first()
    make_training("Répondre aux avis clients", questions=[q1])
    for department in ("33", "24", "67", "67", "75"):
        submit_in(campaign, department, pick=lambda c: c[0])
    client.force_login(staff)
    url = reverse("admin:diagnostics_training_needs")
    page = client.get(url)
    assert page.context["by_region"]
    assert [str(r) for r in page.context["columns"]] == [
        "Grand Est",
        "Nouvelle-Aquitaine",
        "Île-de-France",
    ]
    assert page.context["rows"][0][1] == [2, 2, 1]
    with django_assert_num_queries(7):  # the counts and the campaign kept since the page above
        page = client.get(url, {"region": "75"})
    assert not page.context["by_region"]
    assert [d.code for d in page.context["columns"]] == ["24", "33"]
    assert page.context["rows"][0][0].total == 2
    content = page.content.decode()
    assert "region=75" in content.split("Exporter en CSV")[0].rsplit("href", 1)[1]
    export = reverse("admin:diagnostics_training_needs_export", args=["csv"])
    csv = b"".join(client.get(export, {"region": "44"}).streaming_content).decode("utf-8-sig")
    assert "Bas-Rhin (67)" in csv and "Gironde" not in csv

    page = client.get(url, {"region": "nope"})
    assert "Sélectionnez un choix valide" in page.content.decode()
    assert page.context["by_region"]  # the whole network, as without a filter


def test_training_needs_kept_for_every_reader_are_computed_again_after_a_write(campaign):
    """The counts and the network's departments are the same for every reader, kept in the
    shared cache (page_memo.kept) until a table they are drawn from is written: an office
    moved, a training given a question, a department renamed."""
    q1 = Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk").first()
    make_training("Répondre aux avis clients", questions=[q1])
    other = make_training("Sans besoin")
    office = submit_in(campaign, "33", pick=lambda c: c[0])
    departments, needs = selectors.training_needs(campaign)
    assert [n.by_department for n in needs] == [{"33": 1}, {}]
    assert [str(d) for d in departments] == ["Gironde (33)"]
    Office.objects.filter(pk=office.pk).update(department="24")
    departments, needs = selectors.training_needs(campaign)
    assert [n.by_department for n in needs] == [{"24": 1}, {}]
    other.questions.add(q1)
    Department.objects.filter(code="24").update(name="Périgord")
    departments, needs = selectors.training_needs(campaign)
    assert [n.by_department for n in needs] == [{"24": 1}, {"24": 1}]
    assert [str(d) for d in departments] == ["Périgord (24)"]


def test_training_needs_are_for_the_network_only(client, director):
    client.force_login(director)
    response = client.get(reverse("admin:diagnostics_training_needs"))
    assert response.status_code == 302  # directors have no admin access
    client.logout()
    assert client.get(reverse("admin:diagnostics_training_needs")).status_code == 302
