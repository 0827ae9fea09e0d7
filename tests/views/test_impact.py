"""The workshops' impact: attendees' evolution on « Mon territoire », their re-diagnosis from
their previous answers, and the yearly « Bilan de l'animation numérique »."""

import csv
import io
import re
from datetime import date, timedelta

import pikepdf
import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from diagnostics.models import Answer, Audience, BusinessLink, Diagnostic, Membership
from diagnostics.selectors.impact import months_before, workshop_evolution
from diagnostics.services import rediagnosis
from diagnostics.services.rediagnosis import REDIAGNOSIS_NO_CAMPAIGN, REDIAGNOSIS_UNKNOWN
from tests import factories
from tests.impact_data import impact_territory, session_of, workshop_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office)


@pytest.fixture
def questionnaire():
    return factories.build_questionnaire(audience=Audience.BUSINESSES)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)
    assert months_before(date(2024, 8, 29), 6) == date(2024, 2, 29)


def test_the_territory_shows_attendees_against_the_others_with_the_caveat(
    client, office, director, questionnaire
):
    impact_territory(office, questionnaire, attendees=5, others=6, waiting=2)
    client.force_login(director)
    page = client.get(reverse("diagnostics:territory", args=[office.slug])).text
    assert "Évolution après les ateliers" in page
    assert "Participants\u00a0: 5 prestataires venus à un atelier" in page
    assert "2 autres participants n’ont pas encore été re-diagnostiqués" in page
    assert "Non-participants\u00a0: 6 prestataires diagnostiqués deux fois" in page
    assert "les participants ont choisi de venir" in page
    # Attendees from 30 to 50 (+20), the others from 30 to 35 (+5), on each axis.
    assert page.count("+20</strong>") == 3 and page.count("+5</strong>") == 3
    assert "Re-diagnostic\u00a0: 2 participants à réinviter" in page


def test_a_group_under_five_is_not_shown(client, office, director, questionnaire):
    impact_territory(office, questionnaire, attendees=4, others=5)
    client.force_login(director)
    page = client.get(reverse("diagnostics:territory", args=[office.slug])).text
    assert "+20</strong>" not in page and page.count("+5</strong>") == 3
    assert "moins de 5 prestataires" in page


@pytest.mark.usefixtures("page_memo_off")
def test_the_territory_and_bilan_cost_the_same_queries_at_two_sizes(
    client, office, director, questionnaire, settings
):
    settings.PAGE_PARTS_KEPT = False  # the territory computed whole (views/kept_parts.py)
    client.force_login(director)
    _e, _c, workshop = impact_territory(office, questionnaire, attendees=2, others=2, waiting=1)
    territory = reverse("diagnostics:territory", args=[office.slug])
    effect = reverse("diagnostics:workshop", args=[office.slug, workshop.pk])
    year = timezone.localdate().year
    bilan = reverse("diagnostics:bilan", args=[office.slug, year, "csv"])
    rediagnosis = reverse("diagnostics:rediagnosis", args=[office.slug])
    urls = (territory, bilan, rediagnosis, effect)
    [_queries(client, url) for url in urls]  # the questionnaire's structure, read once
    # The bilan's figures are kept for every member until a table they read is written
    # (selectors.bilan): measured drawn again, with all that is kept let go first.
    cache.clear()
    small = [_queries(client, url) for url in urls]
    other = factories.make_office()
    impact_territory(other, questionnaire, attendees=1, others=1)  # not counted, not read
    for i in range(3):
        more = [factories.make_business(office, f"Nouveau {i}-{j}") for j in range(4)]
        session_of(office, workshop, timezone.now() - timedelta(days=i + 1), more)
        session_of(office, workshop_of(office, questionnaire, f"Atelier {i}"), timezone.now(), more)
    cache.clear()
    large = [_queries(client, url) for url in urls]
    assert small == large
    assert _queries(client, bilan) < large[1]  # then kept, until a table it read is written


def test_the_workshop_page_is_for_the_offices_workshops(client, office, director, questionnaire):
    _e, _c, workshop = impact_territory(office, questionnaire, attendees=5, others=0)
    theirs = workshop_of(factories.make_office(), questionnaire, "Ailleurs")
    client.force_login(director)
    page = client.get(reverse("diagnostics:workshop", args=[office.slug, workshop.pk]))
    assert "5 prestataires sont venus à une session" in page.text
    assert page.text.count("+100</strong>") == 2
    url = reverse("diagnostics:workshop", args=[office.slug, theirs.pk])
    assert client.get(url).status_code == 404


def test_the_workshop_evolution_reads_its_questions_for_its_attendees(office, questionnaire):
    _earlier, _current, workshop = impact_territory(office, questionnaire, attendees=5, others=3)
    found = workshop_evolution(office, workshop)
    assert (found.attendees, found.compared) == (5, 5)
    assert [q.code for q in found.questions] == ["axe-1-01", "axe-1-02"]
    # From the weakest choice (0 points) to the best (all of them).
    assert all(q.figures.count == 5 and q.figures.change == 100 for q in found.questions)


