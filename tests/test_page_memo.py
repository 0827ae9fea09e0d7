"""A page its reader opens again is served as it was, until a table it read is written
(snut/page_memo.py): served again only to the same reader, never stale, never for a
write, never with a message waiting."""

import time

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Diagnostic, Membership, Organisation
from snut import page_memo
from tests import factories


@pytest.fixture
def setting(db):
    office = factories.make_office(name="Office de tourisme de Brantôme")
    director = factories.make_user(office=office)
    questionnaire = factories.build_questionnaire(axes=2, questions=2)
    campaign = factories.open_campaign(questionnaire)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[0])
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    return office, director, reverse("diagnostics:results", args=[diagnostic.pk])


def test_the_same_reader_is_served_the_page_again_without_computing_it(
    setting, client, django_assert_num_queries
):
    office, director, url = setting
    client.force_login(director)
    client.get(url)  # the browser's CSRF cookie, set by a first page
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(2):  # the session and the account, nothing of the page
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Cache-Control"] == first["Cache-Control"]  # private, no-store
    assert again["Content-Security-Policy"]


def test_another_reader_is_never_served_someone_elses_page(setting, client):
    office, director, url = setting
    colleague = factories.make_user(office=office, role=Membership.Role.MEMBER)
    client.force_login(director)
    client.get(url)
    client.force_login(colleague)
    key_of_colleague = page_memo.page_key(client.get(url).wsgi_request)
    client.force_login(director)
    assert page_memo.page_key(client.get(url).wsgi_request) != key_of_colleague


@pytest.mark.parametrize(
    "write",
    [
        lambda office: Organisation.objects.filter(pk=office.pk).update(name="Office de Nontron"),
        lambda office: setattr(office, "name", "Office de Nontron") or office.save(),
        lambda office: connection.cursor().execute(
            "UPDATE diagnostics_organisation SET name = %s WHERE id = %s",
            ["Office de Nontron", office.pk],
        ),
    ],
    ids=["update", "save", "raw-sql"],
)
def test_any_write_to_a_table_the_page_read_makes_it_computed_again(setting, client, write):
    office, director, url = setting
    client.force_login(director)
    assert "Brantôme" in client.get(url).content.decode()
    write(office)
    page = client.get(url).content.decode()
    assert "Nontron" in page and "Brantôme" not in page


def test_a_write_rolled_back_leaves_the_page_as_it_was(setting, client):
    office, director, url = setting
    client.force_login(director)
    client.get(url)
    first = client.get(url).content
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(pk=office.pk).update(name="Office de Nontron")
        raise RuntimeError
    assert client.get(url).content == first


def test_a_removed_member_no_longer_sees_the_page_they_saw(setting, client):
    office, director, url = setting
    client.force_login(director)
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=director).delete()
    assert client.get(url).status_code == 404


def test_a_waiting_message_is_shown_not_skipped(setting, client, rf):
    office, director, url = setting
    client.force_login(director)
    client.get(url)
    client.get(url)
    waiting = [Message(constants.SUCCESS, "Action ajoutée au plan d’action.")]
    client.cookies["messages"] = CookieStorage(rf.get(url))._encode(waiting)
    assert "Action ajoutée au plan d’action." in client.get(url).content.decode()


def test_a_page_older_than_its_lifetime_is_computed_again(
    setting, client, settings, monkeypatch, django_assert_max_num_queries
):
    office, director, url = setting
    client.force_login(director)
    client.get(url)
    later = time.time() + settings.PAGE_MEMO_SECONDS + 1
    monkeypatch.setattr(page_memo.time, "time", lambda: later)
    with django_assert_max_num_queries(100) as captured:
        client.get(url)
    assert len(captured.captured_queries) > 2


def test_a_page_that_writes_while_computed_is_not_kept(db):
    reads = page_memo.Reads()
    with connection.execute_wrapper(reads):
        Organisation.objects.filter(pk=0).update(name="x")
    assert reads.wrote
    reads = page_memo.Reads()
    with connection.execute_wrapper(reads):
        list(Organisation.objects.filter(pk=0))
    assert not reads.wrote and "diagnostics_organisation" in reads.tables


def test_staff_lists_follow_what_they_list(setting, client, django_assert_num_queries):
    office, director, url = setting
    staff = factories.make_user(is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    offices = reverse("admin:diagnostics_office_changelist")
    client.get(reverse("admin:index"))
    assert "Brantôme" in client.get(offices).content.decode()
    with django_assert_num_queries(2):
        client.get(offices)
    Organisation.objects.filter(pk=office.pk).update(name="Office de Nontron")
    assert "Nontron" in client.get(offices).content.decode()


def test_orm_reads_are_not_searched_for_a_write(setting, monkeypatch):
    """cachalot searches raw SQL for a write; the ORM's reads are marked as its own
    (snut/table_stamps_app.py), as its query cache would mark them: not searched."""
    from cachalot import monkey_patch

    searched = []

    class Spy:
        @staticmethod
        def search(sql):
            searched.append(sql)
            return None

    monkeypatch.setattr(monkey_patch, "SQL_DATA_CHANGE_RE", Spy)
    assert list(Organisation.objects.filter(name__contains="Brantôme"))
    assert searched == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert searched == ["select 1"]
