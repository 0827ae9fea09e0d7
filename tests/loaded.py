"""A command that fills the database, run once per test process: the same command onto the
same rows is written back from a copy of what it wrote, in one statement a table
(tests/snapshot.py).

The official questionnaires take Django's loaddata two to three seconds each (a lookup by
natural key for every object and every reference), `snut_setup` several; dozens of tests
start with one of them. The first call of a command in a process runs it and copies every
table before and after; a later call on a database holding exactly the rows it held
before (compared row for row, in any order) writes the copy of after back. On any other
database the command runs: a test gets the rows it would have got either way."""

from django.core.management import call_command

from tests.snapshot import Snapshot

_copies: dict[tuple[str, ...], tuple[frozenset, Snapshot]] = {}


def _rows(snapshot: Snapshot) -> frozenset:
    """Every row of every table, whatever order the database returned them in."""
    return frozenset(
        (table, tuple(columns), tuple(sorted(map(repr, rows))))
        for table, (columns, rows) in snapshot.tables.items()
    )


def command(*args: str) -> None:
    """`call_command(*args, verbosity=0)`, or the copy of what it wrote."""
    before = _rows(Snapshot.take())
    known = _copies.get(args)
    if known is not None and known[0] == before:
        known[1].restore()
        return
    call_command(*args, verbosity=0)
    if known is None:
        _copies[args] = (before, Snapshot.take())


def loaddata(*names: str) -> None:
    command("loaddata", *names)
