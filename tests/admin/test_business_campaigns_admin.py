"""The network staff's admin of the offices' business campaigns, businesses and weak spots."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services
from diagnostics.admin.rows import dates_truncated_here
from diagnostics.models import Audience, Business, BusinessCampaign, Diagnostic, MaturityLevel
from diagnostics.selectors.regional import businesses as regional_businesses
from tests import factories
from tests.admin.conftest import assert_rows_as_django_writes

CAMPAIGNS = "admin:diagnostics_businesscampaign_changelist"
WEAKEST = "admin:diagnostics_businesscampaign_weakest"
BUSINESSES = "admin:diagnostics_business_changelist"
OFFICES = "admin:diagnostics_office_changelist"


@pytest.fixture
def business_questionnaire(db):
    return factories.build_questionnaire(audience=Audience.BUSINESSES, points=(0, 1, 2, 4))


def run_campaign(questionnaire, office, picks, *, invited_only=0, started=0, name=None):
    """A business campaign of `office`: one business per pick submitted (answering every
    question with choices[pick]), `started` drafts and `invited_only` links without a
    diagnostic."""
    campaign = factories.open_campaign(questionnaire, organiser=office, name=name)
    for i, pick in enumerate([*picks, *[None] * (started + invited_only)]):
        business = factories.make_business(office, segment=Business.BUSINESS_SEGMENTS[i % 5])
        services.business_link_issue(business=business, campaign=campaign)
        if i >= len(picks) + started:
            continue
        diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
        if pick is None:
            continue
        factories.answer_all(diagnostic, lambda choices, pick=pick: choices[pick])
        services.diagnostic_submit(diagnostic=diagnostic, share_details=i % 2 == 0)
    return campaign


@pytest.fixture
def territory(business_questionnaire, office, other_office):
    """Two offices' business campaigns; the first office also ran an older one."""
    older = run_campaign(business_questionnaire, office, [3, 3], name="Anciens prestataires")
    older.opens = older.opens.replace(year=older.opens.year - 1)
    older.save()
    current = run_campaign(
        business_questionnaire, office, [0, 1, 3], started=1, invited_only=2, name="Prestataires"
    )
    other = run_campaign(business_questionnaire, other_office, [2], name="Voisins")
    return {"older": older, "current": current, "other": other}


def test_staff_read_business_campaigns_with_counts_and_medians(
    client, network_staff, territory, campaign
):
    client.force_login(network_staff)
    response = client.get(reverse(CAMPAIGNS))
    assert response.status_code == 200
    rows = {c.name: c for c in response.context["cl"].result_list}
    assert campaign.name not in rows  # the network's campaigns live in the Campaign admin
    current = rows["Prestataires"]
    assert (current.n_invited, current.n_started, current.n_submitted) == (6, 4, 3)
    # Every question answered with choices[0], [1], [3] (0, 1, 4 points of 4): 0, 25, 100.
    assert current.axis_medians == {"axe-1": 25.0, "axe-2": 25.0}
    assert rows["Voisins"].axis_medians["axe-1"] == 50
    page = response.content.decode()
    assert (
        "Médiane des prestataires — Axe 2" in page
        and "ne lit jamais le détail d’un prestataire nommé" in page
    )
    # Headed by the axis's short name, as the office list's columns, not by its code.
    assert '<abbr title="Médiane des prestataires — Axe 2">Axe 2</abbr>' in page


def test_kept_counts_and_medians_follow_a_draft_and_a_submission(
    client, network_staff, business_questionnaire, territory, office, page_memo_off
):
    """The page's counts and medians, and the office list's businesses' median, are kept
    between views (page_memo.kept): a business that starts is counted at the next view
    (« commencés » counts drafts), its submission moves the medians."""
    client.force_login(network_staff)

    def seen():
        campaigns = client.get(reverse(CAMPAIGNS)).context["cl"].result_list
        current = next(c for c in campaigns if c.name == "Prestataires")
        offices = client.get(reverse(OFFICES)).context["cl"].result_list
        median = next(o for o in offices if o.pk == office.pk).business_median
        return (current.n_started, current.n_submitted), current.axis_medians["axe-1"], median

    assert seen() == seen() == ((4, 3), 25.0, (25.0, 3))
    business = factories.make_business(office, segment="restauration")
    services.business_link_issue(business=business, campaign=territory["current"])
    draft = services.diagnostic_start(organisation=business, campaign=territory["current"])
    assert seen() == ((5, 3), 25.0, (25.0, 3))
    factories.answer_all(draft, lambda choices: choices[3])
    services.diagnostic_submit(diagnostic=draft, share_details=False)
    assert seen() == ((5, 4), 62.5, (62.5, 4))


