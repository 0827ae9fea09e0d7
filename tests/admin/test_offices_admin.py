"""The office list in the admin: scores per campaign, filters, sorting, comparison."""

import pytest
from django.urls import reverse

from diagnostics import selectors
from diagnostics.formatting import difference
from diagnostics.models import Axis, Campaign, Diagnostic, MaturityLevel, Office
from diagnostics.selectors import regional
from tests import factories
from tests.admin.conftest import assert_rows_as_django_writes, bulk_region
from tests.admin.test_compare_rows import as_the_template_wrote, table_of

LIST = "admin:diagnostics_office_changelist"
COMPARE = "admin:diagnostics_office_compare"


@pytest.fixture
def region(questionnaire):
    """Two campaigns: 6 offices submitted in the previous one, 4 of them in the current one."""
    previous = factories.closed_campaign(questionnaire, name="Campagne 2025")
    current = factories.open_campaign(questionnaire, name="Campagne 2026")
    offices = bulk_region(previous, 6)
    current_offices = bulk_region(current, 4, start=100, department="64")
    draft_office = factories.make_office("Office en chemin", department="24")
    Diagnostic.objects.create(
        organisation=draft_office, campaign=current, questionnaire=questionnaire
    )
    idle = factories.make_office("Office endormi", department="24")
    return {
        "previous": previous,
        "current": current,
        "offices": offices,
        "current_offices": current_offices,
        "draft": draft_office,
        "idle": idle,
    }


def names(response) -> list[str]:
    return [office.name for office in response.context["cl"].result_list]


def test_list_shows_latest_campaign_scores_and_status(client, network_staff, region):
    client.force_login(network_staff)
    response = client.get(reverse(LIST))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Campagne 2026" in page
    rows = {o.name: o for o in response.context["cl"].result_list}
    assert (
        rows["Office 0101"].campaign_status == "submitted"
        and rows["Office 0101"].overall_score == 7
    )
    axis_2 = regional.axis_alias(
        Axis.objects.get(questionnaire=region["current"].questionnaire, order=2)
    )
    assert getattr(rows["Office 0101"], axis_2) == 10  # 7 + 3, as bulk_region stores it
    assert getattr(rows["Office 0101"], f"{axis_2}_level") == "Découverte"
    assert getattr(rows["Office en chemin"], axis_2) is None
    assert (
        rows["Office en chemin"].campaign_status == "in_progress"
        and rows["Office en chemin"].overall_score is None
    )
    assert rows["Office endormi"].campaign_status == "not_started"
    assert "Pas commencé" in page and "En cours" in page and "Soumis" in page


def test_campaign_filter_switches_every_column(client, network_staff, region):
    client.force_login(network_staff)
    client.get(reverse(LIST))  # the latest campaign's queryset, built for this thread
    response = client.get(reverse(LIST), {"campagne": region["previous"].pk})
    rows = {o.name: o for o in response.context["cl"].result_list}
    assert rows["Office 0005"].overall_score == 35
    assert rows["Office 0101"].campaign_status == "not_started"
    # And back: each campaign's own queryset (OfficeAdmin.get_queryset keys it by its id).
    rows = {o.name: o for o in client.get(reverse(LIST)).context["cl"].result_list}
    assert rows["Office 0101"].campaign_status == "submitted"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"statut": "pending"}, ["Office en chemin", "Office endormi", "Office 0000"]),
        ({"statut": "in_progress"}, ["Office en chemin"]),
        ({"department__exact": "24"}, ["Office en chemin", "Office endormi"]),
        ({"q": "endormi"}, ["Office endormi"]),
    ],
)
def test_filters_and_search(client, network_staff, region, params, expected):
    client.force_login(network_staff)
    found = names(client.get(reverse(LIST), params))
    assert set(expected) <= set(found)
    if params.get("statut") == "pending":
        assert not {"Office 0100", "Office 0101"} & set(found)
    else:
        assert len(found) == len(expected)


