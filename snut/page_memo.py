"""A page its reader opens again is served as it was, until a table it read is written.

Which pages: the URL names in `settings.PAGE_MEMO`, director and staff pages that only
read, and only from the database: what a page reads from the cache (a batch's progress)
or from the clock below the day (whether a session has begun) is not seen. For whom: the same signed-in reader in the same session, with the same query
string, language and day. A page is never shared between two readers, so nothing one
reader may see can reach another, and the forms it holds keep a CSRF token valid for the
session that asks for it.

How it stays true:

- **What the page read.** Every SQL statement the request runs is looked at
  (`connection.execute_wrapper`) and the tables it names are kept with the page. So are
  the accounts' and memberships' tables (`ALWAYS`), which a request reads before the
  view runs (who the reader is, what they may do).
- **When those tables were last written.** django-cachalot timestamps a table in the
  shared cache whenever anything writes it: the ORM (save, `update()`, `bulk_create`,
  deletes and their cascades), raw SQL, migrations; a transaction's writes count when it
  commits and are dropped if it rolls back. Its query cache is off (`CACHALOT_ENABLED =
  False`): only these timestamps are used. It stamps an ORM write made outside a
  transaction *before* the write runs, which may then wait for a lock: every connection
  stamps its writes again once they ran (`stamp_after_write`). The timestamps are read
  *before* the page is computed and before the reader's account is (rights taken away
  meanwhile count), so a write that lands while it is computed makes the next view
  compute again. A table with no timestamp is given one: a timestamp missing later was
  lost by the cache (evicted, a restart), never a sign that nothing wrote.
- **A page is kept only if** it answered 200 with a whole body, wrote nothing while it
  was computed, set no cookie but the CSRF one, holds no CSRF token for a secret the browser has not got
  yet, and no message was waiting to be shown; never for a POST.
- **Served again only if** every timestamp is the one kept with it, and for at most
  `PAGE_MEMO_SECONDS` (so that what depends on the clock, « en retard », « à venir »,
  moves on).

What is not seen: a write made outside Django (psql by hand), and, with the cache in each
process's own memory (no CACHE_URL), a write made by another process: settings.PAGE_MEMO
is empty then if the task worker writes (TASKS_BACKEND=database), and several gunicorn
workers need CACHE_URL. `PAGE_MEMO = ()` turns it off.
"""

import hashlib
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from redis.exceptions import RedisError

from snut.table_stamps import (
    OFFICE,
    QUOTED,
    SCOPED,
    WORDS,
    WRITES,
    blind_to_drafts,
    known_names,
    known_tables,
    names_read,
    office_names,
    scoped,
    stamps,
    stamps_of,
    unscoped,
)

logger = logging.getLogger(__name__)

# Read before any view runs: the reader's account, groups, permissions and memberships.
ALWAYS = frozenset(
    {
        "auth_user",
        "auth_group",
        "auth_user_groups",
        "auth_permission",
        "auth_group_permissions",
        "auth_user_user_permissions",
        "diagnostics_membership",
    }
)
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
# In every key, changed with an entry's shape: during a deploy, app servers of two versions
# share the cache (and an entry of another shape is never read: ENTRY).
VERSION = "snut-page-v3"
ENTRY = frozenset({"at", "stamps", "content", "headers"})

_settings_changes = 0


@receiver(setting_changed)
def _settings_changed(**kwargs):
    """A setting changed while the process runs (the test suite's `override_settings`):
    no page computed before it is served again."""
    global _settings_changes
    _settings_changes += 1


