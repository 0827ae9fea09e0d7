"""When each table was last written (snut/table_stamps.py): a write to the database never
fails because the cache that keeps the timestamps is away, and no page is served again by
a process that knows of a write it could not record."""

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
        before = table_stamps.stamps_of(["diagnostics_organisation"])
        with connection.cursor() as cursor:
            cursor.execute(sql, ["Office de Nontron", office.pk])
        assert table_stamps.stamps_of(["diagnostics_organisation"]) != before
