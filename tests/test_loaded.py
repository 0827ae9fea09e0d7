"""tests/loaded.py: a copy of loaddata's rows is written back only onto the database it was
taken from, and holds exactly what loaddata wrote."""

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
    monkeypatch.setattr(loaded, "call_command", lambda *args, **kwargs: calls.append(args))
    loaded.loaddata("questionnaire_prestataires")
    assert calls == [] and loaded._rows(Snapshot.take()) == by_loaddata

    # Another database (one row more before): loaddata itself, the copy left aside.
    transaction.savepoint_rollback(point)
    factories.make_office()
    loaded.loaddata("questionnaire_prestataires")
    assert calls == [("loaddata", "questionnaire_prestataires")]
