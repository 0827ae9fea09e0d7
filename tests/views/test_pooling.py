"""Pooling leads: neighbours sharing a need beyond the office alone, named only if they agreed."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from diagnostics import services
from diagnostics.models import Axis, Choice, Department, Diagnostic, Membership, Office, Question
from diagnostics.selectors import structure
from tests import factories

N = "\u00a0"  # French typography: a no-break space before « : »


def submit_in(campaign, name, *, department="33", pick, opt_in=False):
    office = factories.make_office(name, department=department, pooling_opt_in=opt_in)
    user = factories.make_user(office=office)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=campaign.questionnaire
    )
    factories.answer_all(diagnostic, pick=pick)
    services.diagnostic_submit(diagnostic=diagnostic, user=user)
    return office


@pytest.fixture
def shared(campaign):
    """The first question is carried with the department; neighbours answered it weakly."""
    question = Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk")[0]
    Choice.objects.filter(question=question).update(scale="department")
    submit_in(campaign, "Office des Volontaires", pick=lambda c: c[0], opt_in=True)
    submit_in(campaign, "Office Discret", pick=lambda c: c[0])
    submit_in(campaign, "Office Lointain", department="67", pick=lambda c: c[0], opt_in=True)
    submit_in(campaign, "Office Avancé", pick=lambda c: c[3], opt_in=True)
    return question


@pytest.fixture
def across_the_border(campaign, shared):
    """Gironde (33) borders Dordogne (24) and Lot-et-Garonne (47), not Lot (46)."""
    submit_in(campaign, "Office Périgourdin", department="24", pick=lambda c: c[0], opt_in=True)
    submit_in(campaign, "Office Réservé", department="47", pick=lambda c: c[0])
    submit_in(campaign, "Office Quercynois", department="46", pick=lambda c: c[0], opt_in=True)
    return shared


@pytest.fixture
def submitted(diagnostic, director, shared):
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def results_page(client, user, diagnostic):
    client.force_login(user)
    return client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()


def test_only_offices_that_agreed_are_named(client, director, submitted):
    page = results_page(client, director, submitted)
    assert "Pistes de mutualisation" in page
    assert "Office des Volontaires" in page and "et 1 autre office" in page
    assert "Office Discret" not in page  # did not agree: counted only
    assert (
        "Office Lointain" not in page and "Office Avancé" not in page
    )  # a department that is not a neighbour; no need


def test_neighbouring_departments_share_the_lead(client, director, submitted, across_the_border):
    page = results_page(client, director, submitted)
    # Named with their department when they agreed; counted otherwise; Lot is not a neighbour.
    assert "Office des Volontaires, Office Périgourdin (Dordogne)" in page  # French order
    assert (
        "et 2 autres offices" in page
    )  # Office Discret (Gironde), Office Réservé (Lot-et-Garonne)
    assert "Office Réservé" not in page and "Office Quercynois" not in page


def test_the_lead_looks_from_the_other_side_of_the_border_too(
    client, campaign, submitted, across_the_border
):
    Office.objects.update(pooling_opt_in=False)
    reader = Office.objects.get(name="Office Périgourdin")
    diagnostic = Diagnostic.objects.get(organisation=reader, campaign=campaign)
    user = reader.memberships.get().user
    page = results_page(client, user, diagnostic)
    # Dordogne borders Gironde (the director's office, Volontaires, Discret), Lot-et-Garonne
    # and Lot, which Gironde does not: one office each. Bas-Rhin is nobody's neighbour here.
    assert "5 autres offices du département ou des départements voisins ont le même besoin." in page


def test_without_consent_it_is_a_count(client, director, submitted):
    Office.objects.update(pooling_opt_in=False)
    page = results_page(client, director, submitted)
    assert "2 autres offices du département ou des départements voisins ont le même besoin." in page
    assert "Office des Volontaires" not in page and "Office Discret" not in page


@pytest.mark.usefixtures("page_memo_off")
def test_an_office_that_opts_out_is_no_longer_named_on_the_next_view(client, director, submitted):
    """The area's offices are kept (page_memo.kept) only until an office is written."""
    assert "Office des Volontaires" in results_page(client, director, submitted)
    Office.objects.filter(name="Office des Volontaires").update(pooling_opt_in=False)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "Office des Volontaires" not in page and "2 autres offices" in page


def test_an_office_that_did_not_agree_is_never_named_to_another(
    client, director, submitted, across_the_border
):
    page = results_page(client, director, submitted)
    assert "Office Périgourdin" in page  # the neighbours are there, named when they agreed
    pdf = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk])).content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    slug = submitted.organisation.slug
    shown = [page, text] + [
        client.get(url).content.decode()
        for url in (
            reverse("diagnostics:home"),
            reverse("diagnostics:office", args=[slug]),
            reverse("diagnostics:plan", args=[slug]),
            reverse("diagnostics:team", args=[slug]),
            reverse("diagnostics:review", args=[submitted.pk]),
            reverse("diagnostics:importance", args=[submitted.pk]),
        )
    ]
    for content in shown:
        assert "Office Discret" not in content  # same department
        assert "Office Réservé" not in content  # neighbouring department


