"""The office's businesses: who may manage them, the list, add/edit, the business campaign,
invitations (queued, one SMTP connection), resend and revoke."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Audience, Business, BusinessLink, Campaign, Diagnostic, Membership
from diagnostics.services import messages_progress
from tests import factories
from tests.test_tasks import DATABASE_TASKS, run_worker

pytestmark = pytest.mark.django_db
WHO = ["director", "manager", "member", "stranger", "staff", "anonymous"]
# What each one gets on an office's business page: the page, 403 (a member not allowed),
# 404 (not of this office), or the login page.
EXPECTED = {
    "director": 200,
    "manager": 200,
    "member": 403,
    "stranger": 404,
    "staff": 404,
    "anonymous": 302,
}


@pytest.fixture
def people(director, office, stranger, staff):
    manager = factories.make_user("gestionnaire", office=office, role=Membership.Role.MEMBER)
    Membership.objects.filter(user=manager).update(can_manage_businesses=True)
    member = factories.make_user("membre", office=office, role=Membership.Role.MEMBER)
    return {
        "director": director,
        "manager": manager,
        "member": member,
        "stranger": stranger,
        "staff": staff,
    }


@pytest.fixture
def business_questionnaire(db):
    return factories.build_questionnaire(audience=Audience.BUSINESSES)


@pytest.fixture
def business_campaign(office, business_questionnaire):
    return factories.open_campaign(business_questionnaire, organiser=office)


@pytest.fixture
def gite(office):
    return factories.make_business(
        office, "Gîte des Trois Chênes", email="gite@troischenes.fr", commune="Castelroc"
    )


def login_as(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])


def url(name, office, *args):
    return reverse(f"diagnostics:{name}", args=[office.slug, *args])


# --- who may ------------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_the_director_and_allowed_members_see_the_list(client, office, people, gite, who):
    login_as(client, people, who)
    response = client.get(url("businesses", office))
    assert response.status_code == EXPECTED[who]
    if response.status_code == 200:
        assert "Gîte des Trois Chênes" in response.text
    else:
        assert "Trois Chênes" not in response.text


@pytest.mark.parametrize("who", WHO)
def test_only_managers_add_a_business(client, office, people, who):
    login_as(client, people, who)
    data = {
        "name": "Le Relais du Pont",
        "segment": "restauration",
        "subtype": "restaurant",
        "commune": "Castelroc",
        "email": "Bonjour@RelaisDuPont.fr",
        "phone": "05 53 00 00 00",
    }
    response = client.post(url("business_add", office), data)
    created = Business.objects.filter(parent=office, name="Le Relais du Pont").first()
    if EXPECTED[who] == 200:
        assert response.status_code == 302
        assert created.email == "bonjour@relaisdupont.fr" and created.department_id == "33"
    else:
        assert response.status_code == EXPECTED[who] and created is None


@pytest.mark.parametrize("who", WHO)
def test_only_managers_edit_a_business(client, office, people, gite, who):
    login_as(client, people, who)
    data = {"name": "Gîte des Quatre Chênes", "segment": "hebergement", "commune": "Castelroc"}
    response = client.post(url("business_edit", office, gite.pk), {**data, "email": gite.email})
    gite.refresh_from_db()
    if EXPECTED[who] == 200:
        assert response.status_code == 302 and gite.name == "Gîte des Quatre Chênes"
    else:
        assert response.status_code == EXPECTED[who] and gite.name == "Gîte des Trois Chênes"


def test_a_business_of_another_office_is_not_found(client, office, other_office, director):
    theirs = factories.make_business(other_office, "Camping du Lac")
    client.force_login(director)
    assert client.get(url("business_edit", office, theirs.pk)).status_code == 404
    assert client.post(url("businesses_link_revoke", office, theirs.pk)).status_code == 404


@pytest.mark.parametrize("who", WHO)
def test_invitations_are_sent_only_by_managers(
    client, office, people, gite, business_campaign, who, django_capture_on_commit_callbacks
):
    login_as(client, people, who)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("businesses_invite", office), {"uninvited": "1"})
    sent = BusinessLink.objects.filter(business=gite).exists()
    if EXPECTED[who] == 200:
        assert response.status_code == 302 and sent and len(mail.outbox) == 1
    else:
        assert response.status_code == EXPECTED[who] and not sent and not mail.outbox


def test_the_director_lets_a_member_manage_businesses(client, office, people):
    member = Membership.objects.get(user=people["member"])
    client.force_login(people["member"])
    assert client.get(url("businesses", office)).status_code == 403
    # a member cannot allow itself
    client.post(url("member_businesses", office, member.pk), {"allowed": "1"})
    member.refresh_from_db()
    assert not member.can_manage_businesses
    client.force_login(people["director"])
    response = client.post(url("member_businesses", office, member.pk), {"allowed": "1"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.can_manage_businesses
    assert "gère les prestataires" in client.get(url("team", office)).text
    client.force_login(people["member"])
    assert client.get(url("businesses", office)).status_code == 200
    assert "Gérer les prestataires" in client.get(url("office", office)).text


# --- the list -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 130])
def test_the_list_runs_the_same_queries_whatever_the_number_of_businesses(
    client, office, director, business_campaign, size, django_assert_num_queries
):
    businesses = [factories.make_business(office) for _ in range(size)]
    for business in businesses[::2]:
        services.business_link_issue(business=business, campaign=business_campaign)
    for business in businesses[::3]:
        Diagnostic.objects.create(
            organisation=business,
            campaign=business_campaign,
            questionnaire=business_campaign.questionnaire,
        )
    client.force_login(director)
    # session, user, office (with the role), current campaign, count, the page's
    # businesses (with links and diagnostics)
    for number in (1, 3):
        with django_assert_num_queries(6):
            response = client.get(url("businesses", office), {"page": number})
    assert response.text.count('name="business"') == (size if size < 50 else 30)


def test_the_list_is_paginated_and_its_links_keep_the_filters_and_the_order(
    client, office, director, business_campaign
):
    for n in range(120):
        factories.make_business(office, f"Prestataire {n:03}", commune=f"Commune {119 - n:03}")
    factories.make_business(office, "Restaurant", segment="restauration")
    client.force_login(director)
    first = client.get(url("businesses", office)).text
    assert first.count('name="business"') == 50
    assert "Prestataire 000" in first and "Prestataire 050" not in first
    assert "121 prestataires, page 1 sur 3 (1 à 50)" in first
    assert '<nav class="mt-3" aria-label="Pages de la liste des prestataires">' in first
    assert 'href="?page=1" aria-current="page">1</a>' in first
    assert 'href="?page=2">Page suivante</a>' in first
    query = {"activite": "hebergement", "statut": "none", "tri": "commune", "page": "3"}
    last = client.get(url("businesses", office), query).text
    assert last.count('name="business"') == 20  # 120 accommodations, the restaurant filtered
    assert "Prestataire 119" not in last and "Prestataire 000" in last  # by commune
    assert "120 prestataires (filtrés), page 3 sur 3 (101 à 120)" in last
    kept = "activite=hebergement&amp;statut=none&amp;tri=commune"
    assert f'href="?{kept}&amp;page=3" aria-current="page">3</a>' in last
    assert f'href="?{kept}&amp;page=2">Page précédente</a>' in last
    # a page past the end shows the last one; a bad order the default one
    beyond = client.get(url("businesses", office), {"page": "99", "tri": "x"}).text
    assert "page 3 sur 3" in beyond and "Restaurant" in beyond
    one_page = client.get(url("businesses", office), {"activite": "restauration"}).text
    assert "aria-current" not in one_page and "Pages de la liste" not in one_page


def test_the_list_shows_each_status_and_filters_by_it(
    client, office, director, business_campaign, gite
):
    restaurant = factories.make_business(office, "Le Relais du Pont", segment="restauration")
    camping = factories.make_business(office, "Camping du Lac")
    factories.make_business(office, "Musée de la Noix", segment="sites")
    services.business_link_issue(business=restaurant, campaign=business_campaign)
    link, token = services.business_link_issue(business=camping, campaign=business_campaign)
    services.business_link_open(token=token)
    diagnostic = Diagnostic.objects.create(
        organisation=gite,
        campaign=business_campaign,
        questionnaire=business_campaign.questionnaire,
        status=Diagnostic.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    assert diagnostic.pk
    client.force_login(director)
    page = client.get(url("businesses", office)).text
    for label in ("soumis", "invité", "lien ouvert", "pas encore invité"):
        assert f">{label}</span>" in page
    opened = client.get(url("businesses", office), {"statut": "opened"}).text
    assert "Camping du Lac" in opened and "Relais du Pont" not in opened
    food = client.get(url("businesses", office), {"activite": "restauration"}).text
    assert "Relais du Pont" in food and "Camping du Lac" not in food
    # an unknown filter is ignored rather than an error
    assert client.get(url("businesses", office), {"statut": "x'--"}).status_code == 200


# --- add and edit ------------------------------------------------------------------------


def test_a_duplicate_business_is_refused_clearly(client, office, director, gite):
    client.force_login(director)
    same_email = {
        "name": "Autre nom",
        "segment": "hebergement",
        "commune": "Ailleurs",
        "email": "GITE@troischenes.fr",
    }
    response = client.post(url("business_add", office), same_email)
    assert response.status_code == 400
    assert "a déjà l’adresse gite@troischenes.fr" in response.text
    same_name = {**same_email, "name": "gite des trois chenes", "commune": "CASTELROC"}
    same_name["email"] = "autre@example.org"
    response = client.post(url("business_add", office), same_name)
    assert response.status_code == 400
    assert "s’appelle déjà « Gîte des Trois Chênes » à Castelroc" in response.text
    assert Business.objects.filter(parent=office).count() == 1


def test_the_same_business_may_exist_in_another_office(client, office, other_office, director):
    factories.make_business(other_office, "Gîte des Trois Chênes", email="gite@troischenes.fr")
    client.force_login(director)
    data = {
        "name": "Gîte des Trois Chênes",
        "segment": "hebergement",
        "commune": "Castelroc",
        "email": "gite@troischenes.fr",
    }
    assert client.post(url("business_add", office), data).status_code == 302


def test_a_bad_form_says_why_in_french_and_changes_nothing(client, office, director, gite):
    client.force_login(director)
    response = client.post(
        url("business_edit", office, gite.pk),
        {"name": "", "segment": "cat1", "commune": "Castelroc", "email": "pas-une-adresse"},
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.text
    assert "Saisissez une adresse e-mail valide" in response.text
    assert "Sélectionnez un choix valide" in response.text
    gite.refresh_from_db()
    assert gite.name == "Gîte des Trois Chênes" and gite.segment == "hebergement"


# --- the business campaign ----------------------------------------------------------------


def test_the_office_opens_one_business_campaign_at_a_time(
    client, office, director, business_questionnaire
):
    client.force_login(director)
    today = timezone.localdate()
    data = {"name": "Prestataires 2026", "opens": today, "closes": today + timedelta(days=30)}
    response = client.post(url("business_campaign_open", office), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(organiser=office)
    assert campaign.questionnaire == business_questionnaire
    assert campaign.audience == Audience.BUSINESSES
    response = client.post(
        url("business_campaign_open", office), {**data, "name": "Bis"}, follow=True
    )
    assert "est déjà en cours" in response.text
    assert Campaign.objects.filter(organiser=office).count() == 1


def test_a_campaign_with_bad_dates_is_refused(client, office, director, business_questionnaire):
    client.force_login(director)
    today = timezone.localdate()
    data = {"name": "À l’envers", "opens": today, "closes": today - timedelta(days=1)}
    response = client.post(url("business_campaign_open", office), data, follow=True)
    assert "La date de clôture doit suivre la date d’ouverture" in response.text
    assert not Campaign.objects.filter(organiser=office).exists()


def test_no_business_campaign_without_a_business_questionnaire(client, office, director):
    factories.build_questionnaire()  # an office questionnaire is not enough
    client.force_login(director)
    today = timezone.localdate()
    data = {"name": "Prestataires", "opens": today, "closes": today + timedelta(days=9)}
    response = client.post(url("business_campaign_open", office), data, follow=True)
    assert "Aucun questionnaire destiné aux prestataires" in response.text
    assert not Campaign.objects.filter(organiser=office).exists()


# --- invitations ---------------------------------------------------------------------------


def test_inviting_the_uninvited_sends_each_its_own_link(
    client, office, director, business_campaign, gite, django_capture_on_commit_callbacks
):
    other = factories.make_business(office, "Le Relais du Pont", email="relais@example.org")
    already = factories.make_business(office, "Camping du Lac", email="lac@example.org")
    services.business_link_issue(business=already, campaign=business_campaign)
    factories.make_business(office, "Sans adresse", email="")
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("businesses_invite", office), {"uninvited": "1"})
    assert response.status_code == 302
    assert response.url.startswith(f"/offices/{office.slug}/prestataires/envois/")
    assert sorted(m.to[0] for m in mail.outbox) == ["gite@troischenes.fr", "relais@example.org"]
    message = next(m for m in mail.outbox if m.to == [other.email])
    assert "15 minutes" in message.body and "même lien" in message.body
    assert business_campaign.closes.strftime("%Y") in message.body
    token = re.search(r"/prestataire/([^/\s]+)/", message.body).group(1)
    link = services.business_link_open(token=token)
    assert link.business == other and link.sent_count == 1 and link.last_sent_at
    html = message.alternatives[0][0]
    assert f"/prestataire/{token}/" in html
    page = client.get(response.url)
    assert "2 / 2 envoyés" in page.text
    assert client.get(response.url, {"format": "json"}).json()["done"] is True


def test_inviting_chosen_businesses_ignores_those_of_another_office(
    client,
    office,
    other_office,
    director,
    business_campaign,
    gite,
    django_capture_on_commit_callbacks,
):
    theirs = factories.make_business(other_office, "Camping du Lac")
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("businesses_invite", office), {"business": [gite.pk, theirs.pk, "x"]})
    assert [m.to for m in mail.outbox] == [[gite.email]]
    assert not BusinessLink.objects.filter(business=theirs).exists()


def test_another_office_cannot_read_a_batch_progress(
    client, office, other_office, director, stranger, business_campaign, gite
):
    client.force_login(director)
    progress_url = client.post(url("businesses_invite", office), {"uninvited": "1"}).url
    batch = progress_url.rstrip("/").rsplit("/", 1)[1]
    client.force_login(stranger)
    assert client.get(progress_url).status_code == 404
    response = client.get(url("businesses_progress", other_office, batch))
    assert response.status_code == 403


@DATABASE_TASKS
def test_the_progress_page_reloads_itself_without_javascript_until_the_batch_is_sent(
    client, office, director, business_campaign, gite, django_capture_on_commit_callbacks
):
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        progress_url = client.post(url("businesses_invite", office), {"uninvited": "1"}).url
    refresh = '<noscript><meta http-equiv="refresh" content="10"></noscript>'
    waiting = client.get(progress_url).text
    assert "0 / 1 envoyés" in waiting and refresh in waiting
    assert "cette page se recharge toutes les 10 secondes" in waiting
    stopped = client.get(progress_url, {"actualiser": "non"}).text
    assert refresh not in stopped and "Rechargement automatique arrêté." in stopped
    run_worker()
    sent = client.get(progress_url).text
    assert "1 / 1 envoyés" in sent and 'http-equiv="refresh"' not in sent
    assert "se recharge" not in sent and [m.to for m in mail.outbox] == [[gite.email]]


def test_resending_replaces_the_link_and_counts_the_sendings(
    client, office, director, business_campaign, gite, django_capture_on_commit_callbacks
):
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("businesses_link_resend", office, gite.pk))
    first = re.search(r"/prestataire/([^/\s]+)/", mail.outbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("businesses_link_resend", office, gite.pk))
    second = re.search(r"/prestataire/([^/\s]+)/", mail.outbox[1].body).group(1)
    assert first != second
    assert client.get(reverse("diagnostics:business_link_home", args=[first])).status_code == 410
    assert services.business_link_open(token=second).sent_count == 2


def test_revoking_stops_the_link_and_keeps_the_answers(
    client, office, director, business_campaign, gite
):
    link, token = services.business_link_issue(business=gite, campaign=business_campaign)
    client.force_login(director)
    response = client.post(url("businesses_link_revoke", office, gite.pk), follow=True)
    assert "désactivé" in response.text
    assert client.get(reverse("diagnostics:business_link_home", args=[token])).status_code == 410
    response = client.post(url("businesses_link_revoke", office, gite.pk), follow=True)
    assert "n’a pas de lien actif" in response.text


def test_a_closed_campaign_sends_nothing(client, office, director, business_questionnaire, gite):
    today = timezone.localdate()
    Campaign.objects.create(
        questionnaire=business_questionnaire,
        name="Prestataires 2024",
        opens=today - timedelta(days=400),
        closes=today - timedelta(days=300),
        audience=Audience.BUSINESSES,
        organiser=office,
    )
    client.force_login(director)
    response = client.post(url("businesses_link_resend", office, gite.pk), follow=True)
    assert "est close" in response.text
    assert not mail.outbox and not BusinessLink.objects.exists()


def test_a_batch_of_invitations_travels_through_one_smtp_connection(
    client, office, director, business_campaign, smtp_server, django_capture_on_commit_callbacks
):
    businesses = [
        factories.make_business(office, f"Prestataire {n}", email=f"p{n}@example.org")
        for n in range(5)
    ]
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("businesses_invite", office), {"uninvited": "1"})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 5
    assert len(smtp_server.sessions) == 1  # one SMTP connection for the batch
    by_address = {message["To"]: message for message in smtp_server.messages}
    assert set(by_address) == {b.email for b in businesses}
    for business in businesses:
        message = by_address[business.email]
        assert office.name in message["Subject"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        token = re.search(r"/prestataire/([^/\s]+)/", text).group(1)
        assert f"/prestataire/{token}/" in html
        page = client.get(reverse("diagnostics:business_link_home", args=[token]))
        assert page.status_code == 200 and business.name in page.text
    assert "5 / 5 envoyés" in client.get(response.url).text


@pytest.mark.parametrize("who", WHO)
def test_every_business_page_checks_who_asks(
    client, office, people, gite, business_campaign, who, django_capture_on_commit_callbacks
):
    """Each page and action of the office's businesses, with each kind of visitor."""
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.business_invitations_send(
            campaign=business_campaign, businesses=[gite], base_url="http://testserver"
        )
    mail.outbox.clear()
    today = timezone.localdate()
    requests = [
        ("get", url("businesses", office), {}),
        ("get", url("business_add", office), {}),
        ("get", url("business_edit", office, gite.pk), {}),
        ("get", url("businesses_import", office), {}),
        ("get", url("businesses_progress", office, batch), {}),
        ("post", url("businesses_import_confirm", office), {"key": "0" * 32}),
        ("post", url("business_campaign_open", office), {"name": "X", "opens": today}),
        ("post", url("businesses_link_resend", office, gite.pk), {}),
        ("post", url("businesses_link_revoke", office, gite.pk), {}),
    ]
    login_as(client, people, who)
    for method, address, data in requests:
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(client, method)(address, data)
        expected = EXPECTED[who]
        if expected == 200:
            assert response.status_code in (200, 302), address
            if response.status_code == 302:
                assert response.url.startswith(f"/offices/{office.slug}/"), address
        elif expected == 302:
            assert response.status_code == 302 and "/comptes/login/" in response.url, address
        else:
            assert response.status_code == expected, address
    link = BusinessLink.objects.get(business=gite, campaign=business_campaign, sent_count=1)
    if EXPECTED[who] == 200:
        assert link.revoked_at is not None and len(mail.outbox) == 1  # resent, then revoked
    else:
        assert link.revoked_at is None and not mail.outbox
        assert BusinessLink.objects.filter(business=gite).count() == 1