# --- re-diagnosis ------------------------------------------------------------------


def test_a_due_attendee_is_reinvited_and_starts_from_its_answers_to_confirm(
    client, office, director, questionnaire, django_capture_on_commit_callbacks
):
    earlier, current, _workshop = impact_territory(
        office, questionnaire, attendees=0, others=0, waiting=1
    )
    waiting = Diagnostic.objects.get(campaign=earlier).organisation
    client.force_login(director)
    page = client.get(reverse("diagnostics:rediagnosis", args=[office.slug])).text
    assert waiting.name in page and "1 participant attend son re-diagnostic" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("diagnostics:rediagnosis_invite", args=[office.slug]),
            {"business": [str(waiting.pk)]},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "mettre à jour votre diagnostic" in message.subject
    assert "«\u00a0à confirmer\u00a0»" in message.body
    link = BusinessLink.objects.get(business=waiting, campaign=current)
    assert link.rediagnosis
    token = re.search(r"/prestataire/([^/\s]+)/", message.body).group(1)
    home = reverse("diagnostics:business_link_home", args=[token])
    assert "Mettre à jour mon diagnostic" in client.get(home).text
    client.post(home)
    draft = Diagnostic.objects.get(organisation=waiting, campaign=current)
    answers = Answer.objects.filter(diagnostic=draft)
    assert answers.count() == 6 and all(a.carried_over for a in answers)
    # Now started: listed as such, no longer to invite.
    page = client.get(reverse("diagnostics:rediagnosis", args=[office.slug])).text
    assert "Mise à jour commencée" in page


def test_only_due_businesses_of_the_office_can_be_invited(client, office, director, questionnaire):
    impact_territory(office, questionnaire, attendees=1, others=1, waiting=0)
    stranger = factories.make_business(factories.make_office())
    client.force_login(director)
    url = reverse("diagnostics:rediagnosis_invite", args=[office.slug])
    for value in (str(stranger.pk), "1\x00", "abc"):
        response = client.post(url, {"business": [value]}, follow=True)
        assert response.status_code == 200
        assert REDIAGNOSIS_UNKNOWN.split(" :")[0] in response.text
    assert not BusinessLink.objects.filter(rediagnosis=True).exists() and not mail.outbox


def test_without_an_open_campaign_nobody_is_invited(client, office, director, questionnaire):
    _earlier, current, _w = impact_territory(
        office, questionnaire, attendees=0, others=0, waiting=1
    )
    current.closes = current.opens = timezone.localdate() - timedelta(days=1)
    current.save()
    business = Diagnostic.objects.filter(campaign__organiser=office).first().organisation
    client.force_login(director)
    response = client.post(
        reverse("diagnostics:rediagnosis_invite", args=[office.slug]),
        {"business": [str(business.pk)]},
        follow=True,
    )
    assert REDIAGNOSIS_NO_CAMPAIGN.split(" :")[0] in response.text
    assert not mail.outbox


def test_the_delay_is_the_managers_choice(client, office, director, questionnaire):
    member = factories.make_user("agent", office=office, role=Membership.Role.MEMBER)
    url = reverse("diagnostics:rediagnosis_delay", args=[office.slug])
    client.force_login(member)
    assert client.post(url, {"months": "12"}).status_code == 403
    client.force_login(director)
    client.post(url, {"months": "7"})
    office.refresh_from_db()
    assert office.rediagnosis_months == 6
    client.post(url, {"months": "12"})
    office.refresh_from_db()
    assert office.rediagnosis_months == 12


def test_a_recent_attendee_is_not_due_yet(client, office, director, questionnaire):
    impact_territory(office, questionnaire, attendees=0, others=0, waiting=1)
    rediagnosis.rediagnosis_delay_set(office=office, months=12)  # the workshop was 8 months ago
    client.force_login(director)
    page = client.get(reverse("diagnostics:rediagnosis", args=[office.slug])).text
    assert "Aucun participant n’est venu à un atelier il y a plus de 12 mois" in page


# --- the yearly bilan ----------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_bilan_exports_the_years_figures(client, office, director, questionnaire):
    impact_territory(office, questionnaire, attendees=5, others=5)
    client.force_login(director)
    year = (timezone.now() - timedelta(days=240)).year
    rows = _csv(client.get(reverse("diagnostics:bilan", args=[office.slug, year, "csv"])))
    figures = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert figures[("Ateliers", "Présents")][0] == "5"
    assert figures[("Ateliers", "Soigner sa fiche Google")][0] == "5"
    assert (
        figures[("Satisfaction des participants", "Atelier utile\u00a0: Oui, tout à fait")][0]
        == "5"
    )
    evolution = figures[("Évolution des scores (sur 100)", "Score global — participants")]
    assert evolution[0] == "20"
    sheet = load_workbook(
        io.BytesIO(
            client.get(reverse("diagnostics:bilan", args=[office.slug, year, "xlsx"])).getvalue()
        )
    ).active
    assert [c.value for c in sheet[1]] == ["Rubrique", "Indicateur", "Valeur", "Précision"]


