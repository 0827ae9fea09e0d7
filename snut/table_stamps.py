"""When each table was last written, as the page memo (snut/page_memo.py) reads it.

django-cachalot (in INSTALLED_APPS as `TableStampsConfig`, its query cache off) timestamps a
table in the cache `table_stamps` whenever the ORM writes it (save, `update()`, bulk
writes, cascades) or a migration runs; a transaction's timestamps are set when it commits
and dropped if it rolls back. Every connection also timestamps each statement that begins
by writing (INSERT, UPDATE, DELETE, REPLACE, TRUNCATE; ORM or raw SQL) once it has run
(`stamp_after_write`): cachalot's timestamp of an ORM write comes before the statement,
which may wait for a lock while a page is computed; and cachalot's own search of raw SQL,
which read every statement the ORM did not mark, is off (`CACHALOT_INVALIDATE_RAW`).

A write to the database never fails because the cache is away. `TolerantRedisCache` logs
a timestamp it could not set and keeps it, sets it (with the time it is set) before any
later read or write of a timestamp by this process, and until then makes every read fail,
so that no page is served again by a process that knows of a write it could not record.
"""

import logging
import pickle
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from cachalot.api import invalidate
from cachalot.apps import CachalotConfig
from cachalot.cache import cachalot_caches
from cachalot.settings import cachalot_settings
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.signals import connection_created
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')
# A write's tables, quoted (the ORM) or not (raw SQL written by hand): any word that names
# a table counts (a column or a value that happens to is stamped too, which only costs a
# page computed again).
WORDS = re.compile(r"[A-Za-z0-9_]+")
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE)\b", re.IGNORECASE)


# A draft's answers and its last activity, written at every autosave anywhere: their writes
# inside `drafts_only()` move the timestamp `<table>@drafts`, every other write
# `<table>@all`; a page blind to drafts depends on the second only (settings).
BY_DRAFTS = frozenset(settings.TABLE_STAMPS_BY_DRAFTS)
ALL, DRAFTS = "@all", "@drafts"
# Rows of an office's territory (its businesses), written by one office's work on them
# everywhere during a business campaign: their writes inside `office_writes(pk)` move
# `<table>@office:<pk>` and `<table>@offices`, every other write `<table>@all`. A record
# scoped to an office (`scoped`) depends on `@all` and that office's own; every other on
# `@all` and `@offices`, which any office's writes move (settings.TABLE_STAMPS_BY_OFFICE).
BY_OFFICE = frozenset(settings.TABLE_STAMPS_BY_OFFICE)
OFFICES, OFFICE, SCOPED = "@offices", "@office:", "@scoped"

_tables: frozenset[str] | None = None
_names: frozenset[str] | None = None
_unstamped: set[str] = set()  # keys of timestamps this process could not set
_drafts_only: ContextVar[bool] = ContextVar("drafts_only", default=False)
_office: ContextVar[int | None] = ContextVar("office_writes", default=None)


def known_tables() -> frozenset[str]:
    """The tables of the installed models (no query: read from the models)."""
    global _tables
    if _tables is None:
        _tables = frozenset(connection.introspection.django_table_names(include_views=False))
    return _tables


def names_read(table: str) -> tuple[str, ...]:
    """The timestamps a read of this table depends on; `<table>@scoped` for a table of
    BY_OFFICE stands for its office's or `@offices`, as the record is scoped (`scoped`)."""
    if table in BY_DRAFTS:
        names: tuple[str, ...] = (table + ALL, table + DRAFTS)
    else:
        names = (table + ALL,) if table in BY_OFFICE else (table,)
    return names + (table + SCOPED,) if table in BY_OFFICE else names


def known_names() -> frozenset[str]:
    """Every timestamp's name but the offices' own: the tables', two for a table written by
    drafts, `@all` and `@offices` for a table of BY_OFFICE."""
    global _names
    if _names is None:
        _names = frozenset(
            scoped(name, None) for table in known_tables() for name in names_read(table)
        )
    return _names


def scoped(name: str, office: int | None) -> str:
    """A name as a record scoped to `office` (None: to none) depends on it."""
    if not name.endswith(SCOPED):
        return name
    table = name.removesuffix(SCOPED)
    return table + (OFFICES if office is None else f"{OFFICE}{office}")


def unscoped(name: str) -> str:
    """An office's own name read back as what it stands for (`<table>@scoped`), so that a
    record this one's value joins resolves it by its own scope."""
    table, office, _pk = name.partition(OFFICE)
    return table + SCOPED if office else name


def office_names(office: int) -> tuple[str, ...]:
    """The timestamps of an office's own writes to the tables of BY_OFFICE."""
    return tuple(f"{table}{OFFICE}{office}" for table in sorted(BY_OFFICE))


def blind_to_drafts(names) -> set[str]:
    """What a page that shows nothing of a draft's answers or activity depends on."""
    return {name for name in names if not name.endswith(DRAFTS)}


@contextmanager
def drafts_only():
    """The block writes only a draft's answers and its activity time (the autosave)."""
    token = _drafts_only.set(True)
    try:
        yield
    finally:
        _drafts_only.reset(token)


