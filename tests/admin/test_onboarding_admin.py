"""Onboarding from the admin: an office and its director's invitation, resend, revoke, reminders."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Diagnostic, Invitation, Office, Reminder
from tests import factories

OFFICE_FORM = {
    "name": "Office de tourisme des Trois Rivières",
    "slug": "trois-rivieres",
    "commune": "Trois-Rivières",
    "department": "24",
    "segment": "cat2",
    "legal_form": "association",
    "staff_band": "3-5",
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "invitations-TOTAL_FORMS": "1",
    "invitations-INITIAL_FORMS": "0",
    "invitations-0-email": "direction@trois-rivieres.fr",
    "invitations-0-role": "director",
}


def invite(office, address="camille@office.fr", **kw):
    return services.invitation_create(
        office=office,
        email=address,
        role="director",
        invited_by=None,
        base_url="http://testserver/",
        **kw,
    )


def test_the_network_group_may_invite_but_never_manage_accounts(db):
    codenames = set(Group.objects.get(name="Réseau").permissions.values_list("codename", flat=True))
    assert {"add_invitation", "change_invitation", "view_invitation"} <= codenames
    assert (
        not {
            "delete_invitation",
            "add_reminder",
            "change_reminder",
            "add_user",
            "change_user",
            "delete_user",
            "add_group",
            "change_group",
            "add_permission",
        }
        & codenames
    )


def test_network_staff_create_an_office_and_invite_its_director(client, network_staff):
    client.force_login(network_staff)
    assert client.get(reverse("admin:diagnostics_office_add")).status_code == 200
    response = client.post(reverse("admin:diagnostics_office_add"), OFFICE_FORM)
    assert response.status_code == 302
    office = Office.objects.get(slug="trois-rivieres")
    invitation = Invitation.objects.get(office=office)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "direction@trois-rivieres.fr",
        "director",
        network_staff,
    )
    (message,) = mail.outbox
    assert message.to == ["direction@trois-rivieres.fr"]
    assert "Réseau régional des offices de tourisme vous invite" in message.body
    assert f"http://testserver/offices/{office.slug}/invitation/" in message.body
    page = client.get(reverse("admin:diagnostics_office_change", args=[office.pk]))
    assert "direction@trois-rivieres.fr" in page.content.decode()
    assert "en attente" in page.content.decode()


def test_the_admin_refuses_to_invite_a_staff_address(client, network_staff):
    network_staff.email = "reseau@mopa.fr"
    network_staff.save()
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_office_add"),
        {**OFFICE_FORM, "invitations-0-email": "reseau@mopa.fr"},
    )
    assert response.status_code == 200
    assert services.MEMBERSHIP_STAFF_REFUSED in response.content.decode()
    assert not Office.objects.filter(slug="trois-rivieres").exists()
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_invitation_list_shows_each_status(client, network_staff, office):
    pending = invite(office, "a@office.fr")
    invite(office, "b@office.fr", now=timezone.now() - timedelta(days=9))
    services.invitation_revoke(invitation=invite(office, "c@office.fr"))
    client.force_login(network_staff)
    url = reverse("admin:diagnostics_invitation_changelist")
    page = client.get(url).content.decode()
    for label in ("en attente", "expirée", "révoquée"):
        assert label in page
    filtered = client.get(url, {"statut": "pending", "office__id__exact": office.pk})
    assert filtered.status_code == 200
    assert "a@office.fr" in filtered.content.decode()
    assert "b@office.fr" not in filtered.content.decode()
    assert pending.email in filtered.content.decode()


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_network_staff_resend_or_revoke_from_the_list(client, network_staff, office, action):
    invitation = invite(office)
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_invitation_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [invitation.pk]},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    if action == "resend":
        assert len(mail.outbox) == 2 and mail.outbox[1].to == ["camille@office.fr"]
        assert invitation.revoked_at is None
    else:
        assert invitation.revoked_at is not None and len(mail.outbox) == 1


def test_invitations_cannot_be_deleted_or_edited(client, network_staff, office):
    invitation = invite(office)
    client.force_login(network_staff)
    url = reverse("admin:diagnostics_invitation_delete", args=[invitation.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    change = reverse("admin:diagnostics_invitation_change", args=[invitation.pk])
    client.post(change, {"email": "autre@office.fr", "role": "member"})
    invitation.refresh_from_db()
    assert invitation.email == "camille@office.fr" and invitation.role == "director"


# --- reminders ----------------------------------------------------------------------


@pytest.fixture
def to_remind(campaign, office):
    factories.make_user("dir-val", email="dir@val.fr", office=office)
    done = factories.make_office("Office de tourisme d’Ardoise")
    factories.make_user(email="dir@ardoise.fr", office=done)
    Diagnostic.objects.create(
        organisation=done,
        campaign=campaign,
        questionnaire=campaign.questionnaire,
        status="submitted",
        submitted_at=timezone.now(),
    )
    return office


def test_the_reminder_shows_a_preview_then_sends_once_confirmed(
    client, network_staff, campaign, to_remind
):
    client.force_login(network_staff)
    url = reverse("admin:diagnostics_campaign_changelist")
    preview = client.post(url, {"action": "remind", ACTION_CHECKBOX_NAME: [campaign.pk]})
    page = preview.content.decode()
    assert preview.status_code == 200 and "Aperçu du message" in page
    assert "dir@val.fr" in page and "dir@ardoise.fr" not in page
    assert "Oui, envoyer les relances" in page
    assert not mail.outbox and not Reminder.objects.exists()
    response = client.post(
        url, {"action": "remind", ACTION_CHECKBOX_NAME: [campaign.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["dir@val.fr"]]
    reminder = Reminder.objects.get()
    assert reminder.sent_by == network_staff and reminder.recipients == 1
    listing = client.get(url).content.decode()
    assert "dernière relance" in listing.lower()
    assert timezone.localtime(reminder.sent_at).strftime("%Y") in listing


def test_the_campaign_list_keeps_its_counts_with_reminders(
    client, network_staff, campaign, to_remind
):
    Reminder.objects.create(campaign=campaign)
    Reminder.objects.create(campaign=campaign)
    client.force_login(network_staff)
    page = client.get(reverse("admin:diagnostics_campaign_changelist")).content.decode()
    assert '<td class="field-submitted_count">1</td>' in page


def test_one_campaign_at_a_time(client, network_staff, campaign, questionnaire, to_remind):
    other = factories.open_campaign(questionnaire)
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_campaign_changelist"),
        {"action": "remind", ACTION_CHECKBOX_NAME: [campaign.pk, other.pk], "post": "yes"},
        follow=True,
    )
    assert "Choisissez une seule campagne à relancer." in response.content.decode()
    assert not mail.outbox


def test_a_superuser_making_a_member_staff_is_told_why_and_nothing_changes(client, db):
    member = factories.make_user("membre", office=factories.make_office())
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        k: v
        for k, v in page.context["adminform"].form.initial.items()
        if v is not None and k not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "retirez-le d’abord de ses offices" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_staff


def test_the_reminder_preview_names_the_offices_it_cannot_reach(
    client, network_staff, campaign, to_remind
):
    silent = factories.make_office("Office de tourisme du Silence")
    factories.make_user("muet", email="", office=silent)
    factories.make_office("Office de tourisme sans direction")
    client.force_login(network_staff)
    url = reverse("admin:diagnostics_campaign_changelist")
    page = client.post(url, {"action": "remind", ACTION_CHECKBOX_NAME: [campaign.pk]}).text
    assert "2 offices ne recevront rien" in page
    assert "direction inscrite sans adresse e-mail" in page and "aucune direction inscrite" in page
    assert reverse("admin:diagnostics_office_change", args=[silent.pk]) in page
    offices = client.get(reverse("admin:diagnostics_office_changelist"), {"joignable": "non"})
    assert "Office de tourisme du Silence" in offices.text
    assert to_remind.name not in offices.text
