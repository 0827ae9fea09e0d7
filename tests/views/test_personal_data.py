"""The data subjects' rights: a business's download and erasure (from its link, and by its
office), the director's ZIP of the office's data."""

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    Business,
    BusinessLink,
    Diagnostic,
    Membership,
    Organisation,
)
from diagnostics.selectors import territory
from diagnostics.selectors.regional.businesses import business_weakest_questions
from diagnostics.services.targets import TargetChoice, axis_targets_save
from tests import factories
from tests.territory_data import submit_businesses

pytestmark = pytest.mark.django_db

COMMENT = "Notre site date de 2012, le neveu s’en occupe."


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office, first_name="Anne", last_name="Roc")


@pytest.fixture
def campaign(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    return factories.open_campaign(questionnaire, organiser=office)


def _answered(office, campaign, name="Gîte des Trois Chênes", *, share=True, submit=True):
    """A business with a link, every question answered, one comment, one « non concerné »."""
    business = factories.make_business(office, name, phone="05 53 00 00 00")
    link, token = services.business_link_issue(business=business, campaign=campaign)
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    factories.answer_all(diagnostic)
    first = diagnostic.answers.order_by("question__axis__order", "question__order").first()
    Answer.objects.filter(pk=first.pk).update(comment=COMMENT)
    last = diagnostic.answers.filter(question__allow_not_applicable=True).first()
    Answer.objects.filter(pk=last.pk).update(choice=None, not_applicable=True)
    if submit:
        diagnostic = services.diagnostic_submit(diagnostic=diagnostic, share_details=share)
    return business, token, diagnostic


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# --- a business, from its link ---------------------------------------------------------


def test_the_csv_holds_every_answer_and_the_contact_data(client, office, campaign):
    business, token, diagnostic = _answered(office, campaign)

    response = client.get(reverse("diagnostics:business_link_data_download", args=[token, "csv"]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    header, *rows = _rows(response)
    assert len(rows) == diagnostic.answers.count() == 6
    record = [dict(zip(header, row, strict=True)) for row in rows]
    assert {r["code de la question"] for r in record} == set(
        diagnostic.answers.values_list("question__code", flat=True)
    )
    assert all(r["adresse e-mail"] == business.email for r in record)
    assert all(r["téléphone"] == "05 53 00 00 00" for r in record)
    assert [r["commentaire"] for r in record if r["commentaire"]] == [COMMENT]
    assert [r["non concerné"] for r in record].count("oui") == 1
    assert {r["réponse choisie"] for r in record} - {""} == {"Réponse 4"}
    assert {r["points"] for r in record} - {""} == {"3"}
    assert record[0]["score global"] and record[0]["score de l’axe"]


def test_the_json_holds_every_answer_scores_and_links(client, office, campaign):
    business, token, diagnostic = _answered(office, campaign)

    response = client.get(reverse("diagnostics:business_link_data_download", args=[token, "json"]))

    data = json.loads(response.content)
    assert data["prestataire"]["nom"] == "Gîte des Trois Chênes"
    assert data["prestataire"]["office de tourisme"] == office.name
    (kept,) = data["diagnostics"]
    assert len(kept["réponses"]) == 6
    assert COMMENT in [a["commentaire"] for a in kept["réponses"]]
    assert [a["non concerné"] for a in kept["réponses"]].count("oui") == 1
    assert len(kept["scores par axe"]) == 2
    assert kept["score global"] == float(diagnostic.overall_score)
    assert len(data["liens personnels"]) == 1


def test_a_draft_and_an_unknown_format(client, office, campaign):
    _business, token, _diagnostic = _answered(office, campaign, submit=False)
    url = reverse("diagnostics:business_link_data_download", args=[token, "json"])
    (draft,) = json.loads(client.get(url).content)["diagnostics"]
    assert draft["statut"] == "En cours" and len(draft["réponses"]) == 6
    assert (
        client.get(
            reverse("diagnostics:business_link_data_download", args=[token, "xml"])
        ).status_code
        == 404
    )


def test_the_home_and_results_pages_link_to_both_rights(client, office, campaign):
    _business, token, _diagnostic = _answered(office, campaign)
    for name in ("business_link_home", "business_link_results"):
        page = client.get(reverse(f"diagnostics:{name}", args=[token])).text
        assert reverse("diagnostics:business_link_data_download", args=[token, "csv"]) in page
        assert reverse("diagnostics:business_link_data_download", args=[token, "json"]) in page
        assert reverse("diagnostics:business_link_data_erase", args=[token]) in page


def test_erasure_asks_first_then_removes_everything(client, office, campaign):
    business, token, diagnostic = _answered(office, campaign)
    neighbour, _token, kept = _answered(office, campaign, "Le Relais du Pont")
    url = reverse("diagnostics:business_link_data_erase", args=[token])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Effacer définitivement" in confirm.text
    assert Organisation.objects.filter(pk=business.pk).exists()  # a GET erases nothing

    done = client.post(url)

    assert done.status_code == 200
    assert "Vos données sont effacées" in done.text
    assert not Organisation.objects.filter(pk=business.pk).exists()
    assert not Organisation.objects.filter(email=business.email).exists()
    assert not Diagnostic.objects.filter(pk=diagnostic.pk).exists()
    assert not Answer.objects.filter(diagnostic_id=diagnostic.pk).exists()
    assert not AxisScore.objects.filter(diagnostic_id=diagnostic.pk).exists()
    assert not BusinessLink.objects.filter(business_id=business.pk).exists()
    assert not Answer.objects.filter(comment=COMMENT, diagnostic_id=diagnostic.pk).exists()
    # The neighbour keeps everything.
    assert Answer.objects.filter(diagnostic=kept).count() == 6
    assert Answer.objects.filter(diagnostic=kept, comment=COMMENT).exists()
    # The link no longer opens anything.
    again = client.get(reverse("diagnostics:business_link_home", args=[token]))
    assert again.status_code == 400
    assert client.post(url).status_code == 400


def test_erasure_needs_the_csrf_token(office, campaign):
    from django.test import Client

    business, token, _diagnostic = _answered(office, campaign)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("diagnostics:business_link_data_erase", args=[token]))
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=business.pk).exists()


def test_a_revoked_link_neither_downloads_nor_erases(client, office, campaign):
    business, token, _diagnostic = _answered(office, campaign)
    services.business_link_revoke(link=business.links.get())

    erase = client.post(reverse("diagnostics:business_link_data_erase", args=[token]))
    download = client.get(reverse("diagnostics:business_link_data_download", args=[token, "csv"]))

    assert erase.status_code == download.status_code == 410
    assert "désactivé" in erase.text
    assert Answer.objects.filter(diagnostic__organisation=business).count() == 6


def test_another_business_link_erases_only_that_business(client, office, campaign):
    mine, _my_token, mine_diagnostic = _answered(office, campaign)
    _other, other_token, _ = _answered(office, campaign, "Le Relais du Pont")

    client.post(reverse("diagnostics:business_link_data_erase", args=[other_token]))

    assert Organisation.objects.filter(pk=mine.pk).exists()
    assert Answer.objects.filter(diagnostic=mine_diagnostic).count() == 6
    assert (
        client.get(reverse("diagnostics:business_link_data_erase", args=["faux"])).status_code
        == 400
    )


def test_an_expired_link_still_downloads_and_erases(client, office, campaign):
    business, token, _diagnostic = _answered(office, campaign)
    BusinessLink.objects.filter(business=business).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert client.get(reverse("diagnostics:business_link_home", args=[token])).status_code == 410

    download = client.get(reverse("diagnostics:business_link_data_download", args=[token, "json"]))
    assert download.status_code == 200
    assert (
        client.post(reverse("diagnostics:business_link_data_erase", args=[token])).status_code
        == 200
    )
    assert not Organisation.objects.filter(pk=business.pk).exists()


def test_the_territory_figures_stay_consistent_after_an_erasure(client, office, campaign):
    submitted = submit_businesses(office, campaign, 6, share_details=False)
    _answered(office, campaign, "Auberge de la Place")
    factories.make_business(office, "Jamais invité")
    before = territory.territory(office, campaign)
    network_before = business_weakest_questions()
    assert (before.rates.businesses, before.rates.submitted, before.overall.count) == (8, 7, 7)
    _business, token, _diagnostic = _answered(office, campaign, "Effacé ensuite")
    assert business_weakest_questions().diagnostics == 8  # cached with it

    client.post(reverse("diagnostics:business_link_data_erase", args=[token]))

    after = territory.territory(office, campaign)
    assert after.rates == before.rates
    assert after.overall.count == after.rates.submitted == len(after.respondents) == 7
    assert after.overall.overall.median == before.overall.overall.median
    assert [(w.question.pk, w.answers) for w in after.weakest] == [
        (w.question.pk, w.answers) for w in before.weakest
    ]
    assert len(submitted) == 6
    # The network's figures (cached per submission) drop it too.
    network_after = business_weakest_questions()
    assert network_after.diagnostics == network_before.diagnostics == 7
    assert network_after.questions == network_before.questions


# --- the office, for one of its businesses ---------------------------------------------


@pytest.fixture
def member(office):
    return factories.make_user("membre", office=office, role=Membership.Role.MEMBER)


def test_the_office_downloads_and_erases_for_its_business(client, office, director, campaign):
    business, _token, _diagnostic = _answered(office, campaign, share=False)
    client.force_login(director)
    edit = client.get(reverse("diagnostics:business_edit", args=[office.slug, business.pk]))
    erase_url = reverse("diagnostics:office_business_data_erase", args=[office.slug, business.pk])
    assert erase_url in edit.text

    download = client.get(
        reverse("diagnostics:office_business_data_download", args=[office.slug, business.pk, "csv"])
    )
    assert download.status_code == 200
    header, *rows = _rows(download)
    assert len(rows) == 1  # it refused sharing: its contact data and status, no answer
    record = dict(zip(header, rows[0], strict=True))
    assert record["adresse e-mail"] == business.email and record["statut"] == "Soumis"
    assert record["score global"] == record["réponse choisie"] == record["commentaire"] == ""
    assert COMMENT not in download.content.decode()
    assert client.get(erase_url).status_code == 200

    response = client.post(erase_url)

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=business.pk).exists()
    assert not Answer.objects.filter(diagnostic__organisation_id=business.pk).exists()


