"""« Mon territoire », the workshop programme and the office's own workshops."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from diagnostics.models import Audience, Business, Membership, Training
from diagnostics.selectors import territory
from tests import factories
from tests.territory_data import network_workshop, submit_businesses

pytestmark = pytest.mark.django_db

WEAKEST = lambda choices: choices[0]  # noqa: E731
STRONGEST = lambda choices: choices[-1]  # noqa: E731


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office)


@pytest.fixture
def questionnaire():
    return factories.build_questionnaire(audience=Audience.BUSINESSES)


@pytest.fixture
def campaign(office, questionnaire):
    return factories.open_campaign(questionnaire, organiser=office)


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_page_shows_the_response_rate_and_the_distributions(
    client_of, office, director, campaign
):
    submit_businesses(office, campaign, 6, segments=[Business.Segment.ACCOMMODATION])
    factories.make_business(office, "Jamais invité")
    invited = factories.make_business(office, "Invité en cours")
    from diagnostics import services

    services.business_link_issue(business=invited, campaign=campaign)
    services.diagnostic_start(organisation=invited, campaign=campaign)

    response = client_of(director).get(reverse("diagnostics:territory", args=[office.slug]))

    assert response.status_code == 200
    rates = response.context["t"].rates
    assert (rates.businesses, rates.invited, rates.started, rates.submitted) == (8, 7, 7, 6)
    assert "snut-boxplot" in response.text
    assert "Hébergement" in response.text
    assert len(response.context["t"].weakest) == 6  # every question of the test questionnaire


def test_groups_of_fewer_than_five_are_not_shown(client_of, office, director, campaign):
    submit_businesses(office, campaign, 5, segments=[Business.Segment.ACCOMMODATION])
    submit_businesses(office, campaign, 2, segments=[Business.Segment.FOOD])

    response = client_of(director).get(reverse("diagnostics:territory", args=[office.slug]))

    groups = {g.segment: g for g in response.context["t"].segments}
    assert groups["hebergement"].shown and not groups["restauration"].shown
    assert "moins de 5 réponses" in response.text


def test_the_whole_picture_waits_for_five_submissions(client_of, office, director, campaign):
    submit_businesses(office, campaign, 4)

    response = client_of(director).get(reverse("diagnostics:territory", args=[office.slug]))

    assert "Moins de 5 réponses" in response.text
    assert "snut-boxplot" not in response.text
    assert response.context["t"].weakest == []


def test_without_a_business_campaign_the_page_says_so(client_of, office, director):
    response = client_of(director).get(reverse("diagnostics:territory", args=[office.slug]))
    assert response.status_code == 200
    assert "pas encore lancé de campagne" in response.text


def test_the_list_filters_by_activity_and_level(client_of, office, director, campaign):
    submit_businesses(office, campaign, 4, segments=[Business.Segment.FOOD], pick=WEAKEST)
    submit_businesses(
        office, campaign, 3, segments=[Business.Segment.ACCOMMODATION], pick=STRONGEST
    )
    client = client_of(director)
    url = reverse("diagnostics:territory", args=[office.slug])

    by_activity = client.get(url, {"activite": "restauration"}).context["listed"]
    top = campaign.questionnaire.levels.order_by("-lower_bound").first()
    by_level = client.get(url, {"niveau": str(top.pk)}).context["listed"]
    bogus = client.get(url, {"activite": "<script>", "niveau": "abc"}).context["listed"]

    assert {r.segment for r in by_activity} == {"restauration"} and len(by_activity) == 4
    assert {r.segment for r in by_level} == {"hebergement"} and len(by_level) == 3
    assert len(bogus) == 7


def test_a_business_that_did_not_consent_is_never_named(
    client_of, office, director, campaign, questionnaire
):
    submit_businesses(office, campaign, 5, pick=WEAKEST)
    secret = submit_businesses(office, campaign, 1, pick=WEAKEST, share_details=False)[0]
    name = secret.organisation.name
    network_workshop(questionnaire)
    client = client_of(director)

    page = client.get(reverse("diagnostics:territory", args=[office.slug]))
    export = _csv(client.get(reverse("diagnostics:territory_export", args=[office.slug, "csv"])))
    xlsx = client.get(reverse("diagnostics:territory_export", args=[office.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    programme = client.get(reverse("diagnostics:workshops", args=[office.slug]))
    workshop = programme.context["proposed"][0]
    contacts = _csv(
        client.get(
            reverse("diagnostics:workshop_contacts", args=[office.slug, workshop.training.pk])
        )
    )

    assert page.context["t"].overall.count == 6  # counted in the aggregates…
    assert name not in page.text  # … never named
    assert "1 prestataire n’a pas souhaité partager" in page.text
    assert len(export) == 6 and name not in {row[0] for row in export}
    assert name not in {row[0].value for row in sheet.iter_rows()}
    assert workshop.count == 6 and workshop.unnamed == 1
    assert name not in programme.text
    assert len(contacts) == 6 and name not in {row[0] for row in contacts}


def test_exports_have_french_headers_and_neutralise_formulas(client_of, office, director, campaign):
    submit_businesses(office, campaign, 1)
    Business.objects.filter(parent=office).update(name='=HYPERLINK("x")')
    client = client_of(director)

    rows = _csv(client.get(reverse("diagnostics:territory_export", args=[office.slug, "csv"])))

    assert rows[0][:5] == ["Prestataire", "Activité", "Commune", "Score global", "Niveau global"]
    assert rows[1][0].startswith("'=")


def test_the_programme_ranks_workshops_by_need_then_gain(
    client_of, office, director, campaign, questionnaire
):
    questions = list(questionnaire.questions.order_by("axis__order", "order"))
    # Everyone weak everywhere: every workshop concerns everyone, gain decides.
    submit_businesses(office, campaign, 3, pick=WEAKEST)
    network_workshop(questionnaire, "Une question", [questions[0].code])
    network_workshop(questionnaire, "Trois questions", [q.code for q in questions[:3]])
    axis_wide = Training.objects.create(
        title="Tout un axe", format="workshop", audience=Audience.BUSINESSES
    )
    axis_wide.axes.set([questions[0].axis])
    other = factories.make_office()
    foreign = Training.objects.create(
        title="Atelier d’un autre office",
        format="workshop",
        audience=Audience.BUSINESSES,
        organiser=other,
    )
    foreign.questions.set(questions)
    for_offices = Training.objects.create(title="Pour les offices", format="workshop")
    for_offices.questions.set(questions)

    proposed = client_of(director).get(reverse("diagnostics:workshops", args=[office.slug]))
    titles = [p.training.title for p in proposed.context["proposed"]]

    assert titles == ["Tout un axe", "Trois questions", "Une question"]
    assert all(p.count == 3 for p in proposed.context["proposed"])
    gains = [p.gain for p in proposed.context["proposed"]]
    assert gains[1] > gains[2] > 0


def test_strong_answers_call_for_no_workshop(client_of, office, director, campaign, questionnaire):
    submit_businesses(office, campaign, 3, pick=STRONGEST)
    network_workshop(questionnaire)

    response = client_of(director).get(reverse("diagnostics:workshops", args=[office.slug]))

    assert response.context["proposed"] == []


def test_a_business_whose_site_lacks_what_a_workshop_treats_needs_it(
    client_of, office, director, campaign, questionnaire
):
    """Strong answers, but its site shows no booking link: the workshop on its booking
    question is proposed to it, marked « vu sur son site » (issue 24, item 1)."""
    from diagnostics.models import Question, WebsiteCheck

    questionnaire.code, questionnaire.version = "snut-prestataires", 2
    questionnaire.save(update_fields=["code", "version"])
    booking = questionnaire.questions.order_by("axis__order", "order").last()
    Question.objects.filter(pk=booking.pk).update(code="resa-01")
    lacking, complete = submit_businesses(office, campaign, 2, pick=STRONGEST)
    network_workshop(questionnaire, title="Vendre en ligne", codes=["resa-01"])
    for diagnostic, link in ((lacking, ""), (complete, "https://gite.test/reserver")):
        WebsiteCheck.objects.create(
            organisation=diagnostic.organisation,
            url="https://gite.test/",
            requested_at=timezone.now(),
            checked_at=timezone.now(),
            status=WebsiteCheck.Status.DONE,
            latest=True,
            indicators={"viewport": True, "contact_link": "/contact", "booking_link": link},
        )

    response = client_of(director).get(reverse("diagnostics:workshops", args=[office.slug]))

    (proposed,) = response.context["proposed"]
    assert proposed.training.title == "Vendre en ligne"
    assert [r.diagnostic_id for r in proposed.businesses] == [lacking.pk]
    assert proposed.seen_by == {lacking.pk}
    assert "vu sur son site" in response.content.decode()


def _seed(office, campaign, questionnaire, count):
    submit_businesses(office, campaign, count, pick=WEAKEST)
    if not Training.objects.exists():
        network_workshop(questionnaire)
        own = Training.objects.create(
            title="Notre atelier", format="workshop", audience="businesses", organiser=office
        )
        own.questions.set(questionnaire.questions.all())
        factories.make_session(own, days=7, place="Mairie")


@pytest.mark.parametrize("name", ["territory", "workshops"])
def test_pages_run_a_constant_number_of_queries(
    client_of, office, director, campaign, questionnaire, name, django_assert_num_queries,
    settings,
):  # fmt: skip
    # The page computed whole: its part kept for the office's members is another test's
    # (tests/views/test_territory_kept.py).
    settings.PAGE_PARTS_KEPT = False
    client = client_of(director)
    url = reverse(f"diagnostics:{name}", args=[office.slug])
    _seed(office, campaign, questionnaire, 3)
    client.get(url)  # warms the frozen questionnaire's structure
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _seed(office, campaign, questionnaire, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if name == "territory":
        assert len(response.context["t"].respondents) == 30
    else:
        assert [p.count for p in response.context["proposed"]] == [30, 30]


def test_pages_are_for_the_offices_members_only(client_of, client, office, campaign, staff):
    submit_businesses(office, campaign, 1)
    workshop = network_workshop(campaign.questionnaire)
    urls = [
        reverse("diagnostics:territory", args=[office.slug]),
        reverse("diagnostics:territory_export", args=[office.slug, "csv"]),
        reverse("diagnostics:workshops", args=[office.slug]),
        reverse("diagnostics:workshop_contacts", args=[office.slug, workshop.pk]),
        reverse("diagnostics:workshop_add", args=[office.slug]),
    ]
    assert all(client.get(url).status_code == 302 for url in urls)  # to the login page
    other = factories.make_user(office=factories.make_office())
    assert {client_of(other).get(url).status_code for url in urls} == {404}
    assert {client_of(staff).get(url).status_code for url in urls} == {404}
    member = factories.make_user(office=office, role=Membership.Role.MEMBER)
    statuses = [client_of(member).get(url).status_code for url in urls]
    # The workshop's contacts are the businesses' e-mails and phones: for who manages
    # them, as on « Prestataires » (issue 19, item 6).
    assert statuses == [200, 200, 200, 403, 403]
    programme = client_of(member).get(urls[2])
    assert urls[3] not in programme.text
    Membership.objects.filter(user=member).update(can_manage_businesses=True)
    assert client_of(member).get(urls[3]).status_code == 200


def _workshop_data(questionnaire, **fields):
    question = questionnaire.questions.first()
    return {
        "title": "Répondre aux avis clients",
        "format": "workshop",
        "duration": "2 h",
        "description": "Un atelier pratique.",
        "questions": [question.pk],
        **fields,
    }


def test_the_director_adds_edits_and_deletes_the_offices_workshop(
    client_of, office, director, questionnaire
):
    client = client_of(director)

    added = client.post(
        reverse("diagnostics:workshop_add", args=[office.slug]), _workshop_data(questionnaire)
    )
    workshop = Training.objects.get()
    edited = client.post(
        reverse("diagnostics:workshop_edit", args=[office.slug, workshop.pk]),
        _workshop_data(
            questionnaire,
            title="Répondre aux avis, même négatifs",
            organiser=factories.make_office().pk,  # ignored: the office is the organiser
            audience="offices",
        ),
    )
    workshop.refresh_from_db()

    assert added.status_code == edited.status_code == 302
    assert workshop.title == "Répondre aux avis, même négatifs"
    assert (workshop.organiser_id, workshop.audience) == (office.pk, Audience.BUSINESSES)
    assert list(workshop.questions.all()) == [questionnaire.questions.first()]
    deleted = client.post(reverse("diagnostics:workshop_delete", args=[office.slug, workshop.pk]))
    assert deleted.status_code == 302 and not Training.objects.exists()


def test_bad_input_changes_nothing(client_of, office, director, questionnaire):
    client = client_of(director)
    data = _workshop_data(questionnaire, title="", format="fortnightly")  # no title, no such format

    response = client.post(reverse("diagnostics:workshop_add", args=[office.slug]), data)

    assert response.status_code == 400
    assert "corrigez les champs signalés" in response.text
    assert not Training.objects.exists()


def test_the_networks_and_other_offices_workshops_are_read_only(
    client_of, office, director, questionnaire
):
    network = network_workshop(questionnaire)
    foreign = Training.objects.create(
        title="Autre", format="workshop", audience="businesses", organiser=factories.make_office()
    )
    client = client_of(director)
    for workshop in (network, foreign):
        assert (
            client.get(
                reverse("diagnostics:workshop_edit", args=[office.slug, workshop.pk])
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("diagnostics:workshop_delete", args=[office.slug, workshop.pk])
            ).status_code
            == 404
        )
    assert Training.objects.count() == 2


def test_a_member_reads_but_does_not_manage_workshops(client_of, office, questionnaire):
    own = Training.objects.create(
        title="Notre atelier", format="workshop", audience="businesses", organiser=office
    )
    member = factories.make_user(office=office, role=Membership.Role.MEMBER)
    client = client_of(member)

    page = client.get(reverse("diagnostics:workshops", args=[office.slug]))
    delete = client.post(reverse("diagnostics:workshop_delete", args=[office.slug, own.pk]))

    assert "Notre atelier" in page.text and "Ajouter un atelier" not in page.text
    assert delete.status_code == 403 and Training.objects.filter(pk=own.pk).exists()


def test_the_latest_business_campaign_is_the_offices_own(office, questionnaire):
    other = factories.make_office()
    factories.open_campaign(questionnaire, organiser=other, days_ago=1)
    mine = factories.open_campaign(questionnaire, organiser=office, days_ago=20)
    factories.open_campaign(factories.build_questionnaire(), days_ago=0)  # the network's

    assert territory.latest_business_campaign(office) == mine


# --- « Diagnostic territorial des prestataires » in the office's results and report -----


@pytest.fixture
def office_diagnostic(office, director):
    from diagnostics import services

    campaign = factories.open_campaign(factories.build_questionnaire())
    diagnostic = services.diagnostic_start(organisation=office, campaign=campaign, user=director)
    factories.answer_all(diagnostic)
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def test_results_and_report_sum_up_the_business_campaign(
    client_of, office, director, campaign, questionnaire, office_diagnostic
):
    from diagnostics import report
    from diagnostics.results import build_results

    submit_businesses(office, campaign, 5, pick=WEAKEST)
    secret = submit_businesses(office, campaign, 1, pick=WEAKEST, share_details=False)[0]
    named = submit_businesses(office, campaign, 1, pick=WEAKEST)[0]
    network_workshop(questionnaire, "Revendiquer sa fiche Google")

    page = client_of(director).get(reverse("diagnostics:results", args=[office_diagnostic.pk]))
    html = report.render_html(build_results(office_diagnostic))

    for text in (page.text, html):
        assert "Diagnostic territorial des prestataires" in text
        assert "7 ont soumis leur diagnostic" in text
        assert "Revendiquer sa fiche Google" in text
        # Counts and medians only: no business is named, consenting or not.
        assert secret.organisation.name not in text and named.organisation.name not in text
    assert html.index("Diagnostic territorial") < html.index('class="annex')


def _moved_back(campaign, days: int):
    """The campaign as if it had opened `days` ago and lasted 60 days."""
    today = timezone.localdate()
    campaign.opens, campaign.closes = today - timedelta(days=days), today - timedelta(days - 60)
    campaign.save(update_fields=["opens", "closes"])
    return campaign


def test_each_office_diagnostic_sums_up_the_business_campaign_of_its_time(
    client_of, office, director, questionnaire
):
    """Last year's results keep last year's business campaign; this year's, the latest."""
    from diagnostics import services

    def office_diagnostic(days_ago: int):
        campaign = factories.open_campaign(factories.build_questionnaire())
        diagnostic = services.diagnostic_start(
            organisation=office, campaign=campaign, user=director
        )
        factories.answer_all(diagnostic)
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
        _moved_back(campaign, days_ago + 30)
        diagnostic.submitted_at = timezone.now() - timedelta(days=days_ago)
        diagnostic.save(update_fields=["submitted_at"])
        return diagnostic

    def section(diagnostic) -> str:
        page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).text
        return page[page.index("Diagnostic territorial des prestataires") :].replace("\xa0", " ")

    client = client_of(director)
    earlier = factories.open_campaign(questionnaire, organiser=office, name="Prestataires 2025")
    submit_businesses(office, earlier, 5)
    _moved_back(earlier, 380)
    last_year = office_diagnostic(350)
    later = factories.open_campaign(questionnaire, organiser=office, name="Prestataires 2026")
    submit_businesses(office, later, 6)
    # Until this year's diagnostic is submitted, last year's is the current one.
    assert "Campagne « Prestataires 2026 » : 6 prestataires" in section(last_year)

    this_year = office_diagnostic(5)

    assert "Campagne « Prestataires 2025 » : 5 prestataires" in section(last_year)
    assert "Campagne « Prestataires 2026 » : 6 prestataires" in section(this_year)
    assert "Prestataires 2025" not in section(this_year)


