"""The results and plan pages below their header, kept for every reader of the same role
(diagnostics/views/kept_parts.py): written again after a write to any table they were drawn
from, never given to a reader of another role, the reader's own CSRF token in their forms.
The page memo is off: what is kept here is shared between readers."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Membership, Question
from tests import factories
from tests.views.test_opinions import open_round, people

pytestmark = pytest.mark.usefixtures("page_memo_off")

ADD = "Ajouter au plan"
IN_PLAN = "Dans le plan d’action"
DEBATED = "Ce que l’équipe voit différemment"


def masked(page: str) -> str:
    """The page without its CSRF tokens, masked anew for every request."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def results_url(diagnostic) -> str:
    return reverse("diagnostics:results", args=[diagnostic.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def first_priority(client, diagnostic) -> Question:
    page = client.get(results_url(diagnostic)).text
    return Question.objects.get(pk=re.search(r'name="question" value="(\d+)"', page).group(1))


def test_the_results_part_is_kept_then_written_again_after_a_write_it_read(
    client, director, office, submitted, django_assert_num_queries
):
    client.force_login(director)
    question = first_priority(client, submitted)
    # The session, the user, the diagnostic, the reader: the rest is the part kept.
    with django_assert_num_queries(4):
        kept = client.get(results_url(submitted)).text
    assert f'name="question" value="{question.pk}"' in kept
    # The plan's table, written by the plan page (another reader could have).
    services.action_create(office=office, user=director, diagnostic=submitted, question=question)
    page = client.get(results_url(submitted)).text
    assert IN_PLAN in page and f'name="question" value="{question.pk}"' not in page
    # The office's row, read before the part (with the diagnostic): its name in the chart.
    old_name = office.name
    office.name = "Office de tourisme de Nérac"
    office.save()
    page = client.get(results_url(submitted)).text
    assert old_name not in page and page.count("Office de tourisme de Nérac") >= 2


def test_the_plan_part_is_kept_then_written_again_after_a_write_it_read(
    client, director, office, django_assert_num_queries
):
    client.force_login(director)
    url = reverse("diagnostics:plan", args=[office.slug])
    client.get(url)
    with django_assert_num_queries(3):  # the session, the user, the office
        client.get(url)
    services.action_create(office=office, user=director, title="Refaire la page d’accueil")
    assert "Refaire la page d’accueil" in client.get(url).text
    # A new member may own an action: the form's list of owners is read again.
    factories.make_user("nouvelle", office=office, role=Membership.Role.MEMBER)
    assert ">nouvelle<" in client.get(url).text


def test_each_reader_s_forms_hold_their_own_csrf_token(client, director, office, submitted):
    colleague = factories.make_user(office=office, role=Membership.Role.MEMBER)
    for user in (director, colleague, colleague):
        reader = signed_in(user)
        page = reader.get(results_url(submitted))
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text))
        assert len(tokens) == 1 and "kept-part" not in page.text  # one token, the page's
        question = re.search(r'name="question" value="(\d+)"', page.text).group(1)
        posted = reader.post(
            reverse("diagnostics:plan_priority", args=[office.slug]),
            {"diagnostic": submitted.pk, "question": question, "csrfmiddlewaretoken": tokens.pop()},
        )
        assert posted.status_code == 302


def test_a_reader_never_receives_the_part_of_another_role(
    director, office, diagnostic, staff, django_assert_num_queries
):
    """The director's, a colleague's and the network's parts are kept apart: on this page a
    colleague reads what the director reads, written for them; the network's staff read
    neither the team's debated questions nor any form, whoever came first."""
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    open_round(diagnostic, director)
    people(diagnostic, director, 4)
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    colleague = factories.make_user(office=office, role=Membership.Role.MEMBER)
    network, team, direction = signed_in(staff), signed_in(colleague), signed_in(director)
    url = results_url(diagnostic)

    network.get(url)
    staff_page = network.get(url).text  # its kept part
    assert DEBATED not in staff_page and ADD not in staff_page
    direction.get(url)
    with django_assert_num_queries(4):  # the director's part, kept
        direction.get(url)
    # The colleague's first view writes their part: not the director's nor the network's.
    with CaptureQueriesContext(connection) as first:
        captured = team.get(url)
    assert len(first.captured_queries) > 10
    assert DEBATED in captured.text and ADD in captured.text
    with django_assert_num_queries(5):  # and whether they were consulted
        assert masked(team.get(url).text) == masked(captured.text)
    again = network.get(url).text
    assert DEBATED not in again and ADD not in again


def test_without_page_parts_kept_each_view_writes_the_part(client, director, submitted, settings):
    settings.PAGE_PARTS_KEPT = False  # as with PAGE_MEMO=off, or no shared cache for a worker
    client.force_login(director)
    first = client.get(results_url(submitted)).text
    with CaptureQueriesContext(connection) as again:
        assert masked(client.get(results_url(submitted)).text) == masked(first)
    assert len(again.captured_queries) > 4