@pytest.mark.usefixtures("page_memo_off")
def test_the_pooling_lead_costs_the_same_queries_whatever_the_neighbours(
    client, director, submitted, campaign, django_assert_num_queries
):
    url = reverse("diagnostics:results", args=[submitted.pk])
    client.force_login(director)
    # The results page's, plus the pooling lead: the neighbours, and the campaign's weak
    # answers (cached per submission: the key, the database's stored figures, then the
    # weak questions each diagnostic stored, on the first view after a submission) — the peers' medians are cold too (2),
    # not the levels (read once per revision, selectors.questionnaire_levels); then the
    # page's fragments and plan come from the cache (what the answers give is not read),
    # and so do the area's offices and who shares the segment until an organisation is
    # written (page_memo.kept); then the page below its header is kept for every reader of
    # the role (views/kept_parts.py): the session, the user, the diagnostic, the reader.
    with django_assert_num_queries(23):
        client.get(url)
    with django_assert_num_queries(4):
        client.get(url)
    for n in range(4):
        submit_in(campaign, f"Voisin {n}", pick=lambda c: c[0], opt_in=n % 2 == 0)
        submit_in(campaign, f"Frontalier {n}", department="24", pick=lambda c: c[0], opt_in=n < 2)
    with django_assert_num_queries(23):
        client.get(url)
    with django_assert_num_queries(4):
        client.get(url)


def test_the_direction_opts_in_and_out(client, director, office):
    client.force_login(director)
    url = reverse("diagnostics:pooling", args=[office.slug])
    assert not office.pooling_opt_in  # off by default
    client.post(url, {"opt_in": "1"})
    office.refresh_from_db()
    assert office.pooling_opt_in
    client.post(url, {"opt_in": "0"})
    office.refresh_from_db()
    assert not office.pooling_opt_in


@pytest.mark.parametrize("who", ["member", "stranger", "staff", "anonymous"])
def test_nobody_else_opts_in(client, request, office, who):
    if who == "member":
        user = factories.make_user(office=office, role=Membership.Role.MEMBER)
    elif who != "anonymous":
        user = request.getfixturevalue(who)
    if who != "anonymous":
        client.force_login(user)
    response = client.post(reverse("diagnostics:pooling", args=[office.slug]), {"opt_in": "1"})
    assert response.status_code == {"member": 302, "stranger": 404, "staff": 404}.get(who, 302)
    office.refresh_from_db()
    assert not office.pooling_opt_in


@pytest.mark.usefixtures("page_memo_off")
def test_staff_see_clusters_by_department_and_export_them(
    client, staff, shared, campaign, django_assert_num_queries
):
    submit_in(campaign, "Office Voisin du Lointain", department="67", pick=lambda c: c[0])
    submit_in(campaign, "Office Landais", department="40", pick=lambda c: c[0])
    client.force_login(staff)
    url = reverse("admin:diagnostics_action_pooling")
    with django_assert_num_queries(13):
        page = client.get(url, {"question": shared.code})
    clusters = [
        (c.question, c.department.code, c.offices, [(d.code, n) for d, n in c.neighbours])
        for c in page.context["clusters"]
    ]
    assert clusters == [
        (shared, "33", ["Office des Volontaires", "Office Discret"], [("40", 1)]),
        (shared, "67", ["Office Lointain", "Office Voisin du Lointain"], []),
    ]
    assert f"Landes{N}(40){N}:{N}1" in page.content.decode()
    for n in range(3):
        submit_in(campaign, f"Voisin {n}", pick=lambda c: c[0])
        submit_in(campaign, f"Frontalier {n}", department="24", pick=lambda c: c[0])
    # A submission changed the cached weak answers' key and the offices' groups (kept until
    # a diagnostic is written, page_memo.kept), read again (10: the campaign, the network's
    # departments and their borders kept; the groups looked for in the database under the
    # submissions' stamp and the participants read live, then the weak answers, looked for
    # there too); then both come from the cache: the page reads only who the reader is.
    with django_assert_num_queries(10):
        page = client.get(url, {"question": shared.code})
    with django_assert_num_queries(4):
        client.get(url, {"question": shared.code})
    assert [(d.code, n) for d, n in page.context["clusters"][0].neighbours] == [
        ("24", 3),
        ("40", 1),
    ]
    csv = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Office Discret" in csv and ";5;" in csv
    assert f"Dordogne (24){N}: 3, Landes (40){N}: 1" in csv


def test_the_groups_kept_for_every_reader_follow_an_office_renamed(client, staff, shared):
    """The groups are the same for every reader, kept in the shared cache (page_memo.kept)
    until a table they are drawn from is written."""
    client.force_login(staff)
    url = reverse("admin:diagnostics_action_pooling")
    assert "Office Discret" in client.get(url, {"question": shared.code}).content.decode()
    Office.objects.filter(name="Office Discret").update(name="Office Rebaptisé")
    page = client.get(url, {"question": shared.code}).content.decode()
    assert "Office Rebaptisé" in page and "Office Discret" not in page
    assert f"Bas-Rhin{N}(67)" not in page  # the departments' borders are kept too
    Department.objects.get(code="33").neighbours.add(Department.objects.get(code="67"))
    page = client.get(url, {"question": shared.code}).content.decode()
    assert f"Bas-Rhin{N}(67){N}:{N}1" in page