def test_the_segment_filter_offers_office_categories_only(client, network_staff, region):
    """Business activities listed no office: the filter offers the categories alone, and
    the business list its activities alone."""
    client.force_login(network_staff)
    response = client.get(reverse(LIST))
    segment = next(f for f in response.context["cl"].filter_specs if f.title == "segment")
    offered = [str(c["display"]) for c in segment.choices(response.context["cl"])][1:]
    assert offered == ["Catégorie I", "Catégorie II", "Non classé"]
    found = names(client.get(reverse(LIST), {"segment__exact": Office.Segment.CAT_2}))
    assert "Office 0000" in found
    response = client.get(reverse("admin:diagnostics_business_changelist"))
    segment = next(f for f in response.context["cl"].filter_specs if f.title == "segment")
    offered = [str(c["display"]) for c in segment.choices(response.context["cl"])][1:]
    assert offered == [str(s.label) for s in Office.BUSINESS_SEGMENTS]


def test_level_filter_uses_the_stored_overall_level(client, network_staff, region):
    client.force_login(network_staff)
    level = MaturityLevel.objects.get(questionnaire=region["current"].questionnaire, lower_bound=0)
    found = names(client.get(reverse(LIST), {"niveau": level.pk}))
    assert found == [
        "Office 0100",
        "Office 0101",
        "Office 0102",
        "Office 0103",
    ]  # scores 0, 7, 14, 21


def test_sorting_by_an_axis_column(client, network_staff, region):
    client.force_login(network_staff)
    response = client.get(reverse(LIST))
    headers = [h["text"] for h in response.context["result_headers"]]
    # Compact axis columns: the short name, the full name in the header's title.
    axis_index = next(i for i, h in enumerate(headers) if 'title="Axe 2"' in h)
    assert headers[axis_index] == '<abbr title="Axe 2">Axe 2</abbr>'

    found = names(client.get(reverse(LIST), {"o": f"-{axis_index}"}))
    assert found[:4] == ["Office 0103", "Office 0102", "Office 0101", "Office 0100"]


def test_every_score_column_sorts_from_its_header(client, network_staff, region):
    """Staff compare offices by score: the overall score's, each axis's and the status's
    headers are sort links (they were plain text while each page built its columns twice)."""
    client.force_login(network_staff)
    headers = client.get(reverse(LIST)).context["result_headers"]
    sortable = [h["text"] for h in headers if h["sortable"]]
    assert "score global" in sortable and "diagnostic" in sortable
    assert sum('title="Axe' in text for text in sortable) == 2
    overall = next(i for i, h in enumerate(headers) if h["text"] == "score global")
    found = names(client.get(reverse(LIST), {"o": f"-{overall}"}))
    assert found[:4] == ["Office 0103", "Office 0102", "Office 0101", "Office 0100"]


@pytest.mark.parametrize("query", [{}, {"statut": "submitted", "o": "-4"}, {"campagne": "prev"}])
def test_office_rows_are_the_html_django_would_write(client, network_staff, region, query):
    """QuickRowsMixin writes each row itself: cell for cell what items_for_result gives,
    links keeping the list's filters included."""
    if query.get("campagne") == "prev":
        query = {"campagne": region["previous"].pk}
    client.force_login(network_staff)
    assert_rows_as_django_writes(client.get(reverse(LIST), query))


def test_office_filters_are_the_html_django_would_write(client, network_staff, region):
    """quick_list_filter writes a hundred departments without the template: a name to
    escape, an ampersand in the links, a chosen department, the same bytes as Django's
    admin/filter.html, in French."""
    from diagnostics.models import Department

    Department.objects.filter(code="24").update(name="Dordogne <Périgord> & « l’Isle »'")
    client.force_login(network_staff)
    response = client.get(reverse(LIST), {"department__code__exact": "24", "statut": "none"})
    page = response.content.decode()
    assert "Dordogne &lt;Périgord&gt; &amp; « l’Isle »&#x27;" in page
    assert "Par département" in page
    assert '<li class="selected">' in page
    assert_rows_as_django_writes(response)


