"""Figures drawn from submitted diagnostics, kept in the shared cache and in the database.

A figure is drawn under a key that names everything it is drawn from (a submissions key:
any submission, reopening or deletion changes it) and kept in the shared cache. What a
submission's task draws (the dashboard's figures, a campaign's weak answers) is also kept
in the database, in Django's own cache table `snut_figures` (the cache `figures`, made by
migration 0031): one row per kind and campaign (its « place »), holding the latest value
with its key and the time of the latest submission it counts. Emptying the shared cache
(a restart of Redis, a deployment that flushes it) does not reach it; the pages read it
back rather than draw the figure again. Pages never write it; the task replaces a row
with a value that counts a later submission only.

A row holds pickled objects (dataclasses, model instances): its key prefix names the
Django version and the latest migration of `diagnostics` (settings.CACHES), and
FIGURES_VERSION below changes with the classes kept, so that a deployment never reads
back a row of another shape; a row that cannot be read back is drawn again.
"""

import logging
import pickle

from django.core.cache import cache, caches

logger = logging.getLogger(__name__)

# settings.CACHES: the table of the database that keeps the rows.
FIGURES = "figures"
# Changed with any class a row holds (regional.dashboard's and statistics' dataclasses).
FIGURES_VERSION = 3
SHARED_SECONDS = 3600  # in the shared cache (the database's rows never expire)


def _row_key(place: str) -> str:
    return f"v{FIGURES_VERSION}:{place}"


def stored_row(place: str) -> tuple | None:
    """The row the database keeps at `place` (one query): (key, value, latest submission
    counted), or None if there is none or it cannot be read back."""
    try:
        row = caches[FIGURES].get(_row_key(place))
    except (
        AttributeError,
        EOFError,
        ImportError,
        IndexError,
        TypeError,
        ValueError,
        pickle.UnpicklingError,
    ) as error:
        logger.warning("stored figures %s not read back: %s", place, error)
        return None
    return row if isinstance(row, tuple) and len(row) == 3 else None


def stored(
    key: str,
    compute,
    seconds: int = SHARED_SECONDS,
    *,
    place: str | None = None,
    last=None,
    keep=False,
    current=None,
    meanwhile=None,
    share_row=True,
):
    """`compute()` under `key`, kept in the shared cache for `seconds`.

    `place`: the database's row of this kind of figure. On a miss in the shared cache its
    value is used if it was drawn under `key`; otherwise `meanwhile(value, counted)`, if
    given and not None, is returned as it is (kept nowhere: what a page shows while the
    task is awaited). `keep=True` (the task's call, with `last`, the latest submission the
    figure counts) writes the row (`keep_row`). `current()`: the key the figure would be
    drawn under now, read again once the task drew it: if it moved, it is kept nowhere.
    `share_row=False`: a value read back from the row is not copied into the shared cache,
    for a caller that keeps what it returns there itself (page_memo.kept): the row is read
    again at its next miss rather than pickled twice on this one.
    No query when the shared cache has it, one more on a miss with a `place`.
    """
    # The task draws what it keeps itself: a page's value (drawn from an added-to tally) is
    # never kept in the database for good.
    value = None if keep else cache.get(key)
    row = None
    if value is None:
        if place is not None:
            row = stored_row(place)
            if row is not None and row[0] == key:
                value = row[1]
                if not share_row and not keep:
                    return value
            elif row is not None and meanwhile is not None:
                waiting = meanwhile(row[1], row[2])
                if waiting is not None:
                    return waiting
        if value is None:
            value = compute()
            # The task's, drawn while a submission or a reopening landed: it may count it or
            # not, so it is kept nowhere (`key` would name what it does not count). A page's
            # is kept an hour at most, in the shared cache only.
            if keep and current is not None and current() != key:
                return value
        cache.set(key, value, seconds)
    if keep and place is not None:
        keep_row(place, key, value, last, row, current=current is not None)
    return value


def keep_row(place: str, key: str, value, last, row: tuple | None = None, *, current=False) -> None:
    """The task's write: `value`, drawn under `key` and counting submissions up to `last`,
    kept at `place` unless the row there (`row`, as read, or read now) counts a later one
    (a late task's figure never replaces a newer one), or unless `current`: `key` is the
    one it would be drawn under once drawn, so a row counting a later submission since
    reopened, or stamped by a clock ahead, is replaced."""
    if row is None:
        row = stored_row(place)
    if row is not None and row[0] == key:
        return
    newer = row is not None and row[2] is not None and (last is None or row[2] > last)
    if row is None or not newer or current:
        caches[FIGURES].set(_row_key(place), (key, value, last))
