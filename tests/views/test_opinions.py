"""« Avis de l’équipe » (issue 22, items 2 and 3): opening a draft to opinions, invited people's
personal links, who reads what on every surface, settling the team's answer, the board's
importance in the matrix, the purge, and the same number of queries at 3 and 30 people."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diagnostics import access, consensus, report
from diagnostics.models import (
    Answer,
    Axis,
    AxisImportance,
    Diagnostic,
    ImportanceOpinion,
    Membership,
    Opinion,
    Question,
    Respondent,
)
from diagnostics.personal_data import office_zip
from diagnostics.results import build_results
from diagnostics.selectors import opinions as read
from diagnostics.services import diagnostic_submit, network_group_sync
from diagnostics.services import opinions as write
from diagnostics.services.personal_data import personal_data_purge
from diagnostics.tokens import token_hash
from diagnostics.visibility import OpinionReader, OpinionsShown, opinions_shown
from tests import factories

BASE = "http://testserver"
NAME = "Zoé Ubuesque"  # an invited person's name, easy to look for on a page


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office, first_name="Anne", last_name="Dir")


@pytest.fixture
def colleague(office):
    return factories.make_user("collegue", office=office, role=Membership.Role.MEMBER)


@pytest.fixture
def draft(office, campaign, director):
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=campaign.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return diagnostic


def first_axis(diagnostic) -> Axis:
    return Axis.objects.filter(questionnaire=diagnostic.questionnaire).order_by("order").first()


def open_round(diagnostic, director, axes=None):
    return write.opinion_round_open(
        diagnostic=diagnostic,
        axis_ids=[a.pk for a in (axes or [first_axis(diagnostic)])],
        asks_importance=True,
        user=director,
    )


def invite(diagnostic, director, n, role=Respondent.Role.BOARD):
    return write.opinion_invite(
        diagnostic=diagnostic,
        name=NAME if n == 0 else f"Personne {n}",
        email=f"personne{n}@example.org",
        role=role,
        user=director,
        base_url=BASE,
    )


def token_of(message) -> str:
    return re.search(r"/avis/([^/\s]+)/", message.body).group(1)


def give(respondent, diagnostic, pick, importance="essential"):
    """The person's opinion: pick(choices) on every question asked."""
    respondent.refresh_from_db()
    questions = Question.objects.filter(axis__in=respondent.round.axes.all()).prefetch_related(
        "choices"
    )
    choices = {
        q.pk: str(pick(sorted(q.choices.all(), key=lambda c: c.order)).pk) for q in questions
    }
    importances = None
    if respondent.is_invited:
        importances = {
            a.pk: importance for a in Axis.objects.filter(questionnaire=diagnostic.questionnaire)
        }
    return write.opinions_save(respondent=respondent, choices=choices, importances=importances)


def people(diagnostic, director, count):
    """`count` invited people who answered: the first half the lowest choice, the rest the best."""
    invited = [invite(diagnostic, director, n) for n in range(count)]
    for n, person in enumerate(invited):
        give(person, diagnostic, (lambda c: c[0]) if n < (count + 1) // 2 else (lambda c: c[-1]))
    return invited


# --- the rule, once ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "answered", "shown"),
    [
        (OpinionReader.DIRECTOR, 2, OpinionsShown.NAMES),
        (OpinionReader.DIRECTOR, 3, OpinionsShown.COUNTS),
        (OpinionReader.MEMBER, 2, OpinionsShown.NONE),
        (OpinionReader.MEMBER, 3, OpinionsShown.COUNTS),
        (OpinionReader.ANSWERED, 3, OpinionsShown.COUNTS),
        (OpinionReader.PENDING, 30, OpinionsShown.NONE),
        (OpinionReader.STAFF, 30, OpinionsShown.NONE),
        (OpinionReader.OUTSIDER, 30, OpinionsShown.NONE),
        (OpinionReader.DIRECTOR, 0, OpinionsShown.NONE),
    ],
)
def test_one_rule_says_who_reads_what(reader, answered, shown):
    assert opinions_shown(reader, answered) == shown


def test_every_reader_is_told_apart(client, draft, director, colleague, office):
    open_round(draft, director)
    other = factories.make_user("autre", office=factories.make_office())
    staff = factories.make_user("reseau", is_staff=True)
    assert access.opinion_reader(director, draft) == OpinionReader.DIRECTOR
    assert access.opinion_reader(colleague, draft) == OpinionReader.PENDING
    assert access.opinion_reader(other, draft) == OpinionReader.OUTSIDER
    assert access.opinion_reader(staff, draft) == OpinionReader.STAFF
    give(Respondent.objects.get(user=colleague), draft, lambda c: c[0])
    assert access.opinion_reader(colleague, draft) == OpinionReader.ANSWERED