def test_office_scores_are_coloured_by_the_campaign_questionnaire_levels(
    client, network_staff, region
):
    """Another questionnaire's levels (here: 7 reaches the top level) colour the list."""
    levels = MaturityLevel.objects.filter(questionnaire=region["current"].questionnaire)
    for bound, level in zip([0, 2, 4, 6], levels.order_by("lower_bound"), strict=True):
        level.lower_bound = bound
        level.save()
    client.force_login(network_staff)
    response = client.get(reverse(LIST), {"q": "Office 0101"})
    assert '<td class="field-overall"><span class="snut-badge tone-t4">' in (
        response.content.decode()
    )
    ids = ",".join(str(o.pk) for o in region["current_offices"][:2])
    compared = client.get(reverse(COMPARE), {"offices": ids}).content.decode()
    assert '<span class="snut-badge tone-t4">7</span>' in compared  # t1 with 0/25/50/75
    dashboard = client.get(reverse("admin:diagnostics_office_dashboard")).content.decode()
    assert 'class="tone-t4"' in dashboard


@pytest.mark.parametrize("size", [10, 1000])
def test_office_list_runs_a_constant_number_of_queries(
    client, network_staff, questionnaire, size, django_assert_num_queries
):
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, size)
    client.force_login(network_staff)
    # 13: the department filter lists the departments that have offices (one query),
    # the page's businesses' medians (one query); then 7, the campaign and department
    # filters' choices, the campaign, its axes and levels, the businesses' medians of
    # the page's offices kept until a table they read is written (page_memo.kept).
    for expected in (13, 7):
        with django_assert_num_queries(expected):
            response = client.get(reverse(LIST))
        assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "abc", "-3", "999999"])
def test_a_tampered_campaign_falls_back_to_the_latest(client, network_staff, region, value):
    client.force_login(network_staff)
    for name in (LIST, "admin:diagnostics_office_dashboard"):
        response = client.get(reverse(name), {"campagne": value, "niveau": value})
        assert response.status_code in (200, 302)
        assert "Campagne 2026" in client.get(reverse(name), {"campagne": value}).content.decode()


def test_directors_and_anonymous_never_see_the_list(client, director, region):
    response = client.get(reverse(LIST))
    assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(director)
    response = client.get(reverse(LIST))
    assert response.status_code == 302 and "/admin/login/" in response.url


# --- comparison ---------------------------------------------------------------


def run_compare_action(client, offices, campaign):
    return client.post(
        reverse(LIST) + f"?campagne={campaign.pk}",
        {"action": "compare", "_selected_action": [o.pk for o in offices]},
    )


def test_compare_action_opens_the_comparison(client, network_staff, region):
    client.force_login(network_staff)
    chosen = region["current_offices"][:3]
    response = run_compare_action(client, chosen, region["current"])
    assert response.status_code == 302 and response.url.startswith(reverse(COMPARE))
    page = client.get(response.url).content.decode()
    for office in chosen:
        assert office.name in page
    assert "Médiane régionale" in page and "<svg" in page
    assert page.count('class="best"') >= 1 and page.count('class="worst"') >= 1


@pytest.mark.parametrize("count", [1, 13])
def test_compare_action_needs_two_to_twelve_offices(client, network_staff, questionnaire, count):
    campaign = factories.open_campaign(questionnaire)
    offices = bulk_region(campaign, count)
    client.force_login(network_staff)
    response = run_compare_action(client, offices, campaign)
    assert response.status_code == 302 and not response.url.startswith(reverse(COMPARE))
    page = client.get(response.url).content.decode()
    assert "de 2 à 12 offices" in page


def test_comparison_against_the_regional_median(client, network_staff, region):
    a, b = region["current_offices"][0], region["current_offices"][3]
    entries = [(o.name, o.diagnostics.get()) for o in (a, b)]
    comparison = regional.comparison(region["current"], entries)
    # current campaign overall scores: 0, 7, 14, 21 → median 10.5
    assert comparison.overall_row.median == pytest.approx(10.5)
    first, last = comparison.overall_row.cells
    assert (first["score"], first["worst"], first["delta"]) == (0.0, True, -10)  # 0 − 10 as shown
    assert (last["score"], last["best"], last["delta"]) == (21.0, True, 11)  # 21 − 10


