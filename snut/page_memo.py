"""A page its reader opens again is served as it was, until a table it read is written.

Which pages: the URL names in `settings.PAGE_MEMO` (director and staff pages that only
read). For whom: the same signed-in reader in the same session, with the same query
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
  False`): only these timestamps are used. The timestamps are read *before* the page is
  computed, so a write that lands while it is computed makes the next view compute again.
- **A page is kept only if** it answered 200 with a whole body, wrote nothing while it
  was computed, and no message was waiting to be shown; never for a POST.
- **Served again only if** every timestamp is the one kept with it, and for at most
  `PAGE_MEMO_SECONDS` (so that what depends on the clock, « en retard », « à venir »,
  moves on).

What is not seen: a write made outside Django (psql by hand). `PAGE_MEMO = ()` turns it off.
"""

import hashlib
import re
import time

from cachalot.cache import cachalot_caches
from cachalot.settings import cachalot_settings
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

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
QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
VERSION = "snut-page-v1"

_tables: frozenset[str] | None = None
_settings_changes = 0


@receiver(setting_changed)
def _settings_changed(**kwargs):
    """A setting changed while the process runs (the test suite's `override_settings`):
    no page computed before it is served again."""
    global _settings_changes
    _settings_changes += 1


def known_tables() -> frozenset[str]:
    """The tables of the installed models (no query: read from the models)."""
    global _tables
    if _tables is None:
        _tables = frozenset(connection.introspection.django_table_names(include_views=False))
    return _tables


class Reads:
    """An execute wrapper: the tables every statement names, and whether one wrote."""

    def __init__(self):
        self.tables: set[str] = set(ALWAYS)
        self.wrote = False
        self.known = known_tables()

    def __call__(self, execute, sql, params, many, context):
        self.tables.update(name for name in QUOTED.findall(sql) if name in self.known)
        if WRITES.match(sql):
            self.wrote = True
        return execute(sql, params, many, context)


def stamps(tables) -> dict[str, float]:
    """table → when it was last written (django-cachalot's timestamps, seen from this
    transaction); a table nothing wrote since the cache began is absent."""
    keygen = cachalot_settings.CACHALOT_TABLE_KEYGEN
    keys = {keygen(DEFAULT_DB_ALIAS, table): table for table in tables}
    store = cachalot_caches.get_cache(db_alias=DEFAULT_DB_ALIAS)
    return {keys[key]: value for key, value in store.get_many(list(keys)).items()}


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


def _route(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


def _from_memo(entry) -> HttpResponse | None:
    if entry is None or time.time() - entry["at"] > settings.PAGE_MEMO_SECONDS:
        return None
    if stamps(entry["stamps"].keys() | entry["unwritten"]) != entry["stamps"]:
        return None
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"].items():
        response[header] = value
    return response


def page_memo(get_response):
    def middleware(request):
        if (
            request.method != "GET"
            or not settings.PAGE_MEMO
            or not request.user.is_authenticated
            or len(get_messages(request))
        ):
            return get_response(request)
        name = _route(request)
        if name is None or not remembered(name):
            return get_response(request)
        key = page_key(request)
        served = _from_memo(cache.get(key))
        if served is not None:
            return served
        before = stamps(known_tables())
        reads = Reads()
        with connection.execute_wrapper(reads):
            response = get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not reads.wrote
            # The CSRF cookie a view's `csrf_protect` sends again is the one the key holds.
            and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        ):
            cache.set(
                key,
                {
                    "at": time.time(),
                    "stamps": {t: before[t] for t in reads.tables if t in before},
                    "unwritten": frozenset(t for t in reads.tables if t not in before),
                    "content": response.content,
                    "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
                },
                settings.PAGE_MEMO_SECONDS,
            )
        return response

    return middleware