def test_the_bilan_pdf_is_tagged_and_in_french(client, office, director, questionnaire):
    impact_territory(office, questionnaire, attendees=5, others=5)
    client.force_login(director)
    year = timezone.localdate().year
    response = client.get(reverse("diagnostics:bilan", args=[office.slug, year, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    document = pikepdf.open(io.BytesIO(response.content))
    assert str(document.Root.Lang) == "fr"
    assert "/StructTreeRoot" in document.Root
    assert "Bilan de l’animation numérique" in str(document.docinfo.get("/Title"))


def test_the_bilan_is_for_the_offices_members_and_its_years(client, office, questionnaire):
    impact_territory(office, questionnaire, attendees=1, others=1)
    stranger = factories.make_user("ailleurs", office=factories.make_office())
    client.force_login(stranger)
    year = timezone.localdate().year
    assert (
        client.get(reverse("diagnostics:bilan", args=[office.slug, year, "pdf"])).status_code == 404
    )
    client.force_login(factories.make_user("membre", office=office, role=Membership.Role.MEMBER))
    assert (
        client.get(reverse("diagnostics:bilan", args=[office.slug, year, "csv"])).status_code == 200
    )
    assert (
        client.get(reverse("diagnostics:bilan", args=[office.slug, 1990, "csv"])).status_code == 404
    )
    assert (
        client.get(reverse("diagnostics:bilan", args=[office.slug, year, "doc"])).status_code == 404
    )


# --- the network staff ---------------------------------------------------------------


def test_the_network_staff_see_sessions_and_attendance_by_department(
    client, office, questionnaire, django_assert_max_num_queries
):
    from diagnostics.services import network_group_sync

    impact_territory(office, questionnaire, attendees=3, others=0, waiting=1)
    elsewhere = factories.make_office(department="24")
    workshop = workshop_of(elsewhere, questionnaire, "Répondre aux avis")
    businesses = [factories.make_business(elsewhere) for _ in range(2)]
    session_of(elsewhere, workshop, timezone.now() - timedelta(hours=3), businesses[:1])
    session_of(elsewhere, workshop, timezone.now() - timedelta(hours=5), businesses, False)
    session_of(elsewhere, workshop, timezone.now() + timedelta(days=3), businesses)  # to come
    staff = factories.make_user("reseau", is_staff=True)
    staff.groups.add(network_group_sync())
    client.force_login(staff)
    page = client.get("/admin/diagnostics/training/besoins/").text
    assert "par département" in page
    rows = re.findall(r"<tr><th scope=\"row\">(\d+) — [^<]+</th>((?:<td>[^<]*</td>)+)</tr>", page)
    cells = {code: re.findall(r"<td>([^<]*)</td>", tds) for code, tds in rows}
    held_this_year = (timezone.now() - timedelta(days=240)).year == timezone.now().year
    if held_this_year:
        assert cells["33"] == ["1", "1", "4", "4", "100\u202f%"]
    assert cells["24"] == ["1", "2", "3", "1", "33\u202f%"]


def test_a_session_just_after_midnight_on_new_years_day_in_paris_counts_in_the_new_year(
    office, questionnaire
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from diagnostics.selectors.bilan import bilan

    workshop = workshop_of(office, questionnaire)
    came = [factories.make_business(office) for _ in range(3)]
    # 0:30 in Paris on 1 January 2026 is still 2025 in UTC: 2026 for the office.
    starts = datetime(2026, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    session_of(office, workshop, starts, came)
    later = datetime(2026, 6, 1, tzinfo=ZoneInfo("Europe/Paris"))
    assert (bilan(office, 2025, now=later).attended, bilan(office, 2026, now=later).attended) == (
        0,
        3,
    )


def test_without_attendees_the_territory_says_so(client, office, director, questionnaire):
    from tests.impact_data import business_campaigns, submitted

    _earlier, current = business_campaigns(office, questionnaire)
    submitted(factories.make_business(office), current, timezone.now(), 40)
    client.force_login(director)
    page = client.get(reverse("diagnostics:territory", args=[office.slug])).text
    assert "Aucun de vos prestataires n’est encore venu à une session" in page
    assert "Avant" not in page
    page = client.get(reverse("diagnostics:rediagnosis", args=[office.slug])).text
    assert "Aucun participant n’attend de re-diagnostic" in page