class Reads:
    """An execute wrapper: the tables every statement names, and whether one wrote."""

    def __init__(self, always=ALWAYS):
        self.tables: set[str] = set(always)
        self.wrote = False
        self.known = known_tables()
        # When each table was last written as `recording` began (None: the cache was away).
        self.before: dict[str, float] | None = None
        self.office: int | None = None  # `scope`
        self.keyed: frozenset[str] = frozenset()  # `scope(keyed=…)`
        self.spoilt = False  # `spoil`

    def scope(self, office: int, *, keyed: frozenset[str] = frozenset()) -> None:
        """What is recorded from now on, and was since `recording` began, shows of the
        tables of settings.TABLE_STAMPS_BY_OFFICE only rows of this office's territory
        (its own row, its businesses and theirs): the record then depends on this office's
        writes to them, not on every office's (table_stamps.office_writes). Their
        timestamps are read now, before those rows are. `keyed`: of these tables, those
        whose rows what is recorded draws from are in the key it is kept under (read on
        every use, as selectors/territory_rows.py does): its own reads of them then depend
        on no office's writes, only on the others (`@all`); a value it joins still passes
        its own dependence on."""
        self.office, self.keyed = office, frozenset(keyed)
        # What it read so far of the keyed tables was its own office's rows too.
        self.tables = {name for name in self.tables if name not in self._keyed_names()}
        if self.before is not None:
            try:
                self.before |= stamps(office_names(office))
            except RedisError:
                self.before = None

    def tables_read(self, drafts: bool = True) -> dict[str, float] | None:
        """The tables read so far (their timestamps' names), each with when it was last
        written before `recording` began; None if one has no timestamp then (the cache
        away, a timestamp lost). `drafts=False`: for what shows nothing of a draft's
        answers or activity, which the autosave's writes then leave as it is."""
        names = {scoped(name, self.office) for name in self.tables}
        if not drafts:
            names = blind_to_drafts(names)
        if self.before is None or not names <= self.before.keys():
            return None
        return {name: self.before[name] for name in names}

    def _keyed_names(self) -> set[str]:
        return {table + SCOPED for table in self.keyed}

    def spoil(self) -> None:
        """What was recorded is not kept: what it was drawn from changed meanwhile in a way
        no timestamp tells (a keyed record's key, read again after)."""
        self.spoilt = True

    def __call__(self, execute, sql, params, many, context):
        for table in QUOTED.findall(sql):
            if table in self.known:
                names = names_read(table)
                if table in self.keyed:
                    names = tuple(name for name in names if not name.endswith(SCOPED))
                self.tables.update(names)
        # A write counts if it names a model's table, quoted or not, as stamp_after_write
        # reads it: not a write to the stored figures' own table (the cache `figures`).
        if WRITES.match(sql) and not self.known.isdisjoint(WORDS.findall(sql)):
            self.wrote = True
        return execute(sql, params, many, context)


def generation() -> int:
    """How many times the settings changed while the process runs (a key's part)."""
    return _settings_changes


@contextmanager
def recording(always=ALWAYS):
    """Records what the block reads (`Reads`): its `tables_read()` says when each table it
    read was last written, as read before the block began (a write that lands while the
    block runs makes the record stale at once). Inside another recording (a value a page
    draws), the timestamps that one read as it began: read once per page rather than once
    per value, and never later than the block's own, so that a write landing in between
    makes the record stale, never fresh."""
    reads = Reads(always)
    enclosing = _snapshot()
    if enclosing is not None:
        reads.before = dict(enclosing)  # a copy: `scope` adds to it
    else:
        try:
            reads.before = stamps()
        except RedisError as error:  # the cache away: what the block computes is not kept
            logger.warning("tables' timestamps not read, the cache does not answer: %s", error)
    with connection.execute_wrapper(reads):
        yield reads


def _snapshot() -> dict[str, float] | None:
    """The timestamps the innermost recording open on this connection read as it began;
    None once one of them saw this connection write: its own write, perhaps in a
    transaction that may yet roll back, moved timestamps that only a fresh read sees (a
    value drawn after it is then recorded against those, and is stale once they are
    dropped, never served as drawn from a write that did not happen)."""
    found = None
    for wrapper in connection.execute_wrappers:
        if isinstance(wrapper, Reads):
            if wrapper.wrote:
                return None
            if wrapper.before is not None:
                found = wrapper.before
    return found


def unchanged(record) -> bool:
    """Whether no table of a record (`Reads.tables_read`) was written since. A record
    naming a timestamp no write moves any more (kept by a version whose tables were
    timestamped otherwise) is never unchanged."""
    if not isinstance(record, dict) or not all(map(_moved_by_writes, record)):
        return False
    try:
        return stamps_of(record) == record
    except RedisError:
        return False