def test_the_office_copy_holds_what_the_business_shared(client, office, director, campaign):
    business, _token, _diagnostic = _answered(office, campaign, share=True)
    client.force_login(director)
    url = reverse(
        "diagnostics:office_business_data_download", args=[office.slug, business.pk, "json"]
    )
    (shared,) = json.loads(client.get(url).content)["diagnostics"]
    assert len(shared["réponses"]) == 6 and shared["score global"] is not None
    draft, _token, _diagnostic = _answered(office, campaign, "Brouillon", submit=False)
    url = reverse("diagnostics:office_business_data_download", args=[office.slug, draft.pk, "json"])
    (unsent,) = json.loads(client.get(url).content)["diagnostics"]
    assert unsent["réponses"] == [] and unsent["scores par axe"] == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_office_actions_are_refused_to_others(
    client, office, member, campaign, django_user_model, method
):
    business, _token, _diagnostic = _answered(office, campaign)
    other = factories.make_office("Office de tourisme voisin")
    neighbour = factories.make_user("voisine", office=other)
    staff = django_user_model.objects.create_user("reseau", password="x", is_staff=True)
    urls = [
        reverse("diagnostics:office_business_data_erase", args=[office.slug, business.pk]),
        reverse(
            "diagnostics:office_business_data_download", args=[office.slug, business.pk, "json"]
        ),
    ]
    for user, status in ((member, 403), (neighbour, 404), (staff, 404)):
        client.force_login(user)
        for url in urls:
            assert getattr(client, method)(url).status_code == status, (user, url)
    # The neighbour's own slug does not reach this office's business either.
    client.force_login(neighbour)
    url = reverse("diagnostics:office_business_data_erase", args=[other.slug, business.pk])
    assert client.post(url).status_code == 404
    assert Answer.objects.filter(diagnostic__organisation=business).count() == 6


