"""Who reads a business's named answers, scores and priorities (diagnostics/visibility.py),
surface by surface and party by party (issue 20): the business through its link; its
office's team when it agreed; nobody else by name — the network's staff in aggregates
only, another office and an anonymous visitor never."""

import io
import zipfile

import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Answer, Audience, Business, Membership
from tests import factories
from tests.territory_data import submit_businesses

pytestmark = pytest.mark.django_db

SHARED_NOTE = "note-partagee-7f3a"
SECRET_NOTE = "note-secrete-91bc"


@pytest.fixture
def world(office, director, staff):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    (shared,) = submit_businesses(office, campaign, 1)
    (secret,) = submit_businesses(office, campaign, 1, share_details=False)
    Business.objects.filter(pk=shared.organisation_id).update(
        name="Gîte Partagé", email="gite@partage.fr", phone="05 00 00 00 01"
    )
    Business.objects.filter(pk=secret.organisation_id).update(
        name="Auberge Secrète", email="auberge@secret.fr", phone="05 00 00 00 02"
    )
    Answer.objects.filter(diagnostic=shared).update(comment=SHARED_NOTE)
    Answer.objects.filter(diagnostic=secret).update(comment=SECRET_NOTE)
    other = factories.make_office("Office de tourisme de Port-Voisin")
    return {
        "office": office,
        "shared": shared,
        "secret": secret,
        "parties": {
            "director": director,
            "colleague": factories.make_user(
                "collegue", office=office, role=Membership.Role.MEMBER
            ),
            "staff": staff,
            "other_office": factories.make_user("voisine", office=other),
            "anonymous": None,
        },
    }


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def detail_urls(world, diagnostic):
    slug = world["office"].slug
    return [
        reverse("diagnostics:business_detail", args=[slug, diagnostic.pk]),
        reverse("diagnostics:business_detail_pdf", args=[slug, diagnostic.pk]),
    ]


# What each party gets on the office's page and PDF of a business's diagnostic.
EXPECTED = {
    "director": (200, 403),
    "colleague": (200, 403),
    "staff": (404, 404),
    "other_office": (404, 404),
    "anonymous": (302, 302),
}


@pytest.mark.parametrize("party", EXPECTED)
def test_the_office_reads_the_detail_of_a_business_only_if_it_agreed(client, world, party):
    user = world["parties"][party]
    shared_status, secret_status = EXPECTED[party]
    for url in detail_urls(world, world["shared"]):
        assert get(client, user, url).status_code == shared_status, url
    for url in detail_urls(world, world["secret"]):
        response = get(client, user, url)
        assert response.status_code == secret_status, url
        assert SECRET_NOTE not in response.content.decode(errors="ignore")


def test_the_offices_page_shows_the_answers_profile_and_workshops(client, world):
    page = get(client, world["parties"]["colleague"], detail_urls(world, world["shared"])[0])
    text = page.content.decode()
    assert "Gîte Partagé" in text and SHARED_NOTE in text
    assert "Ses trois priorités" in text and "Les ateliers qui lui correspondent" in text
    assert "le réseau n’en voit que les chiffres d’ensemble" in text
    pdf = get(client, world["parties"]["director"], detail_urls(world, world["shared"])[1])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    refused = get(client, world["parties"]["director"], detail_urls(world, world["secret"])[0])
    assert "n’a pas accepté" in refused.content.decode()


def test_the_offices_lists_link_to_the_shared_detail_only(client, world):
    director = world["parties"]["director"]
    slug = world["office"].slug
    shared_url, secret_url = (
        detail_urls(world, world["shared"])[0],
        detail_urls(world, world["secret"])[0],
    )
    for page in ("businesses", "territory"):
        text = get(client, director, reverse(f"diagnostics:{page}", args=[slug])).content.decode()
        assert shared_url in text and secret_url not in text, page


ADMIN_LISTS = [
    "admin:diagnostics_diagnostic_changelist",
    "admin:diagnostics_answer_changelist",
    "admin:diagnostics_axisscore_changelist",
]


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_the_admin_never_shows_a_named_business_diagnostic(client, world, who):
    user = (
        world["parties"]["staff"]
        if who == "staff"
        else factories.make_user("admin", is_staff=True, is_superuser=True)
    )
    for name in ADMIN_LISTS:
        text = get(client, user, reverse(name)).content.decode()
        for marker in ("Gîte Partagé", "Auberge Secrète", SHARED_NOTE, SECRET_NOTE):
            assert marker not in text, (name, marker)
    for diagnostic in (world["shared"], world["secret"]):
        change = get(
            client, user, reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])
        )
        assert change.status_code == 302  # « does not exist », back to the admin's index
        answer = Answer.objects.filter(diagnostic=diagnostic).first()
        change = get(client, user, reverse("admin:diagnostics_answer_change", args=[answer.pk]))
        assert change.status_code == 302
    business = get(
        client,
        user,
        reverse("admin:diagnostics_business_change", args=[world["shared"].organisation_id]),
    )
    assert business.status_code == 200
    assert "gite@partage.fr" not in business.content.decode()


def test_staff_cannot_open_a_business_diagnostic_through_the_results_or_the_pdf(client, world):
    staff = world["parties"]["staff"]
    for diagnostic in (world["shared"], world["secret"]):
        for name in ("diagnostics:results", "diagnostics:report_pdf"):
            assert get(client, staff, reverse(name, args=[diagnostic.pk])).status_code == 404


def test_the_business_is_told_before_it_starts_what_happens(client, office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    business = factories.make_business(office, "Le Relais du Pont")
    _link, token = services.business_link_issue(business=business, campaign=campaign)
    text = client.get(reverse("diagnostics:business_link_home", args=[token])).content.decode()
    assert "ne voit jamais vos réponses ni votre score" in text
    assert "peut voir le détail de vos réponses, votre score et vos priorités" in text


# The office's copy of one business's data, and the director's ZIP of the office's
# (views/personal_data.py): the detail of a business only if it agreed.
COPIES_EXPECTED = {
    "director": 200,
    "colleague": 403,
    "staff": 404,
    "other_office": 404,
    "anonymous": 302,
}


def _content(response) -> bytes:
    if response.get("Content-Type") != "application/zip":
        return response.content
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize("party", COPIES_EXPECTED)
def test_the_offices_copies_hold_a_business_detail_only_if_it_agreed(client, world, party):
    user, slug = world["parties"][party], world["office"].slug
    urls = [  # (url, whether it holds the business that agreed)
        (
            reverse(
                "diagnostics:office_business_data_download",
                args=[slug, diagnostic.organisation_id, fmt],
            ),
            diagnostic == world["shared"],
        )
        for diagnostic in (world["shared"], world["secret"])
        for fmt in ("csv", "json")
    ] + [(reverse("diagnostics:office_data_zip", args=[slug]), True)]
    for url, holds_shared in urls:
        response = get(client, user, url)
        assert response.status_code == COPIES_EXPECTED[party], url
        assert SECRET_NOTE.encode() not in _content(response), url
        if party == "director" and holds_shared:
            assert SHARED_NOTE.encode() in _content(response), url
