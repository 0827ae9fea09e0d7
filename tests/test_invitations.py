"""Onboarding by invitation: the services, the link's refusals, and mail through real SMTP."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from diagnostics import selectors, services
from diagnostics.models import Diagnostic, Invitation, Membership, Reminder
from tests import factories
from tests.loaded import loaddata
from tests.smtp import free_port
from tests.test_tasks import DATABASE_TASKS, run_worker

BASE = "https://snut.example.org/"
User = get_user_model()


def invite(office, address="camille@office.fr", role=Membership.Role.MEMBER, by=None, **kw):
    return services.invitation_create(
        office=office, email=address, role=role, invited_by=by, base_url=BASE, **kw
    )


def link_of(message) -> str:
    return re.search(r"https://snut\.example\.org(/\S+/)", message.body).group(1)


def token_of(message) -> str:
    return link_of(message).rstrip("/").rsplit("/", 1)[1]


def accept(office, token, **kw):
    fields = {"first_name": "Camille", "last_name": "Martin", "password": "Brume-2026-sentier"}
    return services.invitation_accept(slug=office.slug, token=token, **{**fields, **kw})


def snapshot():
    return (
        User.objects.count(),
        Membership.objects.count(),
        list(Invitation.objects.values_list("accepted_at", "revoked_at", "token_hash")),
    )


# --- creating and sending -----------------------------------------------------------


def test_an_invitation_sends_a_french_mail_in_text_and_html(office, director, settings):
    settings.SNUT_NETWORK_NAME = "Réseau des offices de Brumeland"
    director.first_name, director.last_name = "Anne", "Durand"
    director.save()
    invitation = invite(office, "  Camille@Office.FR ", by=director)
    assert invitation.email == "camille@office.fr"
    assert invitation.last_sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["camille@office.fr"]
    assert office.name in message.subject
    assert (
        "Anne Durand vous invite à rejoindre sur SNUT l’équipe de l’office de tourisme"
        in message.body
    )
    assert "Réseau des offices de Brumeland" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and office.name in html and link_of(message) in html
    # Only a hash of the token is kept.
    token = token_of(message)
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_the_link_is_valid_for_the_configured_number_of_days(office, settings):
    settings.INVITATION_MAX_AGE_DAYS = 3
    now = timezone.now()
    invitation = invite(office, now=now)
    assert invitation.expires_at == now + timedelta(days=3)


@pytest.mark.parametrize(
    ("address", "message"),
    [("pas-une-adresse", services.EMAIL_INVALID), ("x" * 150 + "@a.fr", services.EMAIL_INVALID)],
)
def test_a_bad_address_is_refused(office, address, message):
    with pytest.raises(ValidationError) as error:
        invite(office, address)
    assert error.value.messages == [message]
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_bad_role_is_refused(office):
    with pytest.raises(ValidationError, match="Choisissez un rôle"):
        invite(office, role="admin")
    assert not Invitation.objects.exists()


def test_staff_and_members_cannot_be_invited(office, director):
    factories.make_user("mopa", email="mopa@reseau.fr", is_staff=True)
    with pytest.raises(ValidationError) as error:
        invite(office, "mopa@reseau.fr")
    assert error.value.messages == [services.MEMBERSHIP_STAFF_REFUSED]
    director.email = "dir@office.fr"
    director.save()
    with pytest.raises(ValidationError, match="fait déjà partie"):
        invite(office, "DIR@office.fr")
    assert not Invitation.objects.exists()


def test_a_second_invitation_to_a_pending_address_is_refused(office):
    invite(office)
    with pytest.raises(ValidationError, match="déjà en attente"):
        invite(office, "CAMILLE@office.fr")
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_an_expired_invitation_gives_way_to_a_new_one(office):
    old = invite(office, now=timezone.now() - timedelta(days=30))
    new = invite(office)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.pk != old.pk


def test_a_mail_that_cannot_leave_is_retried_by_the_task_queue_and_the_invitation_kept(
    office, settings
):
    # (through the settings fixture, not override_settings: the two would not unwind in order)
    settings.TASKS = DATABASE_TASKS.options["TASKS"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    invitation = invite(office)  # the page answers at once: the e-mail waits in the queue
    assert invitation.last_sent_at is not None
    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "Connection refused" in failed.traceback or "Errno" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.args_kwargs["kwargs"]["invitation_ids"] == [invitation.pk]  # ids, no link
    # The invitation stays pending: it can be resent (a new link) meanwhile.
    assert services.invitation_resend(invitation=invitation, base_url=BASE).pk == invitation.pk


# --- accepting ---------------------------------------------------------------------


def test_accepting_creates_the_account_named_by_the_email_and_the_membership(office):
    invite(office, "Camille@Office.fr", role=Membership.Role.DIRECTOR)
    membership = accept(office, token_of(mail.outbox[0]))
    user = membership.user
    assert (user.username, user.email) == ("camille@office.fr", "camille@office.fr")
    assert user.get_full_name() == "Camille Martin" and user.check_password("Brume-2026-sentier")
    assert membership.office == office and membership.role == Membership.Role.DIRECTOR
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_a_weak_password_is_refused_by_djangos_validators(office):
    invite(office)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        accept(office, token_of(mail.outbox[0]), password="12345678")
    assert any("entièrement numérique" in m for m in error.value.messages)
    assert snapshot() == before


def test_a_name_is_required(office):
    invite(office)
    with pytest.raises(ValidationError, match="prénom et votre nom"):
        accept(office, token_of(mail.outbox[0]), first_name=" ")
    assert not User.objects.filter(email="camille@office.fr").exists()


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        ("reused", "used"),
        ("expired", "expired"),
        ("revoked", "revoked"),
        ("other_office", "invalid"),
        ("tampered", "invalid"),
    ],
)
def test_a_spoilt_link_is_refused_and_changes_nothing(office, other_office, spoil, code):
    invitation = invite(office)
    token, slug, now = token_of(mail.outbox[0]), office.slug, None
    if spoil == "reused":
        accept(office, token)
    elif spoil == "expired":
        now = invitation.expires_at + timedelta(seconds=1)
    elif spoil == "revoked":
        services.invitation_revoke(invitation=invitation)
    elif spoil == "other_office":
        slug = other_office.slug
    else:
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(
            slug=slug,
            token=token,
            first_name="Eve",
            last_name="Intruse",
            password="Pass-2026-x!",
            now=now,
        )
    assert error.value.code == code
    assert snapshot() == before


def test_an_existing_account_joins_once_logged_in(office, other_office):
    someone = factories.make_user("dominique", email="dom@office.fr", office=other_office)
    invite(office, "dom@office.fr")
    token = token_of(mail.outbox[0])
    with pytest.raises(ValidationError) as error:
        accept(office, token)  # anonymous: the page asks to log in
    assert error.value.code == "account_exists"
    intruder = factories.make_user("intrus", email="intrus@office.fr")
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(slug=office.slug, token=token, user=intruder)
    assert error.value.code == "other_account"
    membership = services.invitation_accept(slug=office.slug, token=token, user=someone)
    assert membership.user == someone and set(someone.offices.all()) == {office, other_office}
    assert User.objects.filter(email="dom@office.fr").count() == 1


def test_resending_issues_a_new_link_and_kills_the_old_one(office):
    invitation = invite(office, now=timezone.now() - timedelta(days=10))
    old = token_of(mail.outbox[0])
    resent = services.invitation_resend(invitation=invitation, base_url=BASE)
    assert resent.expires_at > timezone.now() + timedelta(days=6)
    new = token_of(mail.outbox[1])
    with pytest.raises(ValidationError) as error:
        accept(office, old)
    assert error.value.code == "invalid"
    assert accept(office, new).office == office


def test_an_accepted_invitation_can_be_neither_resent_nor_revoked(office):
    invitation = invite(office)
    accept(office, token_of(mail.outbox[0]))
    for action in (
        lambda: services.invitation_resend(invitation=invitation, base_url=BASE),
        lambda: services.invitation_revoke(invitation=invitation),
    ):
        with pytest.raises(ValidationError, match="déjà été acceptée ou révoquée"):
            action()
    assert len(mail.outbox) == 1


def test_the_status_follows_the_dates(office):
    now = timezone.now()
    pending = invite(office, "a@office.fr", now=now)
    expired = invite(office, "b@office.fr", now=now - timedelta(days=8))
    revoked = services.invitation_revoke(invitation=invite(office, "c@office.fr"))
    accepted = invite(office, "d@office.fr")
    accept(office, token_of(mail.outbox[-1]))
    statuses = dict(
        selectors.invitations_with_status(Invitation.objects.all(), now=now).values_list(
            "pk", "status"
        )
    )
    assert statuses == {
        pending.pk: "pending",
        expired.pk: "expired",
        revoked.pk: "revoked",
        accepted.pk: "accepted",
    }


# --- memberships --------------------------------------------------------------------


def test_membership_add_refuses_staff(office):
    staff = factories.make_user("mopa", is_staff=True)
    with pytest.raises(ValidationError) as error:
        services.membership_add(office=office, user=staff, role=Membership.Role.MEMBER)
    assert error.value.messages == [services.MEMBERSHIP_STAFF_REFUSED]
    assert not office.memberships.filter(user=staff).exists()


def test_the_last_director_can_be_neither_demoted_nor_removed(office, director):
    membership = director.memberships.get()
    with pytest.raises(ValidationError) as error:
        services.membership_role_change(membership=membership, role=Membership.Role.MEMBER)
    assert error.value.messages == [services.LAST_DIRECTOR]
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.DIRECTOR
    other = factories.make_user("second", office=office).memberships.get()
    services.membership_role_change(membership=membership, role=Membership.Role.MEMBER)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=other)
    services.membership_remove(membership=membership)
    assert list(office.memberships.all()) == [other]


# --- reminders ----------------------------------------------------------------------


@pytest.fixture
def region(campaign, office, director):
    """Three offices: one submitted, one with two directors and a member, one without director."""
    director.email = "dir@val.fr"
    director.save()
    factories.make_user("membre-val", email="membre@val.fr", office=office, role="member")
    done = factories.make_office("Office de tourisme d’Ardoise")
    factories.make_user(email="dir@ardoise.fr", office=done)
    diagnostic = Diagnostic.objects.create(
        organisation=done, campaign=campaign, questionnaire=campaign.questionnaire
    )
    factories.answer_all(diagnostic)
    services.diagnostic_submit(
        diagnostic=diagnostic, user=factories.director_of(diagnostic.organisation)
    )
    busy = factories.make_office("Office de tourisme de Brume")
    factories.make_user(email="a@brume.fr", office=busy)
    factories.make_user(email="b@brume.fr", office=busy)
    empty = factories.make_office("Office de tourisme sans direction")
    return {"done": done, "busy": busy, "empty": empty}


def test_reminders_go_to_the_directors_of_offices_that_have_not_submitted(campaign, region, office):
    reminder = services.campaign_remind(campaign=campaign, sent_by=None, base_url=BASE)
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    assert recipients == [("a@brume.fr", "b@brume.fr"), ("dir@val.fr",)]
    assert reminder.recipients == 2 and Reminder.objects.get() == reminder
    message = next(m for m in mail.outbox if m.to == ["dir@val.fr"])
    assert campaign.name in message.subject and "Val d’Albret" in message.subject
    link = BASE.rstrip("/") + reverse("diagnostics:office", args=[office.slug])
    assert link in message.body and link in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"


def test_a_closed_campaign_or_nobody_to_remind_sends_nothing(questionnaire, office):
    closed = factories.closed_campaign(questionnaire)
    with pytest.raises(ValidationError, match="n’est pas ouverte"):
        services.campaign_remind(campaign=closed, sent_by=None, base_url=BASE)
    current = factories.open_campaign(questionnaire)  # the office has no director
    with pytest.raises(ValidationError, match="Aucun office à relancer"):
        services.campaign_remind(campaign=current, sent_by=None, base_url=BASE)
    assert not mail.outbox and not Reminder.objects.exists()


# --- a real SMTP server -------------------------------------------------------------


def test_an_invitation_travels_through_a_real_smtp_server(client, office, smtp_server):
    invite(office, "camille@office.fr")
    (message,) = smtp_server.messages
    assert message["To"] == "camille@office.fr"
    # (the header's folding may turn the non-breaking space into a plain one)
    expected = f"SNUT — invitation à rejoindre l’équipe\u00a0: {office.name}"
    assert message["Subject"].split() == expected.split()
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    path = re.search(r"https://snut\.example\.org(/\S+/)", text).group(1)
    assert path in html and office.name in html
    response = client.get(path)
    assert response.status_code == 200
    assert "Créer mon compte et rejoindre l’équipe" in response.content.decode()


def test_the_reminder_batch_uses_one_smtp_connection(campaign, region, smtp_server):
    services.campaign_remind(campaign=campaign, sent_by=None, base_url=BASE)
    assert len(smtp_server.messages) == 2
    assert len(smtp_server.sessions) == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_has_one_pending_invitation_however_often_it_is_seeded(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    loaddata("questionnaire_snut")
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    (invitation,) = selectors.invitations_with_status(Invitation.objects.all())
    assert invitation.status == "pending" and not mail.outbox


def test_mail_and_onboarding_settings_come_from_the_environment():
    from tests.test_settings import PRODUCTION_ENV, manage

    code = (
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL,"
        " s.DEFAULT_FROM_EMAIL, s.INVITATION_MAX_AGE_DAYS, s.SNUT_NETWORK_NAME, sep='|')"
    )
    env = {
        **PRODUCTION_ENV,
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "snut",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": "1",
        "DEFAULT_FROM_EMAIL": "SNUT <snut@example.org>",
        "INVITATION_MAX_AGE_DAYS": "3",
        "SNUT_NETWORK_NAME": "Réseau des offices de Brumeland",
    }
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "snut",
        "secret",
        "True",
        "False",
        "SNUT <snut@example.org>",
        "3",
        "Réseau des offices de Brumeland",
    ]


def test_a_lost_race_to_invite_the_same_address_is_a_clear_message(office, monkeypatch):
    """Where row locks are no-ops, the database constraint catches the second invitation."""
    from django.db import IntegrityError

    def create(**kwargs):
        raise IntegrityError("invitation_one_open_per_address")

    monkeypatch.setattr(Invitation.objects, "create", create)
    with pytest.raises(ValidationError, match="déjà en attente pour camille@office.fr"):
        invite(office, "Camille@office.fr")
    assert not mail.outbox


def test_an_office_whose_direction_has_no_address_is_reminded_at_its_own(campaign, region):
    """Issue 19, item 7: a director without an e-mail address no longer hides the office."""
    silent = factories.make_office("Office de tourisme du Silence")
    factories.make_user("muet", email="", office=silent)
    assert [o.name for o in selectors.unreachable_offices().order_by("name")] == [
        "Office de tourisme du Silence",
        "Office de tourisme sans direction",
    ]
    silent.email = "accueil@silence.fr"
    silent.save()
    services.campaign_remind(campaign=campaign, sent_by=None, base_url=BASE)
    assert ["accueil@silence.fr"] in [m.to for m in mail.outbox]
    assert list(selectors.unreachable_offices()) == [region["empty"]]
