"""When each table was last written (snut/table_stamps.py): a write to the database never
fails because the cache that keeps the timestamps is away, and no page is served again by
a process that knows of a write it could not record."""

import time

import pytest
import redis
from django.db import connection
from django.urls import reverse
from redis.exceptions import RedisError

from diagnostics.models import Organisation
from snut import page_memo, table_stamps
from tests import factories

AWAY = "redis://127.0.0.1:1/0"  # nothing listens on port 1
LIVE = "redis://127.0.0.1:6379/3"  # the tests' Redis database (.ci/run starts redis-server)


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(LIVE, socket_connect_timeout=1).ping()
    except RedisError:
        return False


def _stamps_cache(location: str) -> table_stamps.TolerantRedisCache:
    return table_stamps.TolerantRedisCache(
        location,
        {"KEY_PREFIX": "snut-test-stamps", "OPTIONS": {"socket_connect_timeout": 1}},
    )


@pytest.fixture
def unstamped():
    table_stamps._unstamped.clear()
    yield table_stamps._unstamped
    table_stamps._unstamped.clear()


def test_a_timestamp_redis_cannot_take_is_kept_and_reads_fail_until_it_is_set(unstamped):
    away = _stamps_cache(AWAY)
    assert away.set_many({"diagnostics_action": 1.0}) == ["diagnostics_action"]
    assert unstamped == {"diagnostics_action"}
    with pytest.raises(RedisError):
        away.get_many(["diagnostics_action"])