def test_an_office_without_a_diagnostic_draws_no_line_on_the_radar(region):
    """Its column says « pas de diagnostic soumis »; the radar's legend named it beside no
    line (a browser audit)."""
    a, idle = region["current_offices"][0], region["idle"]
    comparison = regional.comparison(
        region["current"], [(a.name, a.diagnostics.get()), (idle.name, None)]
    )
    labels = [series["label"] for series in comparison.radar["series"]]
    assert a.name in labels and idle.name not in labels and "Médiane régionale" in labels


@pytest.mark.parametrize(
    "query",
    [
        "offices=abc,1",
        "offices=1,²",
        "evolution=²",
        "offices=1",
        "offices=",
        "offices=999998,999999",
        "evolution=x",
        "evolution=999999",
    ],
)
def test_tampered_comparisons_get_a_clear_message(client, network_staff, region, query):
    client.force_login(network_staff)
    response = client.get(reverse(COMPARE) + "?" + query, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse(LIST))
    messages = [str(m) for m in response.context["messages"]]
    assert messages and all(m for m in messages)


def test_office_evolution_across_campaigns(client, network_staff, region):
    office = region["current_offices"][1]
    earlier = region["offices"][1].diagnostics.get()
    earlier.organisation = office  # the same office took part in the previous campaign
    earlier.save()
    client.force_login(network_staff)
    page = client.get(reverse(COMPARE), {"evolution": office.pk}).content.decode()
    assert f"Évolution de l’{office.name}" in page  # « l’Office … »
    assert "Scores par axe et par campagne" in page
    assert "Campagne 2025" in page and "Campagne 2026" in page


def test_evolution_compares_each_campaign_with_its_own_median(client, network_staff, region):
    office = region["current_offices"][1]
    earlier = region["offices"][1].diagnostics.get()
    earlier.organisation = office
    earlier.save()
    client.force_login(network_staff)
    response = client.get(reverse(COMPARE), {"evolution": office.pk})
    comparison = response.context["comparison"]
    medians = [
        selectors.overall_median(selectors.latest_submitted().filter(campaign=d.campaign))[0]
        for d in (earlier, office.diagnostics.exclude(pk=earlier.pk).get())
    ]
    assert medians[0] != medians[1]  # otherwise the test could not tell them apart
    cells = comparison.overall_row.cells
    assert [c["delta"] for c in cells] == [
        difference(c["score"], m) for c, m in zip(cells, medians, strict=True)
    ]
    assert comparison.overall_row.change == difference(cells[1]["score"], cells[0]["score"])
    assert not any(c["best"] or c["worst"] for row in comparison.rows for c in row.cells)
    assert '<th scope="col">évolution</th>' in response.content.decode()


def test_the_comparison_and_evolution_rows_are_what_the_template_wrote(
    client, network_staff, region
):
    """The rows written in Python (admin/compare_rows.py) on the pages as served: an office
    without a submitted diagnostic among the compared, an axis name to escape; the evolution
    page with its last column (each kind of target: tests/admin/test_compare_rows.py)."""
    office = region["current_offices"][1]
    earlier = region["offices"][1].diagnostics.get()
    earlier.organisation = office
    earlier.save()
    Axis.objects.filter(pk=Axis.objects.order_by("pk").values("pk")[:1]).update(
        name="Sites <web> & « réseaux »"
    )
    client.force_login(network_staff)
    ids = [o.pk for o in region["current_offices"][:3]] + [region["draft"].pk]
    compared = client.get(reverse(COMPARE), {"offices": ",".join(map(str, ids))})
    assert table_of(compared) == as_the_template_wrote(compared.context["comparison"], False)
    assert "Sites &lt;web&gt; &amp; « réseaux »" in table_of(compared)
    assert "snut-na" in table_of(compared)
    evolution = client.get(reverse(COMPARE), {"evolution": office.pk})
    assert table_of(evolution) == as_the_template_wrote(evolution.context["comparison"], True)
    assert table_of(evolution).count("delta-") > table_of(compared).count("delta-") // 2


