"""No secret in the task queue: the README's promises read from the task table itself.

« Only hashes are stored »: a link's token exists in clear only in its e-mail, never
in a task's arguments, result or traceback. « Staff can never become members »:
the network's staff, who read « Tâches en arrière-plan », find no link there to
accept an invitation with (issue 19, item 1).
"""

import importlib
import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from diagnostics import services
from diagnostics.models import Audience, BusinessLink, Invitation, Membership
from diagnostics.tokens import token_hash
from tests import factories
from tests.test_invitations import BASE, accept, invite, token_of
from tests.test_tasks import DATABASE_TASKS, run_worker

cleaning = importlib.import_module("diagnostics.migrations.0018_task_arguments_without_tokens")


def task_table() -> str:
    """Everything the task table holds that a person could read, as one text."""
    rows = DBTaskResult.objects.values(
        "task_path", "args_kwargs", "return_value", "traceback", "exception_class_path"
    )
    return json.dumps(list(rows), default=str)


def business_token_of(message) -> str:
    return re.search(r"/prestataire/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def network_staff(db):
    user = factories.make_user("reseau", is_staff=True)
    user.groups.add(services.network_group_sync())
    return user


@pytest.fixture
def business_campaign(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    return factories.open_campaign(questionnaire, organiser=office)


def staff_pages(client, user) -> str:
    """The task list and every task's page, as the network's staff read them."""
    client.force_login(user)
    pages = [client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))]
    for pk in DBTaskResult.objects.values_list("pk", flat=True):
        pages.append(
            client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[pk]))
        )
    assert all(page.status_code == 200 for page in pages)
    return "".join(page.content.decode() for page in pages)


@DATABASE_TASKS
def test_a_director_invitation_queues_ids_only_and_staff_read_no_link(
    client, office, network_staff
):
    invitation = invite(office, "nouvelle@office.fr", role=Membership.Role.DIRECTOR)
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"]["invitation_ids"] == [invitation.pk]
    assert "/invitation/" not in task_table()
    run_worker()
    (message,) = mail.outbox
    token = token_of(message)
    assert token not in task_table() and "/invitation/" not in task_table()
    pages = staff_pages(client, network_staff)
    assert token not in pages and "invitation_ids" not in pages
    assert "DBTaskResult object" not in pages  # each task's page is titled with its name
    # Only the hash is stored, and the link works.
    assert Invitation.objects.get().token_hash == token_hash(token)
    membership = accept(office, token)
    assert membership.role == Membership.Role.DIRECTOR


@DATABASE_TASKS
def test_business_invitations_queue_ids_only(client, office, business_campaign, network_staff):
    business = factories.make_business(office, "Gîte des Trois Chênes", email="gite@example.fr")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.business_invitations_send(
            campaign=business_campaign, businesses=[business], base_url=BASE
        )
    link = BusinessLink.objects.get()
    assert DBTaskResult.objects.get().args_kwargs["kwargs"]["link_ids"] == [link.pk]
    run_worker()
    (message,) = mail.outbox
    token = business_token_of(message)
    assert token not in task_table() and "/prestataire/" not in task_table()
    assert token not in staff_pages(client, network_staff)
    assert services.business_link_open(token=token).pk == link.pk


@DATABASE_TASKS
def test_a_link_revoked_before_its_task_runs_is_not_sent(office):
    invitation = invite(office)
    services.invitation_revoke(invitation=invitation)
    run_worker()
    assert mail.outbox == []


@DATABASE_TASKS
def test_a_resent_invitation_stops_the_previous_link_at_once(office):
    invitation = invite(office)
    run_worker()
    first = token_of(mail.outbox[0])
    services.invitation_resend(invitation=invitation, base_url=BASE)
    # Before the worker sends the new link, the old one already opens nothing.
    with pytest.raises(ValidationError):
        services.invitation_for_link(slug=office.slug, token=first)
    run_worker()
    assert accept(office, token_of(mail.outbox[1])).office == office


