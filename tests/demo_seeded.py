"""The demo, seeded once per test run and restored by every test that wants it
(tests/snapshot.py): the browser tests, the admin's accessibility sweep and the HTML check
all read the same demo, which takes seconds of CPU to seed.

Under pytest-xdist the first worker to need the demo seeds it and leaves a copy of its rows
in the run's own temporary folder (shared by the run's workers, never by another run); the
other workers read the copy. Every worker's database comes from the same migrations in the
same order, so the rows (content types and permissions included) are the same ones."""

import fcntl
import os
import pickle
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from diagnostics.management.commands.seed_demo import seed
from diagnostics.models import Questionnaire
from tests.factories import territories_loaded
from tests.snapshot import Snapshot


def seed_demo_data() -> Questionnaire:
    """The demo as `make demo` seeds it: last year on version 1, this year on version 2."""
    territories_loaded()
    call_command("snut_setup", "--all-versions", verbosity=0)
    first, second = (Questionnaire.objects.get(code="snut-ot", version=v) for v in (1, 2))
    seed(second, previous_questionnaire=first)
    return second


def _seeded() -> tuple[Snapshot, int]:
    questionnaire = seed_demo_data()
    snapshot = Snapshot.take()
    call_command("flush", interactive=False, verbosity=0)
    return snapshot, questionnaire.pk


@contextmanager
def _locked(path: Path):
    with open(path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared_by_the_run(tmp_path_factory, name: str, make):
    """`make()` once per test run: under pytest-xdist its result is pickled into the run's
    temporary folder (the parent of each worker's own), under a lock, for the other
    workers; without xdist it is simply made."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make()
    folder = tmp_path_factory.getbasetemp().parent
    path = folder / f"{name}-{connection.vendor}.pickle"
    with _locked(folder / f"{name}-{connection.vendor}.lock"):
        if path.exists():
            return pickle.loads(path.read_bytes())
        value = make()
        path.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's rows and this year's questionnaire's id. Seeded, copied, then emptied: the
    database is left as the tests before found it (the territories only, which come back
    after every flush), and each test that wants the demo restores the copy."""
    with django_db_blocker.unblock():
        return shared_by_the_run(tmp_path_factory, "demo", _seeded)