@pytest.mark.parametrize("count", [2, 12])
def test_comparison_runs_a_constant_number_of_queries(
    client, network_staff, questionnaire, count, django_assert_num_queries
):
    campaign = factories.open_campaign(questionnaire)
    offices = bulk_region(campaign, 20)
    client.force_login(network_staff)
    ids = ",".join(str(o.pk) for o in offices[:count])
    # 13: the campaign's levels colour the scores; its medians, ranked on the first view
    # after a submission (the submissions' key, the axes', the overall), are then read
    # from the cache under that key, the campaign too (10).
    for expected in (13, 10):
        with django_assert_num_queries(expected):
            assert (
                client.get(reverse(COMPARE), {"offices": ids, "campagne": campaign.pk}).status_code
                == 200
            )


def test_office_change_page_still_works(client, network_staff, region):
    client.force_login(network_staff)
    office = Office.objects.get(name="Office endormi")
    response = client.get(reverse("admin:diagnostics_office_change", args=[office.pk]))
    assert response.status_code == 200
    # An office's form: its categories, not a business's activities; an office's example.
    segment = response.context["adminform"].form.fields["segment"]
    assert {value for value, _label in segment.choices if value} == {
        s.value for s in Office.OFFICE_SEGMENTS
    }
    assert "ot-castelroc.fr" in response.context["adminform"].form.fields["website"].help_text


def test_the_office_list_opens_before_any_network_campaign(client, network_staff):
    Campaign.objects.all().delete()
    factories.make_office("Office de tourisme de Castelroc")
    client.force_login(network_staff)
    response = client.get(reverse("admin:diagnostics_office_changelist"))
    assert response.status_code == 200
    assert "Office de tourisme de Castelroc" in response.text


def test_the_cached_regional_medians_follow_a_new_submission_at_once(questionnaire):
    from diagnostics import services
    from diagnostics.selectors.regional.comparison import campaign_medians

    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 4)

    def ranked():
        in_campaign = selectors.latest_submitted().filter(campaign=campaign)
        return regional.axis_median_values(in_campaign), selectors.overall_median(in_campaign)[0]

    before = ranked()
    assert campaign_medians(campaign) == before
    office = factories.make_office()
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[-1])
    services.diagnostic_submit(diagnostic=diagnostic, user=factories.make_user(office=office))

    assert ranked() != before  # otherwise the test could not tell a stale copy
    assert campaign_medians(campaign) == ranked()


def test_the_kept_filter_choices_follow_a_write(
    client, network_staff, questionnaire, page_memo_off
):
    """The campaign and department filters' choices are kept across views and readers
    (page_memo.kept) until a table they were read from is written."""
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 3)
    client.force_login(network_staff)

    def filter_links():
        page = client.get(reverse(LIST)).content.decode()
        return page.count("department__code__exact=15"), "Campagne renommée" in page

    assert filter_links() == (0, False)  # computed, then kept
    factories.make_office("Office du Cantal", department="15")
    Campaign.objects.filter(pk=campaign.pk).update(name="Campagne renommée")
    assert filter_links() == (1, True)


def test_the_kept_campaign_and_levels_follow_a_write(
    client, network_staff, questionnaire, page_memo_off
):
    """The campaign the staff look at, its axes and levels are kept across views and
    readers (office_analytics.campaign_for, page_memo.kept) until a table they were read
    from is written: a newer campaign, a renamed level show at once."""
    campaign = factories.open_campaign(questionnaire, name="Campagne d’hier", days_ago=20)
    bulk_region(campaign, 3)
    client.force_login(network_staff)
    assert "— Campagne d’hier</h1>" in client.get(reverse(LIST)).content.decode()
    factories.open_campaign(questionnaire, name="Campagne du jour", days_ago=1)
    level = MaturityLevel.objects.filter(questionnaire=questionnaire).order_by("lower_bound")[0]
    MaturityLevel.objects.filter(pk=level.pk).update(name="Niveau renommé")
    page = client.get(reverse(LIST)).content.decode()
    assert "— Campagne du jour</h1>" in page and "Niveau renommé" in page
