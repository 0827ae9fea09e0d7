"""Filling a diagnostic: axis pages, autosave, resume, review and submission."""

import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Answer, Choice, Diagnostic, Question
from tests import factories


def questions_of(diagnostic, axis_order=1):
    return list(
        Question.objects.filter(questionnaire=diagnostic.questionnaire, axis__order=axis_order)
        .order_by("order")
        .prefetch_related("choices")
    )


def choices(question):
    return sorted(question.choices.all(), key=lambda c: c.order)


def axis_url(diagnostic, code="axe-1"):
    return reverse("diagnostics:axis", args=[diagnostic.pk, code])


def post_data(question, value, initial="", comment="", initial_comment=""):
    return {
        f"q-{question.pk}": value,
        f"initial-q-{question.pk}": initial,
        f"c-{question.pk}": comment,
        f"initial-c-{question.pk}": initial_comment,
    }


VIEWS = [
    ("diagnostics:resume", lambda d: [d.pk]),
    ("diagnostics:axis", lambda d: [d.pk, "axe-1"]),
    ("diagnostics:review", lambda d: [d.pk]),
    ("diagnostics:autosave", lambda d: [d.pk, questions_of(d)[0].pk]),
]


@pytest.mark.parametrize(("name", "args"), VIEWS)
@pytest.mark.parametrize("who", ["anonymous", "stranger", "staff"])
def test_filling_is_for_members_only(client, diagnostic, stranger, staff, name, args, who):
    if who != "anonymous":
        client.force_login(stranger if who == "stranger" else staff)
    url = reverse(name, args=args(diagnostic))
    question = questions_of(diagnostic)[0]
    response = client.post(url, post_data(question, str(choices(question)[3].pk)))
    if who == "anonymous" and name == "diagnostics:autosave":
        # the page's script shows a login link instead of following a redirect
        assert response.status_code == 401 and reverse("login") in response.json()["login_url"]
    elif who == "anonymous":
        assert response.status_code == 302 and reverse("login") in response.url
    else:
        assert response.status_code == 404
    assert not Answer.objects.exists()


def test_axis_page_shows_questions_help_and_stepper(client, director, diagnostic):
    question = questions_of(diagnostic)[0]
    question.help_text = "Parce que les visiteurs réservent sur mobile."
    question.save()
    client.force_login(director)
    page = client.get(axis_url(diagnostic)).content.decode()
    assert question.text in page and "Parce que les visiteurs" in page
    assert "Axe 2" in page  # the stepper lists every axis
    assert "Non concerné" in page  # the last question allows it
    assert 'name="initial-q-' in page


def test_ids_and_values_are_never_localised(client, director, diagnostic, settings):
    """A choice's id in a radio's value, a question's in the ids it describes itself by:
    written as they are, even where numbers are grouped by thousands (« 1 234 »)."""
    settings.USE_THOUSAND_SEPARATOR = True
    first = questions_of(diagnostic)[0]
    question = Question.objects.create(
        pk=1234,
        questionnaire=diagnostic.questionnaire,
        axis=first.axis,
        code="axe-1-99",
        text="Question aux grands numéros",
        help_text="Aide.",
        order=99,
    )
    Choice.objects.bulk_create(
        Choice(pk=5678 + n, question=question, order=n, label=f"Choix {n}", points=n)
        for n in range(4)
    )
    client.force_login(director)
    page = client.get(axis_url(diagnostic)).content.decode()
    for n in range(4):
        assert f'value="{5678 + n}"' in page
    assert 'id="help-1234"' in page and 'aria-describedby="help-1234' in page


def test_saving_an_axis_then_continue_and_quit(client, director, diagnostic, office):
    q1, q2, q3 = questions_of(diagnostic)
    client.force_login(director)
    data = {
        **post_data(q1, str(choices(q1)[2].pk)),
        **post_data(q2, "", comment="À voir en bureau"),
        **post_data(q3, "na"),
    }
    response = client.post(axis_url(diagnostic), {**data, "continue": "1"})
    assert response.url == axis_url(diagnostic, "axe-2")
    saved = {a.question_id: a for a in Answer.objects.all()}
    assert saved[q1.pk].choice == choices(q1)[2]
    assert saved[q2.pk].choice is None and saved[q2.pk].comment == "À voir en bureau"
    assert saved[q3.pk].not_applicable
    response = client.post(axis_url(diagnostic, "axe-2"), {"quit": "1"})
    assert response.url == reverse("diagnostics:office", args=[office.slug])


