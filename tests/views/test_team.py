"""The team page, the director's actions on it, and the invitation link's page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Invitation, Membership
from tests import factories

User = get_user_model()
WHO = ["director", "member", "stranger", "staff", "anonymous"]


@pytest.fixture
def member(office):
    return factories.make_user(
        "membre", office=office, role=Membership.Role.MEMBER, email="membre@val.fr"
    )


@pytest.fixture
def people(director, member, stranger, staff):
    return {"director": director, "member": member, "stranger": stranger, "staff": staff}


def login_as(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])


def invite(office, address="camille@office.fr", role=Membership.Role.MEMBER, **kw):
    return services.invitation_create(
        office=office,
        email=address,
        role=role,
        invited_by=None,
        base_url="http://testserver/",
        **kw,
    )


def link_of(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


def team_url(office, name="team", *args):
    return reverse(f"diagnostics:{name}", args=[office.slug, *args])


# --- the team page ------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_the_team_page_is_for_the_offices_members(client, office, people, who):
    login_as(client, people, who)
    response = client.get(team_url(office))
    if who == "anonymous":
        assert response.status_code == 302 and reverse("login") in response.url
    elif who in ("stranger", "staff"):
        assert response.status_code == 404
    else:
        page = response.content.decode()
        assert response.status_code == 200
        assert "membre@val.fr" in page and "Direction" in page
        assert ("Envoyer l’invitation" in page) == (who == "director")
        assert ("Changer le rôle" in page) == (who == "director")


def test_the_director_sees_pending_invitations_and_last_activity(client, office, director, member):
    invite(office, "camille@office.fr")
    member.last_login = timezone.now() - timedelta(days=2)
    member.save()
    client.force_login(director)
    page = client.get(team_url(office)).content.decode()
    assert "camille@office.fr" in page and "en attente" in page
    assert "Dernière activité le" in page


def test_the_office_page_links_to_the_team(client, office, director):
    client.force_login(director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert team_url(office) in page


@pytest.mark.parametrize("size", [2, 20])
def test_the_team_page_runs_the_same_queries_whatever_the_team(
    client, office, director, size, django_assert_num_queries
):
    for _ in range(size - 1):
        factories.make_user(office=office, role=Membership.Role.MEMBER)
    for n in range(size // 2):
        invite(office, f"invite{n}@office.fr")
    client.force_login(director)
    # session, user, office, team (with last answers), open invitations
    with django_assert_num_queries(5):
        response = client.get(team_url(office))
    assert (
        response.content.decode().count("Dernière activité")
        + response.content.decode().count("Pas encore d’activité")
        == size
    )


# --- inviting -----------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_the_director_invites(client, office, people, who):
    login_as(client, people, who)
    response = client.post(
        team_url(office, "team_invite"), {"email": "camille@office.fr", "role": "member"}
    )
    expected = {"director": 302, "member": 403, "stranger": 404, "staff": 404, "anonymous": 302}
    assert response.status_code == expected[who]
    assert Invitation.objects.exists() == (who == "director")
    assert len(mail.outbox) == (1 if who == "director" else 0)


def test_a_bad_invitation_comes_back_with_a_french_error(client, office, director, member):
    client.force_login(director)
    response = client.post(
        team_url(office, "team_invite"), {"email": "membre@val.fr", "role": "member"}
    )
    assert response.status_code == 400
    assert "membre@val.fr fait déjà partie de l’équipe de cet office." in response.content.decode()
    response = client.post(team_url(office, "team_invite"), {"email": "nope", "role": "member"})
    assert response.status_code == 400 and "adresse e-mail valide" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


# --- roles and removal --------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_the_director_changes_roles(client, office, people, who, member):
    login_as(client, people, who)
    target = member.memberships.get()
    response = client.post(team_url(office, "member_role", target.pk), {"role": "director"})
    expected = {"director": 302, "member": 403, "stranger": 404, "staff": 404, "anonymous": 302}
    assert response.status_code == expected[who]
    target.refresh_from_db()
    assert (target.role == "director") == (who == "director")


def test_the_last_director_cannot_step_down(client, office, director):
    client.force_login(director)
    mine = director.memberships.get()
    response = client.post(
        team_url(office, "member_role", mine.pk), {"role": "member"}, follow=True
    )
    assert services.LAST_DIRECTOR.replace("’", "’") in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == "director"


def test_another_offices_membership_is_not_found(client, office, director, stranger):
    client.force_login(director)
    theirs = stranger.memberships.get()
    assert (
        client.post(team_url(office, "member_role", theirs.pk), {"role": "member"}).status_code
        == 404
    )
    assert client.post(team_url(office, "member_remove", theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "director"


@pytest.mark.parametrize("who", WHO)
def test_only_the_director_removes_a_member_after_confirming(client, office, people, who, member):
    login_as(client, people, who)
    target = member.memberships.get()
    url = team_url(office, "member_remove", target.pk)
    response = client.get(url)
    expected = {"director": 200, "member": 403, "stranger": 404, "staff": 404, "anonymous": 302}
    assert response.status_code == expected[who]
    if who == "director":
        assert "Oui, retirer" in response.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()  # GET changes nothing
    response = client.post(url)
    assert Membership.objects.filter(pk=target.pk).exists() == (who != "director")


def test_the_last_director_cannot_leave_but_a_second_one_can(client, office, director):
    client.force_login(director)
    mine = director.memberships.get()
    response = client.post(team_url(office, "member_remove", mine.pk), follow=True)
    assert "garder au moins une personne à sa direction" in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk).exists()
    factories.make_user("codirection", office=office)
    response = client.post(team_url(office, "member_remove", mine.pk))
    assert response.url == reverse("diagnostics:home")
    assert not Membership.objects.filter(pk=mine.pk).exists()


# --- resend and revoke --------------------------------------------------------------


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
@pytest.mark.parametrize("who", WHO)
def test_only_the_director_resends_or_revokes(client, office, people, who, action):
    invitation = invite(office)
    login_as(client, people, who)
    response = client.post(team_url(office, action, invitation.pk))
    expected = {"director": 302, "member": 403, "stranger": 404, "staff": 404, "anonymous": 302}
    assert response.status_code == expected[who]
    invitation.refresh_from_db()
    done = who == "director"
    if action == "invitation_resend":
        assert len(mail.outbox) == (2 if done else 1)
    else:
        assert (invitation.revoked_at is not None) == done


def test_another_offices_invitation_is_not_found(client, office, other_office, director):
    theirs = invite(other_office)
    client.force_login(director)
    assert client.post(team_url(office, "invitation_revoke", theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# --- the invitation link ------------------------------------------------------------


def test_a_newcomer_sets_a_name_and_password_and_lands_on_the_office_page(client, office):
    invite(office, "camille@office.fr", role="director")
    url = link_of(mail.outbox[0])
    page = client.get(url)
    assert page.status_code == 200 and "camille@office.fr" in page.content.decode()
    response = client.post(
        url,
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "password1": "Brume-2026-sentier",
            "password2": "Brume-2026-sentier",
        },
    )
    assert response.url == reverse("diagnostics:office", args=[office.slug])
    user = User.objects.get(username="camille@office.fr")
    assert user.memberships.get().role == "director"
    assert client.get(response.url).status_code == 200  # logged in


def test_a_weak_or_mismatched_password_is_refused_in_french(client, office):
    invite(office)
    url = link_of(mail.outbox[0])
    fields = {"first_name": "Camille", "last_name": "Martin"}
    page = client.post(url, {**fields, "password1": "12345678", "password2": "12345678"})
    assert page.status_code == 200
    assert "Ce mot de passe est entièrement numérique." in page.content.decode()
    page = client.post(url, {**fields, "password1": "Brume-2026-a", "password2": "Brume-2026-b"})
    assert "Les deux mots de passe ne correspondent pas." in page.content.decode()
    assert not User.objects.filter(email="camille@office.fr").exists()


@pytest.mark.parametrize(
    ("spoil", "status", "heading"),
    [
        ("reused", 410, "Cette invitation a déjà servi"),
        ("expired", 410, "Cette invitation a expiré"),
        ("revoked", 410, "Cette invitation a été annulée"),
        ("other_office", 400, "Ce lien d’invitation n’est pas valide"),
        ("tampered", 400, "Ce lien d’invitation n’est pas valide"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_spoilt_link_gets_a_clear_french_page(
    client, office, other_office, spoil, status, heading, method
):
    invitation = invite(office)
    url = link_of(mail.outbox[0])
    if spoil == "reused":
        services.invitation_accept(
            slug=office.slug,
            token=url.rstrip("/").rsplit("/", 1)[1],
            first_name="A",
            last_name="B",
            password="Brume-2026-sentier",
        )
    elif spoil == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif spoil == "revoked":
        services.invitation_revoke(invitation=invitation)
    elif spoil == "other_office":
        url = url.replace(office.slug, other_office.slug)
    else:
        url = url[:-3] + ("x/" if url[-2] != "x" else "y/")
    users = User.objects.count()
    fields = {
        "first_name": "E",
        "last_name": "V",
        "password1": "Pass-2026-x!",
        "password2": "Pass-2026-x!",
    }
    response = getattr(client, method)(url, fields if method == "post" else None)
    assert response.status_code == status
    assert (
        heading in response.content.decode()
        and "Rien n’a été modifié." in response.content.decode()
    )
    assert User.objects.count() == users


def test_an_existing_account_is_asked_to_log_in_then_joins(client, office, other_office):
    someone = factories.make_user("dominique", email="dom@office.fr", office=other_office)
    invite(office, "dom@office.fr")
    url = link_of(mail.outbox[0])
    page = client.get(url)
    assert "Se connecter pour accepter" in page.content.decode()
    assert f"{reverse('login')}?next={url}" in page.content.decode()
    assert client.post(url).status_code == 200  # anonymous POST: still the login page
    assert not office.memberships.filter(user=someone).exists()
    client.force_login(someone)
    assert "Rejoindre l’équipe" in client.get(url).content.decode()
    response = client.post(url)
    assert response.url == reverse("diagnostics:office", args=[office.slug])
    assert office.memberships.filter(user=someone, role="member").exists()


@pytest.mark.parametrize("who", ["director", "member", "stranger", "staff"])
def test_someone_else_logged_in_is_refused(client, office, people, who):
    invite(office, "camille@office.fr")
    client.force_login(people[who])
    response = client.post(link_of(mail.outbox[0]))
    assert response.status_code == 403
    assert "Cette invitation est pour quelqu’un d’autre" in response.content.decode()
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()