def test_a_member_who_manages_businesses_may_erase(client, office, member, campaign):
    Membership.objects.filter(user=member).update(can_manage_businesses=True)
    business, _token, _diagnostic = _answered(office, campaign)
    client.force_login(member)
    url = reverse("diagnostics:office_business_data_erase", args=[office.slug, business.pk])
    assert client.post(url).status_code == 302
    assert not Business.objects.filter(pk=business.pk).exists()


# --- the director's ZIP ----------------------------------------------------------------


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_director_downloads_everything_about_the_office(client, office, director, campaign):
    network = factories.open_campaign(factories.build_questionnaire())
    diagnostic = services.diagnostic_start(organisation=office, campaign=network, user=director)
    factories.answer_all(diagnostic)
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    factories.make_user("invitee", office=office, role=Membership.Role.MEMBER, email="m@ex.org")
    _answered(office, campaign, "Partage", share=True)
    _answered(office, campaign, "Refuse", share=False)
    client.force_login(director)
    assert (
        reverse("diagnostics:office_data_zip", args=[office.slug])
        in client.get(reverse("diagnostics:office", args=[office.slug])).text
    )

    response = client.get(reverse("diagnostics:office_data_zip", args=[office.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = _zip(response)
    names = set(archive.namelist())
    assert {"LISEZMOI.txt", "donnees.json", "office.csv", "membres.csv", "invitations.csv"} <= names
    assert {"reponses.csv", "plan_d_action.csv", "prestataires.csv"} <= names
    data = json.loads(archive.read("donnees.json"))["tables"]
    assert {m["identifiant"] for m in data["membres"]} == {"directrice", "invitee"}
    assert len(data["reponses"]) == 6
    assert {p["nom"] for p in data["prestataires"]} == {"Partage", "Refuse"}
    shared = {r["prestataire et campagne"] for r in data["reponses_prestataires"]}
    assert shared == {f"Partage — {campaign.name}"}
    assert len(data["reponses_prestataires"]) == 6
    refused_row = next(d for d in data["diagnostics_prestataires"] if d["prestataire"] == "Refuse")
    assert refused_row["score global"] is None
    assert "secret" not in archive.read("membres.csv").decode()
    assert "pbkdf2" not in archive.read("donnees.json").decode()
    assert "pourquoi" in archive.read("LISEZMOI.txt").decode()


def test_the_zip_only_for_the_director(client, office, member, django_user_model):
    url = reverse("diagnostics:office_data_zip", args=[office.slug])
    other = factories.make_user("voisine", office=factories.make_office())
    staff = django_user_model.objects.create_user("reseau", password="x", is_staff=True)
    for user, status in ((member, 403), (other, 404), (staff, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
    Membership.objects.filter(user=member).update(can_manage_businesses=True)
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def _grow(office, campaign, n):
    for i in range(n):
        factories.make_user(office=office, role=Membership.Role.MEMBER)
        _answered(office, campaign, f"Prestataire {campaign.pk}-{i}", share=i % 2 == 0)


def test_the_zip_reads_a_constant_number_of_queries(
    client, office, director, campaign, django_assert_num_queries
):
    network = factories.open_campaign(factories.build_questionnaire())
    diagnostic = services.diagnostic_start(organisation=office, campaign=network, user=director)
    factories.answer_all(diagnostic, pick=lambda choices: choices[0])
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    top = network.questionnaire.levels.order_by("-lower_bound").first()
    axis_targets_save(
        diagnostic=diagnostic,
        targets={network.questionnaire.axes.first().pk: TargetChoice(top.pk, date(2099, 12, 31))},
        user=director,
    )
    client.force_login(director)
    url = reverse("diagnostics:office_data_zip", args=[office.slug])
    _grow(office, campaign, 1)
    client.get(url)  # warms the session and the content types
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(office, campaign, 4)
    assert len(small.captured_queries) == 19  # session, user, office, then one per table
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    tables = json.loads(_zip(response).read("donnees.json"))["tables"]
    assert len(tables["prestataires"]) == 5
    (target,) = tables["niveaux_vises"]
    assert (target["niveau visé"], target["échéance"]) == (top.name, "2099-12-31")