def test_last_axis_continues_to_review(client, director, diagnostic):
    client.force_login(director)
    response = client.post(axis_url(diagnostic, "axe-2"), {"continue": "1"})
    assert response.url == reverse("diagnostics:review", args=[diagnostic.pk])


def test_a_stale_page_never_overwrites_a_colleague(client, director, diagnostic, office):
    """Two colleagues opened the same axis; each saves their own question only."""
    q1, q2, _q3 = questions_of(diagnostic)
    colleague = factories.make_user(office=office)
    services.answer_save(diagnostic=diagnostic, question=q2, choice=choices(q2)[3], user=colleague)
    client.force_login(director)
    # The director's page was displayed before the colleague's answer: q2 was empty.
    data = {**post_data(q1, str(choices(q1)[1].pk)), **post_data(q2, "")}
    client.post(axis_url(diagnostic), {**data, "continue": "1"})
    answers = {a.question_id: a.choice for a in Answer.objects.all()}
    assert answers == {q1.pk: choices(q1)[1], q2.pk: choices(q2)[3]}


def test_a_stale_page_keeps_a_colleagues_comment_on_the_same_question(
    client, director, diagnostic, office
):
    q1 = questions_of(diagnostic)[0]
    colleague = factories.make_user(office=office)
    services.answer_save(
        diagnostic=diagnostic, question=q1, comment="Vu en CA", fields=("comment",), user=colleague
    )
    client.force_login(director)
    # My page was displayed before: no choice, no comment. I pick a choice only, and
    # the page's script sends only the field I touched.
    client.post(
        reverse("diagnostics:autosave", args=[diagnostic.pk, q1.pk]),
        {f"q-{q1.pk}": str(choices(q1)[2].pk), f"initial-q-{q1.pk}": ""},
    )
    answer = Answer.objects.get(question=q1)
    assert (answer.choice, answer.comment) == (choices(q1)[2], "Vu en CA")


def test_a_stale_page_keeps_a_colleagues_choice_on_the_same_question(
    client, director, diagnostic, office
):
    q1 = questions_of(diagnostic)[0]
    colleague = factories.make_user(office=office)
    services.answer_save(diagnostic=diagnostic, question=q1, choice=choices(q1)[0], user=director)
    services.answer_save(diagnostic=diagnostic, question=q1, choice=choices(q1)[3], user=colleague)
    client.force_login(director)
    # My page still shows my first choice; I add a comment.
    initial = str(choices(q1)[0].pk)
    data = post_data(q1, initial, initial=initial, comment="Budget voté")
    client.post(axis_url(diagnostic), {**data, "continue": "1"})
    answer = Answer.objects.get(question=q1)
    assert (answer.choice, answer.comment) == (choices(q1)[3], "Budget voté")


@pytest.mark.parametrize(
    "case", ["foreign_choice", "not_applicable_refused", "garbage", "huge_comment"]
)
def test_tampered_posts_get_an_error_and_change_nothing(client, director, diagnostic, case):
    q1, q2, _q3 = questions_of(diagnostic)
    client.force_login(director)
    good = post_data(q1, str(choices(q1)[3].pk))
    bad = {
        "foreign_choice": post_data(q2, str(choices(q1)[0].pk)),
        "not_applicable_refused": post_data(q2, "na"),
        "garbage": post_data(q2, "1' OR '1'='1"),
        "huge_comment": post_data(q2, "", comment="x" * 5000),
    }[case]
    response = client.post(axis_url(diagnostic), {**good, **bad, "continue": "1"})
    assert response.status_code == 400
    assert "corrigez les erreurs" in response.content.decode()
    assert not Answer.objects.exists()


def test_unknown_axis_is_404(client, director, diagnostic):
    client.force_login(director)
    assert client.get(axis_url(diagnostic, "inconnu")).status_code == 404


def test_submitted_diagnostic_is_read_only(client, director, submitted):
    q1 = questions_of(submitted)[0]
    before = Answer.objects.get(question=q1).choice
    client.force_login(director)
    response = client.post(
        axis_url(submitted),
        {**post_data(q1, str(choices(q1)[3].pk), initial=str(before.pk)), "continue": "1"},
    )
    assert response.url == reverse("diagnostics:results", args=[submitted.pk])
    assert Answer.objects.get(question=q1).choice == before
    response = client.post(
        reverse("diagnostics:autosave", args=[submitted.pk, q1.pk]),
        post_data(q1, str(choices(q1)[3].pk)),
    )
    assert response.status_code == 409
    assert "a été soumis" in response.json()["error"]
    assert Answer.objects.get(question=q1).choice == before


