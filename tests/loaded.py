"""`loaddata` once per test process: the same fixtures on the same database are written back
from a copy of their rows, in one statement a table (tests/snapshot.py).

The official questionnaires take Django's loaddata two to three seconds each (a lookup by
natural key for every object and every reference); dozens of tests start by loading one.
The first call of a set of fixtures in a process runs loaddata and copies every table
before and after it; a later call on a database holding exactly the rows it held before
(compared row for row, in any order) writes the copy of after back. On any other database
it runs loaddata itself: a test gets the rows it would have got either way."""

from django.core.management import call_command

from tests.snapshot import Snapshot

_copies: dict[tuple[str, ...], tuple[frozenset, Snapshot]] = {}


def _rows(snapshot: Snapshot) -> frozenset:
    """Every row of every table, whatever order the database returned them in."""
    return frozenset(
        (table, tuple(columns), tuple(sorted(map(repr, rows))))
        for table, (columns, rows) in snapshot.tables.items()
    )


def loaddata(*names: str) -> None:
    before = _rows(Snapshot.take())
    known = _copies.get(names)
    if known is not None and known[0] == before:
        known[1].restore()
        return
    call_command("loaddata", *names, verbosity=0)
    if known is None:
        _copies[names] = (before, Snapshot.take())