# --- opening, inviting, the personal link --------------------------------------------


def test_the_director_opens_and_invites_a_colleague_cannot(client, draft, director, colleague):
    client.force_login(colleague)
    url = reverse("diagnostics:opinion_round_open", args=[draft.pk])
    response = client.post(url, {"axes": [first_axis(draft).pk]})
    assert response.status_code == 403
    client.force_login(director)
    response = client.post(url, {"axes": [first_axis(draft).pk], "asks_importance": "on"})
    assert response.status_code == 302
    # Each member of the team is asked.
    assert set(Respondent.objects.values_list("user__username", flat=True)) == {
        "directrice",
        "collegue",
    }
    response = client.post(
        reverse("diagnostics:opinion_invite", args=[draft.pk]),
        {"name": NAME, "email": "zoe@example.org", "role": "elected"},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    token = token_of(message)
    invited = Respondent.objects.get(email="zoe@example.org")
    assert invited.token_hash == token_hash(token) and token not in invited.token_hash
    assert "Ce que deviennent vos réponses" in message.body


def test_bad_posts_change_nothing(client, draft, director):
    client.force_login(director)
    url = reverse("diagnostics:opinion_round_open", args=[draft.pk])
    other_axis = Axis.objects.exclude(questionnaire=draft.questionnaire_id).first()
    for data in ({"axes": ["abc"]}, {"axes": ["999999"]}, {"axes": ["1\x00"]}, {}):
        assert client.post(url, data).status_code == 400
    assert other_axis is None or client.post(url, {"axes": [other_axis.pk]}).status_code == 400
    assert not Respondent.objects.exists()
    open_round(draft, director)
    invite_url = reverse("diagnostics:opinion_invite", args=[draft.pk])
    assert (
        client.post(invite_url, {"name": "X", "email": "x@example.org", "role": "team"}).status_code
        == 400
    )
    assert (
        client.post(invite_url, {"name": "", "email": "nope", "role": "board"}).status_code == 400
    )
    invite(draft, director, 1)
    response = client.post(
        invite_url, {"name": "Y", "email": "personne1@example.org", "role": "board"}
    )
    assert response.status_code == 400 and "déjà invité" in response.content.decode()
    assert Respondent.objects.filter(user__isnull=True).count() == 1


def test_an_invited_person_reaches_only_their_page(client, draft, director):
    open_round(draft, director)
    invite(draft, director, 0)
    token = token_of(mail.outbox[0])
    page = client.get(reverse("diagnostics:opinion_link", args=[token]))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert "Ce que deviennent vos réponses" in body and "Ce qui compte pour le territoire" in body
    # The link opens nothing else.
    assert client.get(reverse("diagnostics:review", args=[draft.pk])).status_code == 302
    assert client.get(reverse("diagnostics:opinion_link", args=["x" + token])).status_code == 400
    assert client.get(reverse("diagnostics:opinion_link", args=["a\x00b"])).status_code == 400


def test_a_revoked_resent_or_expired_link_opens_nothing(client, draft, director):
    open_round(draft, director)
    person = invite(draft, director, 0)
    first = token_of(mail.outbox[0])
    write.opinion_invite_resend(
        diagnostic=draft, respondent_id=person.pk, user=director, base_url=BASE
    )
    second = token_of(mail.outbox[1])
    assert client.get(reverse("diagnostics:opinion_link", args=[first])).status_code == 400
    assert client.get(reverse("diagnostics:opinion_link", args=[second])).status_code == 200
    Respondent.objects.filter(pk=person.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert client.get(reverse("diagnostics:opinion_link", args=[second])).status_code == 410
    Respondent.objects.filter(pk=person.pk).update(expires_at=timezone.now() + timedelta(days=1))
    client.force_login(director)
    client.post(reverse("diagnostics:opinion_revoke", args=[draft.pk, person.pk]))
    client.logout()
    assert client.get(reverse("diagnostics:opinion_link", args=[second])).status_code == 400
    # Another office's director cannot revoke nor resend it.
    stranger = factories.make_user("autre", office=factories.make_office())
    client.force_login(stranger)
    assert (
        client.post(reverse("diagnostics:opinion_revoke", args=[draft.pk, person.pk])).status_code
        == 404
    )


def test_a_person_sees_the_others_only_after_answering(client, draft, director):
    open_round(draft, director)
    people(draft, director, 3)
    invite(draft, director, 9)
    token = token_of(mail.outbox[-1])
    url = reverse("diagnostics:opinion_link", args=[token])
    assert "snut-opinion-counts" not in client.get(url).content.decode()
    questions = Question.objects.filter(axis=first_axis(draft)).prefetch_related("choices")
    data = {f"q-{q.pk}": str(q.choices.order_by("order").first().pk) for q in questions}
    data.update(
        {
            f"importance-axis-{a.pk}": "secondary"
            for a in Axis.objects.filter(questionnaire=draft.questionnaire)
        }
    )
    # Incomplete: refused, nothing stored.
    incomplete = dict(list(data.items())[1:])
    assert client.post(url, incomplete).status_code == 400
    assert not Opinion.objects.filter(respondent__email="personne9@example.org").exists()
    assert client.post(url, data).status_code == 302
    body = client.get(url).content.decode()
    assert "snut-opinion-counts" in body and NAME not in body


# --- who reads what, on every surface -------------------------------------------------


def surfaces(client, user, diagnostic) -> str:
    """The opinions page, the review, the results and the PDF's HTML as `user` reads them."""
    client.force_login(user)
    pages = [
        client.get(reverse("diagnostics:team_opinions", args=[diagnostic.pk])),
        client.get(reverse("diagnostics:review", args=[diagnostic.pk])),
    ]
    return "".join(p.content.decode() for p in pages if p.status_code == 200)


def opinion_lists(page: str) -> str:
    """The lists of opinions per answer on a page (the director's list of the people
    consulted names who answered, never what)."""
    return "".join(re.findall(r"<ul[^>]*snut-opinion-counts.*?</ul>", page, flags=re.S))


def test_below_three_only_the_director_reads_opinions_with_names(
    client, draft, director, colleague
):
    open_round(draft, director)
    people(draft, director, 2)
    assert NAME in opinion_lists(surfaces(client, director, draft))
    seen = surfaces(client, colleague, draft)
    assert NAME not in seen and "snut-opinion-counts" not in seen


def test_from_three_counts_only_and_never_names(client, draft, director, colleague, office):
    open_round(draft, director)
    give(Respondent.objects.get(user=colleague), draft, lambda c: c[0])
    people(draft, director, 3)
    assert NAME not in opinion_lists(surfaces(client, director, draft))
    seen = surfaces(client, colleague, draft)
    assert "snut-opinion-counts" in seen and NAME not in seen
    other = factories.make_user("autre", office=factories.make_office())
    staff = factories.make_user("reseau", is_staff=True)
    staff.groups.add(network_group_sync())
    for user in (other, staff):
        seen = surfaces(client, user, draft)
        assert "snut-opinion-counts" not in seen and NAME not in seen
        client.force_login(user)
        for name in ("team_opinions", "my_opinion", "review"):
            assert client.get(reverse(f"diagnostics:{name}", args=[draft.pk])).status_code == 404
    client.logout()
    anonymous = client.get(reverse("diagnostics:team_opinions", args=[draft.pk]))
    assert anonymous.status_code == 302
    # Staff read how many answered, in the admin, never the opinions nor who.
    client.force_login(staff)
    admin = client.get(reverse("admin:diagnostics_opinionround_changelist")).content.decode()
    assert office.name in admin and NAME not in admin
    assert client.get("/admin/diagnostics/opinion/").status_code == 404
    assert client.get("/admin/diagnostics/respondent/").status_code == 404
    # The director's copy of the office's data lists who was consulted, never what each said.
    tables = json.loads(zipfile.ZipFile(io.BytesIO(office_zip(office))).read("donnees.json"))
    consulted = tables["tables"]["avis_personnes_consultees"]
    assert NAME in {row["nom"] for row in consulted} and len(consulted) == 5
    assert all(set(row) == set(consulted[0]) for row in consulted)
    assert not {"réponse", "choix", "avis"} & set(consulted[0])
    assert len(tables["tables"]["reponses"]) == Answer.objects.filter(diagnostic=draft).count()


def submit(diagnostic, director):
    diagnostic_submit(diagnostic=diagnostic, user=director)
    diagnostic.refresh_from_db()


def test_results_and_pdf_carry_the_debated_questions_as_counts(client, draft, director, colleague):
    open_round(draft, director)
    people(draft, director, 4)
    submit(draft, director)
    for reader in (OpinionReader.DIRECTOR, OpinionReader.MEMBER):
        results = build_results(draft, reader)
        html = report.render_html(results)
        assert results.team_debated and "Ce que l’équipe voit différemment" in html
        assert NAME not in html
    for reader in (OpinionReader.STAFF, OpinionReader.OUTSIDER, OpinionReader.PENDING):
        results = build_results(draft, reader)
        assert results.team_debated == []
        assert "Ce que l’équipe voit différemment" not in report.render_html(results)
    client.force_login(colleague)
    page = client.get(reverse("diagnostics:results", args=[draft.pk])).content.decode()
    assert "Ce que l’équipe voit différemment" in page and NAME not in page
    staff = factories.make_user("reseau", is_staff=True)
    staff.groups.add(network_group_sync())
    client.force_login(staff)
    page = client.get(reverse("diagnostics:results", args=[draft.pk])).content.decode()
    assert "Ce que l’équipe voit différemment" not in page
    # Submitted: nobody gives or settles any more.
    client.force_login(director)
    question = Question.objects.filter(axis=first_axis(draft)).first()
    response = client.post(
        reverse("diagnostics:opinion_settle", args=[draft.pk, question.pk]),
        {"answer": "na", "expected": ""},
    )
    assert response.status_code == 302 and response["Location"].endswith("/resultats/")


# --- settling the team's answer -----------------------------------------------------------


def test_the_director_adopts_the_majority_one_question_at_a_time(
    client, draft, director, colleague
):
    open_round(draft, director)
    people(draft, director, 3)  # two the lowest choice, one the best
    question = Question.objects.filter(axis=first_axis(draft)).order_by("order").first()
    lowest = question.choices.order_by("order").first()
    team = Answer.objects.get(diagnostic=draft, question=question)
    url = reverse("diagnostics:opinion_settle", args=[draft.pk, question.pk])
    client.force_login(colleague)
    assert (
        client.post(url, {"answer": str(lowest.pk), "expected": str(team.choice_id)}).status_code
        == 403
    )
    client.force_login(director)
    page = client.get(reverse("diagnostics:team_opinions", args=[draft.pk])).content.decode()
    assert "Adopter la majorité" in page
    response = client.post(url, {"answer": str(lowest.pk), "expected": str(team.choice_id)})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#q-{question.code}")  # back where the director was
    team.refresh_from_db()
    assert team.choice_id == lowest.pk and team.updated_by == director
    # Only that question changed.
    assert Answer.objects.filter(diagnostic=draft, updated_by=director).count() == 1


def test_settling_never_overwrites_a_newer_team_answer(client, draft, director):
    open_round(draft, director)
    people(draft, director, 3)
    question = Question.objects.filter(axis=first_axis(draft)).order_by("order").first()
    choices = list(question.choices.order_by("order"))
    team = Answer.objects.get(diagnostic=draft, question=question)
    shown = str(team.choice_id)
    Answer.objects.filter(pk=team.pk).update(choice=choices[2])  # a colleague, meanwhile
    client.force_login(director)
    url = reverse("diagnostics:opinion_settle", args=[draft.pk, question.pk])
    response = client.post(url, {"answer": str(choices[0].pk), "expected": shown})
    assert response.status_code == 409 and "Rien n’a été changé" in response.content.decode()
    team.refresh_from_db()
    assert team.choice_id == choices[2].pk
    # Tampered answers: another question's choice, an unknown token, a question not asked.
    other_axis_question = (
        Question.objects.filter(questionnaire=draft.questionnaire)
        .exclude(axis=first_axis(draft))
        .first()
    )
    stray = other_axis_question.choices.first()
    for data in (
        {"answer": str(stray.pk), "expected": str(choices[2].pk)},
        {"answer": "x\x00", "expected": ""},
    ):
        assert client.post(url, data).status_code == 400
    response = client.post(
        reverse("diagnostics:opinion_settle", args=[draft.pk, other_axis_question.pk]),
        {"answer": str(stray.pk), "expected": ""},
    )
    assert response.status_code == 400
    team.refresh_from_db()
    assert team.choice_id == choices[2].pk


# --- the board's importance ---------------------------------------------------------------


def test_the_board_median_places_the_axes_and_says_whose_it_is(draft, director):
    AxisImportance.objects.create(diagnostic=draft, axis=first_axis(draft), importance="secondary")
    open_round(draft, director)
    invited = [invite(draft, director, n) for n in range(3)]
    for person, importance in zip(invited, ["essential", "essential", "secondary"], strict=True):
        give(person, draft, lambda c: c[0], importance=importance)
    # A member's importance is not the board's.
    ImportanceOpinion.objects.filter(respondent__user__isnull=False).delete()
    board = read.board_importance(draft)
    assert board.respondents == 3 and set(board.medians.values()) == {"essential"}
    submit(draft, director)
    results = build_results(draft)
    assert {a.result.importance for a in results.axes} == {"essential"}
    assert "le conseil d’administration et les partenaires, 3 réponses" in results.importance_source
    assert "3 réponses" in report.render_html(results)


def test_without_the_board_the_matrix_shows_the_team_importance(draft, director):
    submit(draft, director)
    assert build_results(draft).importance_source == "l’équipe"


# --- personal data -------------------------------------------------------------------------


def test_the_purge_erases_invited_names_and_keeps_the_counts(draft, director):
    open_round(draft, director)
    people(draft, director, 3)
    submit(draft, director)
    campaign = draft.campaign
    campaign.opens = timezone.localdate() - timedelta(days=2000)
    campaign.closes = timezone.localdate() - timedelta(days=1500)
    campaign.save()
    erased = personal_data_purge()
    assert erased.respondents == 3
    assert not Respondent.objects.filter(user__isnull=True).exclude(name="").exists()
    assert not Respondent.objects.filter(email__contains="@").exists()
    assert build_results(draft).team_opinions.answered == 3


# --- the same queries at 3 and 30 people ------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_pages_read_the_same_queries_whatever_the_number(
    client, draft, director, django_assert_num_queries, size
):
    open_round(draft, director)
    invited = people(draft, director, size)
    person = invited[0]
    Respondent.objects.filter(pk=person.pk).update(token_hash=token_hash("jeton-connu"))
    client.force_login(director)
    pages = {
        "team": (reverse("diagnostics:team_opinions", args=[draft.pk]), 12),
        "review": (reverse("diagnostics:review", args=[draft.pk]), 9),
        "mine": (reverse("diagnostics:my_opinion", args=[draft.pk]), 8),
    }
    for url, queries in pages.values():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    client.logout()
    with django_assert_num_queries(9):
        assert (
            client.get(reverse("diagnostics:opinion_link", args=["jeton-connu"])).status_code == 200
        )
    submit(draft, director)
    client.force_login(director)
    # With the targets and whether they may change (2); the levels were read at submission
    # (selectors.questionnaire_levels).
    with django_assert_num_queries(23):
        page = client.get(reverse("diagnostics:results", args=[draft.pk]))
    assert "Ce que l’équipe voit différemment" in page.content.decode()


def test_most_debated_questions_are_those_of_least_agreement():
    unanimous = consensus.consensus([("1", 0), ("1", 0), ("1", 0)], 3)
    split = consensus.consensus([("1", 0), ("2", 3), ("2", 3)], 3)
    close = consensus.consensus([("1", 2), ("2", 3), ("2", 3)], 3)
    assert consensus.most_debated({1: unanimous, 2: close, 3: split}) == [3, 2]


def test_the_importance_page_says_the_board_decides(client, draft, director):
    open_round(draft, director)
    url = reverse("diagnostics:importance", args=[draft.pk])
    client.force_login(director)
    assert "personnes invitées" not in client.get(url).content.decode()
    people(draft, director, 2)
    assert "2 personnes invitées" in client.get(url).content.decode()


def test_the_board_importance_feeds_the_one_story(draft, director):
    """The board's median moves an axis in the matrix, and the plan follows the matrix:
    priorities from « À maintenir » before a « Secondaire » axis, never the other way."""
    strong, weak = Axis.objects.filter(questionnaire=draft.questionnaire).order_by("order")
    for answer in Answer.objects.filter(diagnostic=draft).select_related("question"):
        ordered = list(answer.question.choices.order_by("order"))
        answer.choice = ordered[-2] if answer.question.axis_id == strong.pk else ordered[0]
        answer.save()
    AxisImportance.objects.create(diagnostic=draft, axis=weak, importance="essential")
    open_round(draft, director, axes=[strong])
    for n in range(3):
        person = invite(draft, director, n)
        person.refresh_from_db()
        questions = Question.objects.filter(axis=strong).prefetch_related("choices")
        write.opinions_save(
            respondent=person,
            choices={q.pk: str(q.choices.order_by("order").first().pk) for q in questions},
            importances={strong.pk: "essential", weak.pk: "secondary"},
        )
    submit(draft, director)
    results = build_results(draft)
    quadrants = {view.axis.pk: view.quadrant for view in results.axes}
    assert quadrants == {strong.pk: "maintain", weak.pk: "secondary"}
    assert {item.axis.id for item in results.top_priorities} == {strong.pk}
    assert "3 réponses" in results.importance_source