@pytest.mark.skipif(not _redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
def test_a_kept_timestamp_is_set_before_anything_is_read_again(unstamped):
    unstamped.add("diagnostics_action")
    live = _stamps_cache(LIVE)
    live.delete("diagnostics_action")
    assert "diagnostics_action" in live.get_many(["diagnostics_action"])
    assert not unstamped


@pytest.mark.django_db(transaction=True)
def test_writes_and_pages_go_on_while_the_timestamps_cache_is_away(settings, client, unstamped):
    settings.CACHES = {
        **settings.CACHES,
        "table_stamps": {
            "BACKEND": "snut.table_stamps.TolerantRedisCache",
            "LOCATION": AWAY,
            "OPTIONS": {"socket_connect_timeout": 1},
        },
    }
    office = factories.make_office(name="Office de tourisme de Brantôme")
    director = factories.make_user(office=office)
    Organisation.objects.filter(pk=office.pk).update(name="Office de Nontron")  # no error
    assert unstamped
    client.force_login(director)
    office_page = reverse("diagnostics:office", args=[office.slug])
    assert page_memo.remembered("diagnostics:office")
    for _ in range(2):
        assert "Nontron" in client.get(office_page).text


def test_a_raw_write_is_stamped_whether_its_table_is_quoted_or_not(db):
    office = factories.make_office()
    for sql in (
        "UPDATE diagnostics_organisation SET name = %s WHERE id = %s",
        'UPDATE "diagnostics_organisation" SET "name" = %s WHERE "id" = %s',
    ):
        before = table_stamps.stamps_of(["diagnostics_organisation@all"])
        with connection.cursor() as cursor:
            cursor.execute(sql, ["Office de Nontron", office.pk])
        assert table_stamps.stamps_of(["diagnostics_organisation@all"]) != before


def test_an_office_s_writes_to_its_territory_move_its_own_timestamp_and_the_offices(db):
    """Inside `office_writes(pk)`, a write to a table of settings.TABLE_STAMPS_BY_OFFICE
    moves `@office:<pk>` and `@offices`, not `@all`; a record scoped to another office
    (`Reads.scope`) is unchanged by it, an unscoped one (every office's) is not."""
    table = "diagnostics_organisation"
    one, other = factories.make_office(), factories.make_office()
    business = factories.make_business(one, "Moulin de Barbaste")
    names = [f"{table}@all", f"{table}@offices", f"{table}@office:{one.pk}"]
    with page_memo.recording() as everyone:
        list(Organisation.objects.all())
    with page_memo.recording() as theirs:
        theirs.scope(other.pk)
        list(Organisation.objects.filter(parent=other))
    records = (everyone.tables_read(), theirs.tables_read())
    assert f"{table}@offices" in records[0] and f"{table}@office:{other.pk}" in records[1]
    assert f"{table}@offices" not in records[1]
    before = table_stamps.stamps(names)
    with table_stamps.office_writes(one.pk):
        Organisation.objects.filter(pk=business.pk).update(commune="Lavardac")
    after = table_stamps.stamps(names)
    assert [after[name] == before[name] for name in names] == [True, False, False]
    assert not page_memo.unchanged(records[0]) and page_memo.unchanged(records[1])
    Organisation.objects.filter(pk=business.pk).update(commune="Nérac")  # unscoped
    assert not page_memo.unchanged(records[1])


def test_a_keyed_record_of_an_office_depends_on_no_office_s_writes_to_its_territory(db):
    """`scope(keyed={the organisations' table})`: what it reads of its office's rows is in its key
    (selectors/territory_rows.py), so the office's own writes leave it unchanged, as
    another's do; a write outside an office's work (`@all`) does not."""
    table = "diagnostics_organisation"
    office = factories.make_office()
    business = factories.make_business(office, "Moulin de Barbaste")
    with page_memo.recording() as part:
        list(Organisation.objects.filter(pk=office.pk))  # read before the scope
        part.scope(office.pk, keyed={table})
        list(Organisation.objects.filter(parent=office))
    record = part.tables_read()
    assert f"{table}@all" in record and not any("@office" in name for name in record)
    with table_stamps.office_writes(office.pk):
        Organisation.objects.filter(pk=business.pk).update(commune="Lavardac")
    assert page_memo.unchanged(record)
    Organisation.objects.filter(pk=office.pk).update(name="Office de Nérac")  # unscoped
    assert not page_memo.unchanged(record)


@pytest.mark.parametrize("keyed", [False, True])
def test_a_value_drawn_inside_an_office_s_record_brings_its_own_dependence(db, keyed):
    """A value of every office's rows drawn (not read back) while an office's part is
    recorded, keyed or not: the part depends on every office's writes too, as when the
    value is read back from the cache."""
    one, other = factories.make_office(), factories.make_office()
    business = factories.make_business(other, "Moulin de Barbaste")
    records = []
    for _ in range(2):  # drawn, then read back
        with page_memo.recording() as part:
            part.scope(one.pk, keyed={"diagnostics_organisation"} if keyed else ())
            page_memo.kept("every-office", lambda: list(Organisation.objects.all()))
        records.append(part.tables_read())
    assert all("diagnostics_organisation@offices" in record for record in records)
    with table_stamps.office_writes(other.pk):
        Organisation.objects.filter(pk=business.pk).update(commune="Lavardac")
    assert not any(map(page_memo.unchanged, records))


def test_the_embedded_timestamps_are_read_at_once_as_django_s_cache_reads_them(monkeypatch):
    """LocalStampsCache.get_many (the timestamps without CACHE_URL) answers what Django's
    LocMemCache answers for the same keys: the values as set, per version, none for a key
    never set, expired or deleted; and it reads them under one lock, not one per key."""
    from django.core.cache.backends.locmem import LocMemCache

    fast = table_stamps.LocalStampsCache("test-stamps-fast", {})
    plain = LocMemCache("test-stamps-plain", {})
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for cache in (fast, plain):
        cache.set("a", 1.5)
        cache.set("b", {"at": 2.5})
        cache.set("a", 9.0, version=2)
        cache.set("soon", 3.0, timeout=5)
        cache.set("gone", 4.0)
        cache.delete("gone")
    clock[0] += 10
    asked = ["a", "b", "soon", "gone", "never"]
    assert fast.get_many(asked) == plain.get_many(asked) == {"a": 1.5, "b": {"at": 2.5}}
    assert fast.get_many(asked, version=2) == plain.get_many(asked, version=2) == {"a": 9.0}
    locks = []
    lock = fast._lock

    class Counted:
        def __enter__(self):
            locks.append(1)
            return lock.__enter__()

        def __exit__(self, *exc):
            return lock.__exit__(*exc)

    monkeypatch.setattr(fast, "_lock", Counted())
    assert fast.get_many(["a", "b", "never"]) == {"a": 1.5, "b": {"at": 2.5}}
    assert len(locks) == 1