def test_an_answer_saved_in_a_draft_leaves_the_results_part_kept(
    client, director, submitted, django_assert_num_queries
):
    """The results page shows nothing of a draft (settings.PAGE_MEMO_BLIND_TO_DRAFTS): the
    autosave's writes leave its part kept."""
    other = factories.make_office()
    colleague = factories.make_user(office=other)
    draft = services.diagnostic_start(
        organisation=other, campaign=submitted.campaign, user=colleague
    )
    client.force_login(director)
    client.get(results_url(submitted))
    factories.autosave(draft, colleague)
    with django_assert_num_queries(4):
        client.get(results_url(submitted))


def test_an_action_saved_by_another_office_writes_again_only_what_the_actions_decide(
    client, director, office, submitted, django_assert_num_queries
):
    """The results part is drawn from no action: another office's action written, the page
    reads the office's planned questions for its « Ajouter au plan » holes, and nothing of
    the results (views/results.py)."""
    other = factories.make_office()
    colleague = factories.make_user(office=other)
    client.force_login(director)
    before = client.get(results_url(submitted)).text
    services.action_create(office=other, user=colleague, title="Autre")
    with CaptureQueriesContext(connection) as captured:
        after = client.get(results_url(submitted)).text
    assert masked(after) == masked(before)
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "diagnostics_action" in read and "diagnostics_axisscore" not in read
    with django_assert_num_queries(4):  # the session, the user, the diagnostic, the reader
        client.get(results_url(submitted))
    services.action_create(office=other, user=colleague, title="Encore")
    with django_assert_num_queries(5):  # and the office's planned questions
        client.get(results_url(submitted))


def test_what_was_planned_follows_the_previous_plan_while_the_results_part_stays_kept(
    client, director, office, questionnaire, submitted
):
    """« Ce que vous aviez prévu » and its line in the table of contents are holes of the
    kept part: an action of the previous plan done shows at once, the results untouched."""
    from tests.test_plan_services import make_past

    past = make_past(office, questionnaire, pick=lambda c: c[0])
    client.force_login(director)
    page = client.get(results_url(submitted)).text
    assert "Ce que vous aviez prévu" not in page and 'href="#prevu"' not in page
    question = Question.objects.filter(questionnaire=questionnaire).order_by("pk").first()
    action = services.action_create(
        office=office, user=director, diagnostic=past, question=question
    )
    services.action_update(action=action, user=director, status="done")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(results_url(submitted)).text
    assert 'href="#prevu"' in page and 'id="prevu"' in page
    assert "Campagne 2025" in page and "La réponse à la question visée a progressé." in page
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "diagnostics_axisscore" not in read  # the results were not drawn again


def test_a_hole_is_named_safely_and_a_hole_nothing_fills_shows_nothing():
    from django.template import Context, Template

    from diagnostics.views.kept_parts import filled, holes

    part = Template(
        '{% load snut %}<p>{% hole "plan" 12 %}</p>{% hole "x" %}{% hole "plan" 12 %}'
    ).render(Context())
    assert holes(part) == ["plan:12", "x"]
    assert filled(part, {"plan:12": "<b>ok</b>"}) == "<p><b>ok</b></p><b>ok</b>"
    with pytest.raises(ValueError):
        Template('{% load snut %}{% hole "a --> <script>" %}').render(Context())


def test_the_items_of_a_list_in_order_are_sorted_when_the_holes_are_filled():
    """`{% in_order %}` lists (« Mon territoire »'s businesses, kept with their names in
    holes): each list's items are sorted by their keys, an item without one last in the
    order drawn, what precedes the first item kept, the marks left out; a part filled
    without an order keeps its lists as drawn."""
    from django.template import Context, Template

    from diagnostics.views.kept_parts import filled

    part = Template(
        '{% load snut %}<ul>{% in_order %}\n{% for pk in items %}{% item "b" pk %}'
        '<li>{% hole "name" pk %}</li>\n{% endfor %}{% end_in_order %}</ul>'
        '<ol>{% in_order %}{% item "b" 1 %}<li>1</li>{% item "b" 3 %}<li>3</li>'
        "{% end_in_order %}</ol>"
    ).render(Context({"items": [1, 2, 3, 4]}))
    pieces = {"name:1": "Zoé", "name:2": "Ânes", "name:3": "Bois", "name:4": "?"}
    order = {"b:1": ("zoe", 1), "b:2": ("anes", 2), "b:3": ("bois", 3)}
    assert filled(part, pieces, order) == (
        "<ul>\n<li>Ânes</li>\n<li>Bois</li>\n<li>Zoé</li>\n<li>?</li>\n</ul>"
        "<ol><li>3</li><li>1</li></ol>"
    )
    assert "<li>Zoé</li>\n<li>Ânes</li>" in filled(part, pieces)
    with pytest.raises(ValueError):
        Template('{% load snut %}{% item "a --> <script>" %}').render(Context())
