"""A command that fills the database, run once per test process: the same command onto the
same rows is written back from a copy of what it wrote, in one statement a table
(tests/snapshot.py).

The official questionnaires took Django's loaddata two to three seconds each (a lookup by
natural key for every object and every reference): a new version is now written as
snut_setup writes it (`_loaddata`), in a tenth of that. Dozens of tests start with one.
The first call of a command in a process runs it and copies every table before and after;
a later call on a database holding exactly the rows it held before (compared row for row,
in any order) writes the copy of after back. On any other database the command runs: a
test gets the rows it would have got either way."""

import json
import tempfile
from pathlib import Path

from django.core.management import call_command

from diagnostics.models import Questionnaire
from diagnostics.services import setup
from diagnostics.services.fixture_records import records_install
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
    if args[0] == "loaddata":
        _loaddata(*args[1:])
    else:
        call_command(*args, verbosity=0)
    if known is None:
        _copies[args] = (before, Snapshot.take())


def loaddata(*names: str) -> None:
    command("loaddata", *names)


def _loaddata(*names: str) -> None:
    """The rows `loaddata` writes: a new version of an official questionnaire as snut_setup
    writes it (fixture_records: the same rows, tests/test_setup.py compares them, a dozen
    statements where loaddata takes thousands), the records with a pk (workshops) and any
    other fixture by loaddata itself."""
    for name in names:
        path = setup.FIXTURES / f"{name.removesuffix('.json')}.json"
        records = setup.fixture_records(path.stem) if path.exists() else []
        version = setup.fixture_version(records)
        if (
            version is None
            or Questionnaire.objects.filter(code=version[0], version=version[1]).exists()
        ):
            call_command("loaddata", name, verbosity=0)
            continue
        records_install([r for r in records if "pk" not in r])
        with_pk = [r for r in records if "pk" in r]
        if with_pk:
            with tempfile.TemporaryDirectory() as folder:
                part = Path(folder) / path.name
                part.write_text(json.dumps(with_pk), encoding="utf-8")
                call_command("loaddata", str(part), verbosity=0)
