"""tests/loaded.py: a copy of a command's rows is written back only onto the database it was
taken from, and holds exactly what the command wrote (the official questionnaires are
written as snut_setup writes them: tests/test_setup.py compares those rows with
loaddata's)."""

from django.db import transaction

from tests import factories, loaded
from tests.snapshot import Snapshot


def test_the_copy_holds_what_loaddata_wrote_and_only_serves_the_same_database(db, monkeypatch):
    loaded._copies.pop(("loaddata", "questionnaire_prestataires"), None)
    point = transaction.savepoint()
    loaded.loaddata("questionnaire_prestataires")
    by_loaddata = loaded._rows(Snapshot.take())
    transaction.savepoint_rollback(point)

    calls = []
    monkeypatch.setattr(loaded, "_loaddata", lambda *names: calls.append(names))
    loaded.loaddata("questionnaire_prestataires")
    assert calls == [] and loaded._rows(Snapshot.take()) == by_loaddata

    # Another database (one row more before): the loading itself, the copy left aside.
    transaction.savepoint_rollback(point)
    factories.make_office()
    loaded.loaddata("questionnaire_prestataires")
    assert calls == [("questionnaire_prestataires",)]


def test_the_territories_written_back_after_a_flush_are_those_their_fixture_loads(db, monkeypatch):
    """factories.territories_loaded: loaddata the first time in a process, then its copy."""
    from django.core.management import call_command

    from diagnostics.models import Department, Region

    neighbours = Department.neighbours.through

    def emptied():
        Department.objects.all().delete()
        Region.objects.all().delete()

    def rows():
        """Regions, departments and borders by their codes (the fixture names no ids, so
        on PostgreSQL each load draws new ones from the sequences)."""
        return (
            set(Region.objects.values_list("code", "name")),
            set(Department.objects.values_list("code", "name", "region__code")),
            set(neighbours.objects.values_list("from_department__code", "to_department__code")),
        )

    point = transaction.savepoint()
    emptied()
    call_command("loaddata", "territoires", verbosity=0)
    by_loaddata = rows()
    assert by_loaddata[2]
    transaction.savepoint_rollback(point)

    for _ in range(2):  # the first call may be the process's first: loaddata, then the copy
        emptied()
        factories.territories_loaded()
        assert rows() == by_loaddata
    calls = []
    monkeypatch.setattr(call_command.__module__ + ".call_command", lambda *a, **k: calls.append(a))
    emptied()
    factories.territories_loaded()
    assert calls == [] and rows() == by_loaddata


def test_what_a_run_shares_is_made_once_for_its_workers_and_apart_from_other_runs(
    tmp_path, monkeypatch
):
    """tests/demo_seeded.py: the first pytest-xdist worker makes the value, the others of
    the same run read its copy; another run (another temporary folder) makes its own."""
    from tests.demo_seeded import shared_by_the_run

    class Run:  # what tmp_path_factory gives a worker: a folder of its own in the run's
        def __init__(self, run, worker):
            self.folder = tmp_path / run / worker
            self.folder.mkdir(parents=True)

        def getbasetemp(self):
            return self.folder

    made = []

    def make():
        made.append(1)
        return {"rows": [(1, "Écomusée")], "made": len(made)}

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    first = shared_by_the_run(Run("pytest-1", "popen-gw0"), "valeur", make)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    second = shared_by_the_run(Run("pytest-1", "popen-gw1"), "valeur", make)
    assert made == [1] and second == first == {"rows": [(1, "Écomusée")], "made": 1}
    other_run = shared_by_the_run(Run("pytest-2", "popen-gw0"), "valeur", make)
    assert made == [1, 1] and other_run["made"] == 2
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    shared_by_the_run(Run("pytest-3", "popen-gw0"), "valeur", make)  # no xdist: made
    assert len(made) == 3