def test_closed_campaign_refuses_saving(client, director, diagnostic, campaign):
    campaign.closes = campaign.opens
    campaign.save()
    q1 = questions_of(diagnostic)[0]
    client.force_login(director)
    response = client.post(
        axis_url(diagnostic),
        {**post_data(q1, str(choices(q1)[3].pk)), "continue": "1"},
        follow=True,
    )
    assert "n’est pas ouverte" in response.content.decode()
    assert not Answer.objects.exists()


def test_autosave_saves_one_answer_and_reports_progress(client, director, diagnostic):
    q1 = questions_of(diagnostic)[0]
    client.force_login(director)
    url = reverse("diagnostics:autosave", args=[diagnostic.pk, q1.pk])
    response = client.post(url, post_data(q1, str(choices(q1)[2].pk)))
    assert response.status_code == 200
    body = response.json()
    assert body["saved"].startswith("Enregistré")
    assert body["axis"] == {"code": "axe-1", "answered": 1, "total": 3, "percent": 33}
    assert body["overall_percent"] == 17
    assert Answer.objects.get().choice == choices(q1)[2]


def test_autosave_refuses_bad_input(client, director, diagnostic):
    q1, q2, _ = questions_of(diagnostic)
    foreign = Question.objects.filter(questionnaire=factories.build_questionnaire()).first()
    client.force_login(director)
    url = reverse("diagnostics:autosave", args=[diagnostic.pk, q1.pk])
    assert client.post(url, post_data(q1, str(choices(q2)[0].pk))).status_code == 400
    response = client.post(
        reverse("diagnostics:autosave", args=[diagnostic.pk, foreign.pk]), post_data(foreign, "")
    )
    assert response.status_code == 400 and "n’appartient pas" in response.json()["error"]
    assert client.get(url).status_code == 405
    assert not Answer.objects.exists()


def test_resume_goes_to_the_first_unanswered_question(client, director, diagnostic):
    client.force_login(director)
    q1, q2, _ = questions_of(diagnostic)
    services.answer_save(diagnostic=diagnostic, question=q1, choice=choices(q1)[0], user=director)
    response = client.get(reverse("diagnostics:resume", args=[diagnostic.pk]))
    assert response.url == f"{axis_url(diagnostic)}#q-{q2.code}"
    Answer.objects.all().delete()
    factories.answer_all(diagnostic)
    response = client.get(reverse("diagnostics:resume", args=[diagnostic.pk]))
    assert response.url == reverse("diagnostics:review", args=[diagnostic.pk])


def test_review_lists_unanswered_and_submission_needs_confirmation(client, director, diagnostic):
    client.force_login(director)
    url = reverse("diagnostics:review", args=[diagnostic.pk])
    page = client.get(url).content.decode()
    assert "Il reste 6 questions sans réponse" in page
    assert f"#q-{questions_of(diagnostic)[0].code}" in page
    factories.answer_all(diagnostic)
    response = client.post(url, {})
    assert response.status_code == 400
    assert Diagnostic.objects.get().status == Diagnostic.Status.DRAFT
    response = client.post(url, {"confirm": "on"})
    assert response.url == reverse("diagnostics:results", args=[diagnostic.pk])
    assert Diagnostic.objects.get().status == Diagnostic.Status.SUBMITTED


def test_submitting_an_incomplete_diagnostic_is_refused(client, director, diagnostic):
    client.force_login(director)
    response = client.post(
        reverse("diagnostics:review", args=[diagnostic.pk]), {"confirm": "on"}, follow=True
    )
    assert "Il reste 6 question" in response.content.decode()
    assert Diagnostic.objects.get().status == Diagnostic.Status.DRAFT


@pytest.mark.parametrize(("name", "queries"), [("diagnostics:axis", 7), ("diagnostics:review", 9)])
def test_filling_pages_run_a_constant_number_of_queries(
    client, director, office, name, queries, django_assert_num_queries
):
    counts = []
    for size in (2, 9):
        questionnaire = factories.build_questionnaire(axes=size, questions=size)
        campaign = factories.open_campaign(questionnaire)
        diagnostic = Diagnostic.objects.create(
            organisation=office, campaign=campaign, questionnaire=questionnaire
        )
        factories.answer_all(diagnostic)
        client.force_login(director)
        args = [diagnostic.pk, "axe-1"] if name == "diagnostics:axis" else [diagnostic.pk]
        with django_assert_num_queries(queries) as captured:
            assert client.get(reverse(name, args=args)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