def test_business_campaigns_are_read_only(client, network_staff, superuser, territory):
    client.force_login(superuser)
    pk = territory["current"].pk
    assert client.get(reverse("admin:diagnostics_businesscampaign_add")).status_code == 403
    response = client.get(reverse("admin:diagnostics_businesscampaign_change", args=[pk]))
    assert response.status_code == 200 and b'name="_save"' not in response.content
    url = reverse("admin:diagnostics_businesscampaign_delete", args=[pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Diagnostic.objects.filter(campaign_id=pk).count() == 4


@pytest.mark.parametrize("name", [CAMPAIGNS, WEAKEST, BUSINESSES])
def test_anonymous_and_directors_are_sent_to_the_admin_login(client, director, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(director)
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def count_queries(client, name, params=None) -> int:
    """The page's queries, computed whole: nothing kept in the cache (page_memo.kept)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), params or {}).status_code == 200
    return len(queries)


def test_pages_run_the_same_number_of_queries_for_more_campaigns(
    client, network_staff, business_questionnaire, territory, campaign, page_memo_off
):
    client.force_login(network_staff)
    pages = [(CAMPAIGNS, None), (CAMPAIGNS, {"o": "-5"}), (WEAKEST, None), (OFFICES, None)]
    pages += [(BUSINESSES, None), (BUSINESSES, {"segment__exact": "restauration"})]
    before = [count_queries(client, name, params) for name, params in pages]
    for i in range(3):
        office = factories.make_office(f"Office de plus {i}", department="64")
        run_campaign(business_questionnaire, office, [1, 2, 3], started=1)
    assert [count_queries(client, name, params) for name, params in pages] == before


@pytest.mark.parametrize("query", [{}, {"o": "-5"}, {"o": "6.1"}])
def test_campaign_rows_are_the_html_django_would_write(client, network_staff, territory, query):
    """Counted after pagination, or in the list's query when a count sorts it (column 5:
    « commencés »): the same counts, rows written cell for cell as Django writes them."""
    client.force_login(network_staff)
    response = client.get(reverse(CAMPAIGNS), query)
    assert_rows_as_django_writes(response)
    rows = {
        c.name: (c.n_invited, c.n_started, c.n_submitted)
        for c in response.context["cl"].result_list
    }
    assert rows == {
        "Prestataires": (6, 4, 3),
        "Anciens prestataires": (2, 2, 2),
        "Voisins": (1, 1, 1),
    }
    if query.get("o") == "-5":
        assert [c.n_started for c in response.context["cl"].result_list] == [4, 2, 1]


@pytest.mark.parametrize("query", [{}, {"segment__exact": "restauration"}])
def test_business_rows_are_the_html_django_would_write(client, network_staff, territory, query):
    factories.make_business(factories.make_office("Office du Béarn", department="64"))
    factories.make_office("Office sans prestataire", department="40")
    client.force_login(network_staff)
    response = client.get(reverse(BUSINESSES), query)
    assert_rows_as_django_writes(response)
    # The department filter offers the departments of the offices with businesses.
    (choices,) = [
        f.lookup_choices
        for f in response.context["cl"].filter_specs
        if hasattr(f, "lookup_choices")
    ]
    used = set(Business.objects.values_list("parent__department", flat=True))
    assert {code for code, _name in choices} == used and len(used) == 2


def test_office_list_shows_its_businesses_median_in_its_latest_campaign(
    client, network_staff, territory, office, campaign
):
    client.force_login(network_staff)
    response = client.get(reverse(OFFICES))
    rows = {o.name: o for o in response.context["cl"].result_list}
    # The latest campaign's 0, 25, 100 — not the older one's 100, 100.
    assert rows[office.name].business_median == (25.0, 3)
    assert rows["Office sans prestataires"].business_median == (None, 0)
    assert "Médiane des prestataires" in response.content.decode()


@pytest.fixture
def office_without_businesses(db):
    return factories.make_office("Office sans prestataires")


@pytest.fixture(autouse=True)
def _quiet_office(request):
    if "office_list" in request.node.name:
        request.getfixturevalue("office_without_businesses")


def test_weakest_questions_count_weak_answers_by_department(
    client, network_staff, territory, office, other_office
):
    weakness = regional_businesses.business_weakest_questions()
    # Six submitted (the older campaign's two included): choices 3, 3, 0, 1, 3, 2.
    assert weakness.diagnostics == 6
    assert [d.code for d in weakness.departments] == sorted(
        {office.department_id, other_office.department_id}
    )
    first = weakness.questions[0]
    # 0 and 1 point of 4 are weak (under half the best), 2 is not: two weak answers.
    assert first.weak == 2 and sum(first.by_department) == 2
    client.force_login(network_staff)
    page = client.get(reverse(WEAKEST)).content.decode()
    assert first.question.text in page and "réponses faibles par département" in page
    cells = "".join(f"<td>{n}</td>" for n in first.by_department)
    assert f"<td><strong>{first.weak}</strong></td>\n      {cells}\n    </tr>" in page


def test_weakest_page_says_when_nothing_was_submitted(
    client, network_staff, business_questionnaire
):
    client.force_login(network_staff)
    page = client.get(reverse(WEAKEST)).content.decode()
    assert "Aucun prestataire n’a encore soumis" in page


def test_business_list_filters_by_activity(client, network_staff, territory):
    client.force_login(network_staff)
    response = client.get(reverse(BUSINESSES), {"segment__exact": "restauration"})
    found = response.context["cl"].result_list
    assert found and {b.segment for b in found} == {"restauration"}
    assert client.get(reverse("admin:diagnostics_business_add")).status_code == 403


def test_weakest_questions_are_cached_until_a_business_submits(
    business_questionnaire, territory, office, django_assert_num_queries
):
    first = regional_businesses.business_weakest_questions()
    # Kept for every staff reader until a table it read is written (page_memo.kept).
    with django_assert_num_queries(0):
        assert regional_businesses.business_weakest_questions() == first
    cache.delete("snut-kept-v3:business-weakest:10")  # as the cache's eviction would
    with django_assert_num_queries(2):  # the questionnaire, the submissions' stamp
        assert regional_businesses.business_weakest_questions() == first
    run_campaign(business_questionnaire, factories.make_office("Office tardif"), [0])
    again = regional_businesses.business_weakest_questions()
    assert again.diagnostics == first.diagnostics + 1
    assert again.questions[0].weak == first.questions[0].weak + 1


def test_medians_and_weak_spots_are_coloured_by_the_business_levels(client, network_staff, office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    questionnaire.levels.all().delete()
    for bound, name in [(0, "Invisible"), (30, "Présent"), (90, "Relais")]:
        MaturityLevel.objects.create(questionnaire=questionnaire, lower_bound=bound, name=name)
    run_campaign(questionnaire, office, [1])  # 1 point of 3 everywhere: 33, « Présent »
    client.force_login(network_staff)
    # The middle of three levels: t3 (fixed quarters made 33 a t2).
    assert 'snut-badge tone-t3">33<' in client.get(reverse(CAMPAIGNS)).text
    weakest = client.get(reverse(WEAKEST)).text
    assert 'snut-badge tone-t3">33' in weakest and "snut-badge tone-t2" not in weakest


def orm_office_business_medians(office_ids):
    """office_business_medians as the ORM wrote it (statistics.middle), the reference its
    written-out SQL must match."""
    from django.db.models import OuterRef, Subquery

    from diagnostics.models import Campaign
    from diagnostics.selectors.statistics import medians, middle

    latest = (
        Campaign.objects.filter(
            audience=Audience.BUSINESSES, organiser=OuterRef("campaign__organiser")
        )
        .order_by("-opens", "-pk")
        .values("pk")[:1]
    )
    diagnostics = Diagnostic.objects.filter(
        status=Diagnostic.Status.SUBMITTED,
        campaign__organiser__in=list(office_ids),
        campaign_id=Subquery(latest),
    )
    rows = middle(diagnostics, "overall_score", "campaign__organiser_id").values_list(
        "campaign__organiser_id", "overall_score", "size"
    )
    return medians(rows)


def test_office_business_medians_are_the_orms(
    business_questionnaire, territory, office, other_office, office_without_businesses
):
    # An even count too: the other office's latest campaign gets four submitted businesses.
    run_campaign(business_questionnaire, other_office, [0, 3, 1, 2], name="Voisins, suite")
    ids = [office.pk, other_office.pk, office_without_businesses.pk]
    medians = regional_businesses.office_business_medians(iter(ids))
    assert medians == orm_office_business_medians(ids)
    assert medians[office.pk] == (25.0, 3) and office_without_businesses.pk not in medians
    assert medians[other_office.pk][1] == 4
    assert regional_businesses.office_business_medians([]) == {}


def test_the_date_hierarchy_reads_the_dates_django_would_truncate(territory):
    """The campaigns' years, months and days as the date hierarchy lists them: truncated
    here from the distinct dates (admin/rows.DatesTruncatedHere), the same as Django's."""
    campaigns = BusinessCampaign.objects.all()
    here = dates_truncated_here(campaigns)
    for kind in ("year", "month", "day"):
        for order in ("ASC", "DESC"):
            assert list(here.dates("opens", kind, order)) == list(
                campaigns.dates("opens", kind, order)
            )
    assert len(list(here.dates("opens", "year"))) == 2


def test_the_business_list_s_departments_are_kept_until_an_office_or_business_is_written(
    client, network_staff, territory, page_memo_off
):
    factories.make_business(factories.make_office("Office des Landes", department="40"))
    client.force_login(network_staff)

    def departments():
        response = client.get(reverse(BUSINESSES))
        (choices,) = [
            f.lookup_choices
            for f in response.context["cl"].filter_specs
            if hasattr(f, "lookup_choices")
        ]
        return {code for code, _name in choices}

    before = departments()
    with CaptureQueriesContext(connection) as kept:
        assert departments() == before
    factories.make_business(factories.make_office("Office du Béarn", department="64"))
    with CaptureQueriesContext(connection) as written:
        assert departments() == before | {"64"}
    assert len(written.captured_queries) == len(kept.captured_queries) + 1


def test_counts_read_after_pagination_are_the_counts_that_sort_the_list(territory):
    """`campaign_counts` (the page's campaigns, after pagination) and
    `business_campaign_counts` (the list's own query, when a count sorts it) count the
    same: a revoked link is not invited, a replaced diagnostic not started, a campaign
    with nothing yet counts zeros."""
    from django.utils import timezone

    from diagnostics.models import BusinessLink, Campaign

    current = territory["current"]
    BusinessLink.objects.filter(
        pk=BusinessLink.objects.filter(campaign=current).order_by("pk")[0].pk
    ).update(revoked_at=timezone.now())
    Diagnostic.objects.filter(
        pk=Diagnostic.objects.filter(campaign=current, status=Diagnostic.Status.DRAFT).get().pk
    ).update(status=Diagnostic.Status.REPLACED)
    empty = factories.open_campaign(current.questionnaire, organiser=current.organiser)
    ids = [*(c.pk for c in territory.values()), empty.pk]
    annotated = regional_businesses.business_campaign_counts(Campaign.objects.filter(pk__in=ids))
    expected = {
        pk: tuple(n) for pk, *n in annotated.values_list("pk", *regional_businesses.CAMPAIGN_COUNTS)
    }
    assert regional_businesses.campaign_counts(ids) == expected
    assert expected[current.pk] == (5, 3, 3) and expected[empty.pk] == (0, 0, 0)