@contextmanager
def office_writes(office: int):
    """The block writes, of the tables of BY_OFFICE, only rows of this office's territory
    (its businesses): the services that write a business for its office."""
    token = _office.set(office)
    try:
        yield
    finally:
        _office.reset(token)


def _names_written(table: str) -> tuple[str, ...]:
    if table in BY_DRAFTS and _drafts_only.get():
        return (table + DRAFTS,)
    office = _office.get()
    if table in BY_OFFICE and office is not None:
        return (f"{table}{OFFICE}{office}", table + OFFICES)
    return (table + ALL,) if table in BY_DRAFTS or table in BY_OFFICE else (table,)


class TolerantRedisCache(RedisCache):
    """Django's Redis cache for the tables' timestamps: setting one never raises."""

    def _catch_up(self):
        if _unstamped:
            now = time.time()
            super().set_many(dict.fromkeys(_unstamped, now), cachalot_settings.CACHALOT_TIMEOUT)
            _unstamped.clear()
            logger.warning("table timestamps set again once the cache answered")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            self._catch_up()
            return super().set_many(data, timeout, version)
        except RedisError as error:
            _unstamped.update(data)
            logger.warning("table timestamps not set, kept for later: %s", error)
            return list(data)

    def get_many(self, keys, version=None):
        self._catch_up()  # raises while the cache is away: no page is served again
        return super().get_many(keys, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._catch_up()
        return super().add(key, value, timeout, version)


class LocalStampsCache(LocMemCache):
    """The timestamps in this process's memory (the embedded default, no CACHE_URL):
    Django's LocMemCache reads `get_many`'s keys one by one, each under the lock and each
    key checked character by character, and the page memo reads every table's timestamp
    at each page (sixty of them). Read here under one lock, as Redis's MGET reads them at
    once. The keys are cachalot's digests, checked when they were set."""

    def get_many(self, keys, version=None):
        made = {self.make_key(key, version=version): key for key in keys}
        found = {}
        with self._lock:
            for key, asked in made.items():
                if self._has_expired(key):
                    self._delete(key)
                    continue
                found[asked] = self._cache[key]
                self._cache.move_to_end(key, last=False)
        return {asked: pickle.loads(value) for asked, value in found.items()}


def stamp_after_write(execute, sql, params, many, context):
    """An execute wrapper on every connection: timestamps again the tables a write named,
    once it ran (django-cachalot's timestamp of an ORM write may come before it)."""
    result = execute(sql, params, many, context)
    if WRITES.match(sql):
        tables = known_tables().intersection(WORDS.findall(sql))
        if tables:
            invalidate(
                *{name for table in tables for name in _names_written(table)},
                db_alias=context["connection"].alias,
                cache_alias=cachalot_settings.CACHALOT_CACHE,
            )
    return result


def _stamp_writes(sender, connection, **kwargs):
    if stamp_after_write not in connection.execute_wrappers:
        # First, so that a `connection.execute_wrapper()` block open now pops its own.
        connection.execute_wrappers.insert(0, stamp_after_write)


class TableStampsConfig(CachalotConfig):
    """django-cachalot (INSTALLED_APPS), its timestamps taken after every write too, in
    every process that writes: app servers, the task worker, management commands."""

    def ready(self):
        super().ready()
        connection_created.connect(_stamp_writes)


_every_key: dict[str, str] | None = None


def _keys_of_every_name() -> dict[str, str]:
    """cache key → timestamp's name, for every name (computed once per process)."""
    global _every_key
    if _every_key is None:
        keygen = cachalot_settings.CACHALOT_TABLE_KEYGEN
        _every_key = {keygen(DEFAULT_DB_ALIAS, name): name for name in known_names()}
    return _every_key


def stamps(names=None) -> dict[str, float]:
    """table → when it was last written (seen from this transaction), for every name (or
    these `names`). A table without one is given one now, unless a writer's comes first.
    Raises the cache's error while the cache is away."""
    if names is None:
        keys = _keys_of_every_name()
    else:
        keygen = cachalot_settings.CACHALOT_TABLE_KEYGEN
        keys = {keygen(DEFAULT_DB_ALIAS, name): name for name in names}
    store = cachalot_caches.get_cache(db_alias=DEFAULT_DB_ALIAS)
    found = store.get_many(list(keys))
    if len(found) < len(keys):
        shared = caches[cachalot_settings.CACHALOT_CACHE]
        now = time.time()
        for key in keys.keys() - found.keys():
            shared.add(key, now, cachalot_settings.CACHALOT_TIMEOUT)
        found = store.get_many(list(keys))
    return {keys[key]: value for key, value in found.items()}


def stamps_of(tables) -> dict[str, float]:
    """When these tables were last written, as `stamps` but for them only and giving none
    a timestamp: a table absent was never stamped or lost its timestamp (what was drawn
    from it is then computed again). Raises the cache's error while the cache is away."""
    keygen = cachalot_settings.CACHALOT_TABLE_KEYGEN
    keys = {keygen(DEFAULT_DB_ALIAS, table): table for table in tables}
    found = cachalot_caches.get_cache(db_alias=DEFAULT_DB_ALIAS).get_many(list(keys))
    return {keys[key]: value for key, value in found.items()}