def test_without_submissions_there_is_no_territorial_section(
    client_of, office, director, campaign, office_diagnostic
):
    submit_businesses(office, campaign, 0)
    page = client_of(director).get(reverse("diagnostics:results", args=[office_diagnostic.pk]))
    assert "Diagnostic territorial des prestataires" not in page.text


def test_the_section_under_five_responses_shows_no_profile(
    client_of, office, director, campaign, office_diagnostic
):
    submit_businesses(office, campaign, 2)
    page = client_of(director).get(reverse("diagnostics:results", args=[office_diagnostic.pk]))
    assert "Moins de 5 réponses" in page.text


@pytest.mark.usefixtures("page_memo_off")
def test_the_results_page_keeps_a_constant_number_of_queries_with_businesses(
    client_of, office, director, campaign, questionnaire, office_diagnostic,
    django_assert_num_queries,
):  # fmt: skip
    client = client_of(director)
    url = reverse("diagnostics:results", args=[office_diagnostic.pk])

    def cold_then_warm() -> tuple[int, int]:
        cache.clear()
        counts = []
        for _view in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts[0], counts[1]

    _seed(office, campaign, questionnaire, 3)
    few = cold_then_warm()
    _seed(office, campaign, questionnaire, 27)
    assert cold_then_warm() == few
    # Warm, the territorial summary is the cached fragment: its businesses are not read.
    assert few[1] < few[0]
    with django_assert_num_queries(few[1]):
        client.get(url)


def test_the_cached_territorial_summary_keeps_each_readers_links_and_live_counts(
    client_of, office, director, staff, campaign, questionnaire, office_diagnostic
):
    submit_businesses(office, campaign, 5, pick=WEAKEST)
    network_workshop(questionnaire, "Revendiquer sa fiche Google")
    url = reverse("diagnostics:results", args=[office_diagnostic.pk])
    assert "Voir le programme complet" in client_of(director).get(url).text

    page = client_of(staff).get(url).text
    assert "Revendiquer sa fiche Google" in page
    assert "Voir le programme complet" not in page  # the director's copy is not served
    # A workshop added to the catalogue shows without waiting for a business submission.
    network_workshop(questionnaire, "Répondre aux avis")
    page = client_of(director).get(url).text.replace("\xa0", " ")
    assert "Répondre aux avis" in page