@DATABASE_TASKS
def test_the_migration_takes_the_tokens_out_of_queued_rows_which_still_send(
    office, business_campaign
):
    """Rows queued by the previous code, as it wrote them: a business's token, a team
    invitation's rendered e-mail. After the migration they hold ids, and still work."""
    business = factories.make_business(office, "Le Relais du Pont", email="relais@example.fr")
    link, old_token = services.business_link_issue(business=business, campaign=business_campaign)
    invitation = Invitation.objects.create(
        office=office,
        email="camille@office.fr",
        role=Membership.Role.DIRECTOR,
        token_hash=token_hash("ancien-jeton-d-invitation"),
        expires_at=timezone.now() + timedelta(days=7),
    )
    old_link = f"{BASE.rstrip('/')}/offices/{office.slug}/invitation/ancien-jeton-d-invitation/"
    services.business_invitations_task.enqueue(
        invitations=[[link.pk, old_token]], base_url=BASE, batch_id="ancien-lot"
    )
    services.send_messages_task.enqueue(
        messages=[{"subject": "Invitation", "body": f"Rejoignez : {old_link}", "to": ["c@o.fr"]}],
        batch_id=f"invitation-{invitation.pk}-1764000000.0",
    )
    # The previous code queued its tasks under diagnostics.tasks (now a re-export).
    for row in DBTaskResult.objects.all():
        row.task_path = "diagnostics.tasks." + row.task_path.rsplit(".", 1)[1]
        row.save(update_fields=["task_path"])
    assert old_token in task_table() and "ancien-jeton" in task_table()

    cleaning.forward(apps, None)

    assert old_token not in task_table() and "ancien-jeton" not in task_table()
    run_worker()
    business_mail, team_mail = sorted(mail.outbox, key=lambda m: m.to[0] != "relais@example.fr")
    assert services.business_link_open(token=business_token_of(business_mail)).pk == link.pk
    with pytest.raises(ValidationError):
        services.business_link_open(token=old_token)
    assert team_mail.to == ["camille@office.fr"]
    assert token_of(team_mail) not in task_table()
    assert accept(office, token_of(team_mail)).role == Membership.Role.DIRECTOR


@DATABASE_TASKS
def test_an_invitation_to_give_an_opinion_queues_ids_only(client, office, network_staff):
    """« Avis de l’équipe »: the person's link is keyed by the task, just before it leaves."""
    from diagnostics.models import Diagnostic, Respondent
    from diagnostics.services import opinions

    director = factories.make_user(office=office)
    questionnaire = factories.build_questionnaire(axes=1, questions=2)
    campaign = factories.open_campaign(questionnaire)
    draft = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire
    )
    opinions.opinion_round_open(
        diagnostic=draft,
        axis_ids=[questionnaire.axes.get().pk],
        asks_importance=False,
        user=director,
    )
    person = opinions.opinion_invite(
        diagnostic=draft,
        name="Martine Cazaubon",
        email="martine@example.org",
        role=Respondent.Role.ELECTED,
        user=director,
        base_url=BASE,
    )
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"]["respondent_ids"] == [person.pk]
    hash_before = Respondent.objects.get(pk=person.pk).token_hash
    run_worker()
    (message,) = mail.outbox
    token = re.search(r"/avis/([^/\s]+)/", message.body).group(1)
    assert token not in task_table() and "/avis/" not in task_table()
    assert token not in staff_pages(client, network_staff)
    stored = Respondent.objects.get(pk=person.pk).token_hash
    assert stored == token_hash(token) != hash_before
    assert opinions.opinion_link_open(token=token).pk == person.pk


@DATABASE_TASKS
def test_session_emails_queue_ids_only(client, office, network_staff):
    """A workshop session's invitation: the task holds link ids; the token is made in it."""
    from diagnostics.models import SessionLink, Training

    workshop = Training.objects.create(
        title="Répondre aux avis", format="workshop", audience="businesses", organiser=office
    )
    session = factories.make_session(workshop, days=20)
    business = factories.make_business(office, "Gîte des Trois Chênes", email="gite@example.fr")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.session_invite(
            office=office, session=session, business_ids=[business.pk], base_url=BASE
        )
    link = SessionLink.objects.get()
    queued = DBTaskResult.objects.get(task_path__endswith="session_emails_task")
    assert queued.args_kwargs["kwargs"]["link_ids"] == [link.pk]
    run_worker()
    (message,) = mail.outbox
    token = re.search(r"/atelier/([^/\s]+)/", message.body).group(1)
    assert token not in task_table() and "/atelier/" not in task_table()
    assert token not in staff_pages(client, network_staff)
    assert services.session_link_open(token=token).pk == link.pk