def pooling_page(client, **filters):
    return client.get(reverse("admin:diagnostics_action_pooling"), filters)


def test_by_default_staff_read_a_summary_per_question(client, staff, shared, campaign):
    """A national network's page: per question, its clusters and offices, no names."""
    submit_in(campaign, "Office Voisin du Lointain", department="67", pick=lambda c: c[0])
    client.force_login(staff)
    page = pooling_page(client)
    [row] = page.context["summary"]
    assert (row.question, row.clusters, row.offices, row.largest) == (shared, 2, 4, 2)
    assert page.context["page"] is None
    content = page.content.decode()
    assert "Office Discret" not in content
    assert f"?question={shared.code}" in content  # drills into the question


def test_staff_filter_by_territory_and_question(client, staff, shared, campaign):
    submit_in(campaign, "Office Voisin du Lointain", department="67", pick=lambda c: c[0])
    other = Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk")[1]
    client.force_login(staff)
    # Nouvelle-Aquitaine (75): Gironde's cluster only; the summary counts the region's.
    page = pooling_page(client, region="75")
    assert [c.department.code for c in page.context["clusters"]] == ["33"]
    assert [(r.clusters, r.offices) for r in page.context["summary"]] == [(1, 2)]
    page = pooling_page(client, departement="67")
    assert [c.offices for c in page.context["clusters"]] == [
        ["Office Lointain", "Office Voisin du Lointain"]
    ]
    page = pooling_page(client, axe=shared.axis.code)
    assert len(page.context["clusters"]) == 2
    # The export keeps the filter and takes every cluster it chooses, not one page.
    export = page.content.decode().split('class="button" href="')[1].split('"')[0]
    assert "axe=" in export and "format=csv" in export
    csv = b"".join(pooling_page(client, region="44", format="csv").streaming_content)
    assert "Office Lointain" in csv.decode("utf-8-sig")
    assert "Office Discret" not in csv.decode("utf-8-sig")
    assert other.code  # a question without scale beyond the office is not offered
    assert other.code not in dict(page.context["form"].fields["question"].choices[1][1])


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"region": "99"}, "region", "Sélectionnez un choix valide"),
        ({"region": "44", "departement": "33"}, "departement", "pas dans la région choisie"),
        ({"axe": "nope"}, "axe", "Sélectionnez un choix valide"),
    ],
)
def test_a_wrong_filter_is_told_and_shows_the_whole_network(
    client, staff, shared, filters, field, message
):
    client.force_login(staff)
    page = pooling_page(client, **filters)
    assert message in page.context["form"].errors[field][0]
    assert page.context["page"] is None and len(page.context["summary"]) == 1
    assert message in page.content.decode()


def test_a_question_outside_its_axis_is_told(client, staff, shared, campaign):
    other_axis = Axis.objects.filter(questionnaire=campaign.questionnaire).exclude(
        pk=shared.axis_id
    )[0]
    Choice.objects.filter(question__axis=other_axis).update(scale="region")
    structure._frozen_axes.clear()  # the questionnaire's structure was read before the change
    client.force_login(staff)
    page = pooling_page(client, axe=other_axis.code, question=shared.code)
    assert "pas dans l’axe choisi" in page.content.decode()


def test_the_pages_of_clusters_cost_the_same_queries_whatever_the_offices(
    client, staff, shared, campaign, django_assert_num_queries
):
    """Rows are bounded by the pagination; queries by the page's design."""
    client.force_login(staff)
    questions = Question.objects.filter(questionnaire=campaign.questionnaire)
    Choice.objects.filter(question__in=questions).update(scale="department")
    structure._frozen_axes.clear()
    pooling_page(client, region="75")  # fills the cache: the groups are kept (page_memo.kept)
    with django_assert_num_queries(4):
        small = pooling_page(client, region="75")
    with django_assert_num_queries(4):  # the summary too
        pooling_page(client)
    for department in ("24", "40", "47", "64", "17", "16", "79", "86", "87", "19", "23"):
        for n in range(2):
            submit_in(
                campaign, f"Office {department}-{n}", department=department, pick=lambda c: c[0]
            )
    pooling_page(client, region="75")
    with django_assert_num_queries(4):
        large = pooling_page(client, region="75", page="2")
    with django_assert_num_queries(4):
        summary = pooling_page(client)
    assert len(summary.context["summary"]) == questions.count()
    assert len(small.context["clusters"]) < 50
    count = large.context["page"].paginator.count
    assert count > 50 and len(large.context["clusters"]) == count - 50
    assert "Page 2 sur" in large.content.decode()


def test_directors_have_no_pooling_page(client, director):
    url = reverse("admin:diagnostics_action_pooling")
    client.force_login(director)
    assert client.get(url).status_code == 302
    assert client.get(url, {"region": "75", "format": "csv"}).status_code == 302
    client.logout()
    assert client.get(url, {"region": "75", "format": "csv"}).status_code == 302
