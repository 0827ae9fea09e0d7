"""A submitted diagnostic's answers on the web, read-only: every question, who answered, when."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Diagnostic, Question
from diagnostics.selectors import structure
from tests import factories


def answers_url(diagnostic) -> str:
    return reverse("diagnostics:answers", args=[diagnostic.pk])


def test_staff_without_the_permission_to_read_diagnostics_get_404(client, submitted):
    client.force_login(factories.make_user("curieux", is_staff=True))
    assert client.get(answers_url(submitted)).status_code == 404


def test_a_draft_has_no_answers_page_yet(client, director, diagnostic):
    client.force_login(director)
    response = client.get(answers_url(diagnostic))
    assert response.url == reverse("diagnostics:resume", args=[diagnostic.pk])


def test_every_question_by_axis_with_its_answer_comment_author_and_date(
    client, office, diagnostic, director
):
    director.first_name, director.last_name = "Camille", "Dufau"
    director.save()
    questions = list(Question.objects.filter(questionnaire=diagnostic.questionnaire))
    first, last = questions[0], questions[-1]
    for question in questions:
        services.answer_save(
            diagnostic=diagnostic,
            question=question,
            choice=None if question == last else question.choices.order_by("order")[2],
            not_applicable=question == last,
            comment="Vu en conseil d’administration" if question == first else "",
            user=director,
        )
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(director)
    page = client.get(answers_url(diagnostic)).content.decode()
    for question in questions:
        assert question.text in page
    assert page.index("Axe 1") < page.index("Question 1.1") < page.index("Axe 2")
    assert page.count("Réponse 3") == len(questions) - 1 and "Non concerné" in page
    assert "Vu en conseil d’administration" in page
    assert page.count("Répondu par Camille Dufau le ") == len(questions)
    assert "Modifier" not in page and "À confirmer" not in page
    assert f'href="{reverse("diagnostics:office", args=[office.slug])}"' in page


def test_reached_from_the_results_page_and_the_office_page(client, office, submitted, director):
    client.force_login(director)
    results = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert f'href="{answers_url(submitted)}"' in results
    office_page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert f'href="{answers_url(submitted)}"' in office_page


def test_staff_are_never_sent_to_an_office_page_they_cannot_open(client, office, submitted, staff):
    """The office's name led staff to /offices/<slug>/, a 404 for them: it leads to the
    office's admin page, which they can open."""
    client.force_login(staff)
    for url in (reverse("diagnostics:results", args=[submitted.pk]), answers_url(submitted)):
        page = client.get(url).content.decode()
        assert reverse("diagnostics:office", args=[office.slug]) not in page
        admin_url = reverse("admin:diagnostics_office_change", args=[office.pk])
        assert f'href="{admin_url}"' in page
        assert client.get(admin_url).status_code == 200


def test_a_reader_without_the_office_page_gets_the_name_without_a_link(
    client, office, submitted, staff
):
    staff.groups.clear()
    staff.user_permissions.add(*Permission.objects.filter(codename="view_diagnostic"))
    client.force_login(staff)
    for url in (reverse("diagnostics:results", args=[submitted.pk]), answers_url(submitted)):
        page = client.get(url).content.decode()
        assert re.search(rf"<a [^>]*>{re.escape(office.name)}</a>", page) is None
        assert office.name in page


def submitted_of_size(office, director, size: int) -> Diagnostic:
    """A submitted diagnostic of `size` axes of `size` questions each."""
    questionnaire = factories.build_questionnaire(axes=size, questions=size)
    diagnostic = Diagnostic.objects.create(
        organisation=office,
        campaign=factories.open_campaign(questionnaire),
        questionnaire=questionnaire,
    )
    factories.answer_all(diagnostic)
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        # session and user (2), the diagnostic (1), the membership (1), axes, questions and
        # choices (3), the answers with their choices and authors (1)
        ("director", 8),
        # the same, plus the staff's permissions (2)
        ("staff", 10),
    ],
)
def test_a_constant_number_of_queries_at_two_sizes(
    client, request, office, director, reader, expected, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(reader))
    for size in (2, 8):
        diagnostic = submitted_of_size(office, director, size)
        structure._frozen_axes.clear()  # read cold, as a new process does
        with django_assert_num_queries(expected):
            assert client.get(answers_url(diagnostic)).status_code == 200
