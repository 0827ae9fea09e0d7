"""A page its reader opens again is served as it was, until a table it read is written
(snut/page_memo.py): served again only to the same reader, never stale, never for a
write, never with a message waiting."""

import time

import pytest
from cachalot.cache import cachalot_caches
from cachalot.settings import cachalot_settings
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.test import Client
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Audience, Diagnostic, Membership, Organisation
from snut import page_memo
from tests import factories
from tests.territory_data import network_workshop


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
    assert not reads.wrote
    # Of the offices' territories (settings.TABLE_STAMPS_BY_OFFICE): every office's, unscoped.
    assert {"diagnostics_organisation@all", "diagnostics_organisation@scoped"} <= reads.tables


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


def test_reads_are_never_searched_for_a_write(setting, monkeypatch):
    """Only a statement that begins by writing is timestamped (snut/table_stamps.py, ORM and
    raw SQL alike, the test above): cachalot's search of every statement is off."""
    from cachalot import monkey_patch

    searched = []

    class Spy:
        @staticmethod
        def search(sql):
            searched.append(sql)

    monkeypatch.setattr(monkey_patch, "SQL_DATA_CHANGE_RE", Spy)
    assert list(Organisation.objects.filter(name__contains="Brantôme"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert searched == []


# --- An adversarial review: each test below failed before its fix. ---------------------------


def test_a_write_timestamped_before_it_lands_does_not_leave_the_page_stale(setting, client):
    """django-cachalot timestamps an ORM write (save, update) outside a transaction *before*
    it runs, and that write may wait for a lock (SQLite's `timeout`, a row lock on
    PostgreSQL): a page computed in between reads the old row under the new timestamp."""
    office, director, url = setting
    client.force_login(director)
    client.get(url)

    def a_reader_in_between(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and not a_reader_in_between.done:
            a_reader_in_between.done = True
            assert "Brantôme" in client.get(url).text  # the timestamp is new, the row is not
        return execute(sql, params, many, context)

    a_reader_in_between.done = False
    with connection.execute_wrapper(a_reader_in_between):
        Organisation.objects.filter(pk=office.pk).update(name="Office de Nontron")
    assert a_reader_in_between.done
    assert "Nontron" in client.get(url).text


def test_rights_taken_away_while_the_reader_is_loaded_do_not_leave_the_page_open(setting, client):
    """The reader's account is read before anything else: a page computed with an account
    that lost its rights a moment later is not served to it again."""
    staff = factories.make_user(is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    offices = reverse("admin:diagnostics_office_changelist")
    client.get(reverse("admin:index"))

    def revoked_once_loaded(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"auth_user"' in sql and sql.startswith("SELECT") and not revoked_once_loaded.done:
            revoked_once_loaded.done = True
            type(staff).objects.filter(pk=staff.pk).update(is_staff=False)
        return result

    revoked_once_loaded.done = False
    with connection.execute_wrapper(revoked_once_loaded):
        assert client.get(offices).status_code == 200  # computed with the account as it was
    assert revoked_once_loaded.done
    assert client.get(offices).status_code == 302  # to the admin's login: staff no more


def test_the_session_page_follows_the_invitations_being_sent(db, client, monkeypatch):
    """« Actualisez la page pour suivre l’envoi »: how far the batch has gone is read from the
    cache, not from a table, and whether the session has begun from the clock."""
    office = factories.make_office()
    director = factories.make_user(office=office)
    workshop = network_workshop(factories.build_questionnaire(audience=Audience.BUSINESSES))
    session = factories.make_session(workshop, office=office)
    client.force_login(director)
    url = reverse("diagnostics:session", args=[office.slug, session.pk])
    url += f"?envoi=sessions-{office.pk}-{session.pk}-1"
    progress = {"total": 3, "sent": 0, "state": "sending", "attempt": 1, "error": ""}
    monkeypatch.setattr(services, "messages_progress", lambda batch_id: progress)
    client.get(url)
    assert "0 / 3 envoyées" in client.get(url).text
    progress = {**progress, "sent": 3, "state": "sent"}
    assert "3 / 3 envoyées" in client.get(url).text


def test_a_form_is_never_served_without_the_csrf_cookie_its_token_needs(setting, client):
    """A browser without the CSRF cookie gets it with the page that carries a token for it;
    the same page served again without that cookie would hold a token nothing can match."""
    office, director, url = setting
    client.force_login(director)
    for _ in range(2):
        client.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        page = client.get(url)
        assert settings.CSRF_COOKIE_NAME in page.cookies


def test_a_timestamp_the_cache_lets_go_is_never_taken_for_a_table_unwritten(setting, client):
    """Redis may lose a table's timestamp (evicted under `allkeys-lru`, or never saved in
    the snapshot it restarts from) while keeping a page: a page computed while a table it
    read had no timestamp is not served again once that table is written and its
    timestamp lost. (Local memory's culling cannot do it: a page's timestamps are read
    with it, so it is culled first.)"""
    office, director, url = setting
    plan = reverse("diagnostics:plan", args=[office.slug])
    client.force_login(director)
    client.get(plan)
    assert "Revendiquer la fiche Google" not in client.get(plan).text
    services.action_create(office=office, user=director, title="Revendiquer la fiche Google")
    key = cachalot_settings.CACHALOT_TABLE_KEYGEN(DEFAULT_DB_ALIAS, "diagnostics_action")
    cachalot_caches.get_cache().pop(key, None)  # where the tests' transaction keeps it
    caches[cachalot_settings.CACHALOT_CACHE].delete(key)
    assert "Revendiquer la fiche Google" in client.get(plan).text


def test_an_entry_of_another_shape_is_computed_again_not_a_500(setting, client):
    """App servers of two versions share Redis during a deploy: what one kept, the other
    may not know how to read."""
    office, director, url = setting
    client.force_login(director)
    client.get(url)
    key = page_memo.page_key(client.get(url).wsgi_request)
    cache.set(key, {"at": time.time(), "unwritten": frozenset()})
    assert "Brantôme" in client.get(url).text


def test_a_value_kept_counts_its_tables_as_read_by_the_page_that_uses_it(db):
    """page_memo.kept: served from the cache, its tables still join the page's record."""
    from diagnostics.models import Department

    def compute():
        return list(Department.objects.values_list("code", flat=True)[:1])

    page_memo.kept("test-departments", compute)
    with page_memo.recording(always=()) as reads:
        page_memo.kept("test-departments", compute)
    assert "diagnostics_department" in reads.tables


def test_a_value_is_computed_each_time_when_the_timestamps_cannot_see_every_writer(db, settings):
    """Without a shared cache and with a task worker (settings.PAGE_VALUES_KEPT off), a
    value kept in one process's memory would outlive the worker's writes: never kept."""
    from diagnostics.models import Department

    calls = []

    def compute():
        calls.append(1)
        return list(Department.objects.values_list("code", flat=True)[:1])

    page_memo.kept("test-departments-unseen", compute)
    page_memo.kept("test-departments-unseen", compute)
    assert len(calls) == 1
    settings.PAGE_VALUES_KEPT = False
    page_memo.kept("test-departments-unseen", compute)
    assert len(calls) == 2


def a_draft_beside(submitted):
    """Another office's draft in the same campaign, and a member of its team."""
    other = factories.make_office()
    draft = Diagnostic.objects.create(
        organisation=other, campaign=submitted.campaign, questionnaire=submitted.questionnaire
    )
    return draft, factories.make_user(office=other)


def test_a_value_kept_blind_to_drafts_stays_through_an_autosave_not_another_write(setting):
    """page_memo.kept(drafts=False): a draft's autosave leaves it kept (with drafts, it is
    computed again); any other write to the same tables computes it again."""
    office, director, url = setting
    submitted = Diagnostic.objects.get(organisation=office)
    draft, member = a_draft_beside(submitted)
    computed = []

    def compute():
        computed.append(1)
        return Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED).count()

    page_memo.kept("test-blind", compute, drafts=False)
    page_memo.kept("test-seeing", compute)
    factories.autosave(draft, member)
    page_memo.kept("test-blind", compute, drafts=False)
    assert len(computed) == 2  # kept
    page_memo.kept("test-seeing", compute)
    assert len(computed) == 3  # computed again
    Diagnostic.objects.filter(pk=submitted.pk).update(updated_at=submitted.updated_at)
    assert page_memo.kept("test-blind", compute, drafts=False) == 1
    assert len(computed) == 4


def test_an_answer_saved_in_a_draft_leaves_the_pages_blind_to_drafts_kept(
    setting, client, django_assert_num_queries, django_assert_max_num_queries
):
    """settings.PAGE_MEMO_BLIND_TO_DRAFTS (the autosave's writes: snut/table_stamps.py):
    the results page stays kept while a draft is answered, the draft's review page does
    not, and any other write to the same tables makes the results page computed again."""
    office, director, url = setting
    submitted = Diagnostic.objects.get(organisation=office)
    draft, colleague = a_draft_beside(submitted)
    team = Client()
    team.force_login(colleague)
    review = reverse("diagnostics:review", args=[draft.pk])
    team.get(review)
    first_review = team.get(review).text
    client.force_login(director)
    client.get(url)
    client.get(url)
    factories.autosave(draft, colleague)
    with django_assert_num_queries(2):  # served again
        client.get(url)
    assert team.get(review).text != first_review
    Diagnostic.objects.filter(pk=draft.pk).update(updated_at=draft.updated_at)
    with django_assert_max_num_queries(100) as captured:
        client.get(url)
    assert len(captured.captured_queries) > 2  # computed again


@pytest.mark.parametrize("page", ["results", "pooling"])
def test_a_page_reads_the_tables_timestamps_once_however_many_values_it_draws(
    setting, client, monkeypatch, page
):
    """The values a page draws and keeps (page_memo.kept, a part's recording) are recorded
    against the timestamps the page read as it began, not each against a fresh read of
    them all: one read per page. A write that lands meanwhile then leaves them stale, never
    fresh; after the page's own write, they are read again
    (test_a_value_drawn_after_the_page_s_own_write_is_not_kept_past_its_rollback)."""
    office, director, url = setting
    reader = director
    if page == "pooling":
        reader = factories.make_user(is_staff=True)
        reader.groups.add(services.network_group_sync())
        url = reverse("admin:diagnostics_action_pooling") + "?region=75"
    client.force_login(reader)
    client.get(url)  # the browser's CSRF cookie
    reads = []
    real = page_memo.stamps
    monkeypatch.setattr(page_memo, "stamps", lambda *names: reads.append(names) or real(*names))
    cache.clear()  # every value drawn again, as after the cache's restart
    assert client.get(url).status_code == 200
    assert reads == [()]


def test_a_value_drawn_after_the_page_s_own_write_is_not_kept_past_its_rollback(db):
    """A value drawn inside a recording that saw its connection write (in a transaction
    that then rolls back) is recorded against the timestamps read after that write, not
    against those the recording read as it began: once the write is undone, the value
    drawn from it is drawn again, never served."""
    from django.db import transaction

    from diagnostics.models import Department

    def compute():
        return list(Department.objects.filter(code="29").values_list("name", flat=True))

    with transaction.atomic():
        with page_memo.recording():
            Department.objects.filter(code="29").update(name="Penn-ar-Bed")  # the page's own
            assert page_memo.kept("test-finistere", compute) == ["Penn-ar-Bed"]
        transaction.set_rollback(True)
    assert page_memo.kept("test-finistere", compute) == ["Finistère"]