def _moved_by_writes(name: str) -> bool:
    return name in known_names() or OFFICE in name


def kept(key: str, compute, seconds: int = 24 * 3600, *, since: Reads | None = None, drafts=True):
    """`compute()`, kept in the shared cache under `key` until a table it read is written
    (the same record as a page's): for what many pages read and few writes change, such as
    who the offices of a department are. `key` holds every other input; `compute` must
    read everything it depends on from the database, within its call, or within the
    recording `since` (`recording`), open since it began: its record then holds what was
    read before too (the row a page is about). `drafts=False`: for what shows nothing of a
    draft's answers or activity (`Reads.tables_read`). Computed each time when the
    timestamps cannot see every writer (`settings.PAGE_VALUES_KEPT`)."""
    if not settings.PAGE_VALUES_KEPT:
        return compute()
    key = f"snut-kept-v3:{key}"
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and unchanged(entry[0]):
        # What it was computed from counts as read by any page or record under way.
        for wrapper in connection.execute_wrappers:
            if isinstance(wrapper, Reads):
                wrapper.tables.update(map(unscoped, entry[0]))
        return entry[1]
    if since is None:
        with recording(always=()) as reads:
            value = compute()
    else:
        reads, value = since, compute()
    record = reads.tables_read(drafts)
    if record is not None and not reads.wrote and not reads.spoilt:
        cache.set(key, (record, value), seconds)
        # As when it is read back: a record under way depends on what it depends on (an
        # office's part on every office's rows, if this value read them).
        for wrapper in connection.execute_wrappers:
            if isinstance(wrapper, Reads) and wrapper is not reads:
                wrapper.tables.update(map(unscoped, record))
    return value


def page_key(request) -> str:
    session = request.session
    parts = (
        request.get_full_path(),
        request.user.pk,
        session.session_key,
        sorted((k, repr(v)) for k, v in session.items()),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        timezone.localdate().isoformat(),
        _settings_changes,
    )
    return f"{VERSION}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def remembered(name: str) -> bool:
    return name in settings.PAGE_MEMO


def not_kept(request) -> None:
    """The page the view answers is not kept: what it shows is about to change without a
    write to a table it read (the dashboard's figures while their task is awaited)."""
    request.snut_not_kept = True


def _route(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


def _from_memo(entry, now: dict[str, float]) -> HttpResponse | None:
    if not isinstance(entry, dict) or entry.keys() != ENTRY:
        return None
    if time.time() - entry["at"] > settings.PAGE_MEMO_SECONDS:
        return None
    if any(now.get(table) != stamp for table, stamp in entry["stamps"].items()):
        return None
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"].items():
        response[header] = value
    return response


def page_memo(get_response):
    def middleware(request):
        if request.method != "GET" or not settings.PAGE_MEMO:
            return get_response(request)
        name = _route(request)
        if name is None or not remembered(name):
            return get_response(request)
        try:
            before = stamps()  # before the reader's account is read (the next line)
        except RedisError as error:  # the cache away: the page is computed, not kept
            logger.warning("page memo skipped, the cache does not answer: %s", error)
            return get_response(request)
        if not request.user.is_authenticated or len(get_messages(request)):
            return get_response(request)
        key = page_key(request)
        served = _from_memo(cache.get(key), before)
        if served is not None:
            return served
        reads = Reads()
        reads.before = before  # what the values the view draws are recorded against too
        with connection.execute_wrapper(reads):
            response = get_response(request)
        record = reads.tables_read(drafts=name not in settings.PAGE_MEMO_BLIND_TO_DRAFTS)
        if (
            response.status_code == 200
            and not response.streaming
            and not reads.wrote
            and not getattr(request, "snut_not_kept", False)
            and record is not None  # None: a timestamp lost this very moment
            # The CSRF cookie a view's `csrf_protect` sends again is the one the key holds.
            and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
            # A token for a secret new to the browser: served again, nothing would match it.
            and request.META.get("CSRF_COOKIE", "")
            == request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        ):
            cache.set(
                key,
                {
                    "at": time.time(),
                    "stamps": record,
                    "content": response.content,
                    "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
                },
                settings.PAGE_MEMO_SECONDS,
            )
        return response

    return middleware