@pytest.mark.parametrize("size", [3, 30])
def test_sending_invitations_runs_the_same_queries_whatever_their_number(
    client,
    office,
    director,
    business_campaign,
    size,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    """Links are issued in bulk and the e-mails rendered by the task: 30 invitations cost
    the request, and then the task, no more queries than 3."""
    for _ in range(size):
        factories.make_business(office)
    client.force_login(director)
    # session, user, office (with the role), current campaign, uninvited businesses;
    # savepoint, live links (locked on PostgreSQL), revoked, new links, release
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(10):
        client.post(url("businesses_invite", office), {"uninvited": "1"})
    # the links with their business and office; their new tokens' hashes, in one UPDATE
    with django_assert_num_queries(2):
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == size


def test_the_request_stores_the_links_and_the_task_renders_the_emails(
    client, office, director, business_campaign, gite, django_capture_on_commit_callbacks
):
    client.force_login(director)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("businesses_invite", office), {"uninvited": "1"})
    rendered = [template.name for template in response.templates]
    assert not [name for name in rendered if name.startswith("emails/")]
    assert BusinessLink.objects.filter(business=gite).exists() and not mail.outbox
    assert len(callbacks) == 1  # the batch, enqueued once the links are committed
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[gite.email]]
    token = re.search(r"/prestataire/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert services.business_link_open(token=token).business == gite


def test_no_invitation_leaves_for_links_that_were_rolled_back(business_campaign, gite):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.business_invitations_send(
            campaign=business_campaign, businesses=[gite], base_url="http://testserver"
        )
        raise RuntimeError("la transaction de la requête échoue après coup")
    assert not mail.outbox and not BusinessLink.objects.exists()


def test_a_failed_invitation_is_retried_without_resending_those_that_left(
    office, business_campaign, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    businesses = [
        factories.make_business(office, f"Prestataire {n}", email=f"p{n}@example.org")
        for n in range(3)
    ]
    real_send, tried = EmailMessage.send, []

    def flaky(self, *args, **kwargs):
        tried.append(self.to[0])
        if self.to == ["p1@example.org"] and tried.count("p1@example.org") == 1:
            raise OSError("serveur SMTP indisponible")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.business_invitations_send(
            campaign=business_campaign, businesses=businesses, base_url="http://testserver"
        )
    assert tried == ["p0@example.org", "p1@example.org", "p1@example.org", "p2@example.org"]
    assert [m.to[0] for m in mail.outbox] == ["p0@example.org", "p1@example.org", "p2@example.org"]
    progress = messages_progress(batch_id=batch)
    assert (progress["sent"], progress["total"], progress["state"]) == (3, 3, "sent")
    assert progress["attempt"] == 2


def test_a_link_revoked_before_its_email_left_is_not_sent(
    office, business_campaign, gite, django_capture_on_commit_callbacks
):
    other = factories.make_business(office, "Le Relais du Pont", email="relais@example.org")
    with django_capture_on_commit_callbacks() as callbacks:
        batch = services.business_invitations_send(
            campaign=business_campaign, businesses=[gite, other], base_url="http://testserver"
        )
    services.business_link_revoke(link=BusinessLink.objects.get(business=gite))
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert messages_progress(batch_id=batch)["sent"] == 2
