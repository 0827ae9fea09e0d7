import os

import pytest
from django.core.cache import cache, caches
from django.db.models.signals import post_migrate
from hypothesis import settings as hypothesis_settings
from weasyprint import Document

from diagnostics.models import Diagnostic
from diagnostics.selectors import structure
from diagnostics.selectors.stored_figures import FIGURES
from tests import factories
from tests.demo_seeded import demo_snapshot  # noqa: F401 (the demo, seeded once per test run)
from tests.smtp import smtp_server  # noqa: F401 (a fixture for every test module)

# Hypothesis: `ci` tries 100 examples of each property, `dev` (the edit loop) 25; neither has
# a deadline (a loaded 2-core machine is slow by moments) nor writes a .hypothesis/ folder.
# HYPOTHESIS_PROFILE chooses; without it CI (CI=true) gets `ci`. Tests that set their own
# max_examples (tests/test_fuzz.py) keep it under both.
hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, database=None, print_blob=True
)
hypothesis_settings.register_profile("dev", max_examples=25, deadline=None, database=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


# A test that asks none of these fixtures (nor the django_db mark) never opens the database:
# it is marked `no_db`, and CI's PostgreSQL run, which is there for the database, skips it.
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(items):
    for item in items:
        uses_database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES.intersection(
            getattr(item, "fixturenames", ())
        )
        if not uses_database:
            item.add_marker(pytest.mark.no_db)


@pytest.fixture(autouse=True)
def _cold_memory():
    """Each test starts with nothing in memory or in the cache, as a new process does."""
    structure._frozen_axes.clear()
    structure._frozen_levels.clear()
    cache.clear()


@pytest.fixture
def page_memo_off(settings):
    """The page's own work, every time: what a query count measures (snut/page_memo.py
    would otherwise serve the second view as it was)."""
    settings.PAGE_MEMO = ()


@pytest.fixture(autouse=True)
def _territories(request):
    """Departments come from a data migration, which a transactional test's flush empties;
    the stored figures' rows (selectors/stored_figures.py) are not a model's, it leaves them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    if marker and marker.kwargs.get("transaction"):
        transactional = True
    if transactional:
        request.getfixturevalue("transactional_db")
        factories.territories_loaded()
        # Nor is the stored figures' table a model's: a flush leaves another test's rows.
        caches[FIGURES].clear()


def _territories_after_flush(sender, **kwargs):
    factories.territories_loaded()


@pytest.fixture(scope="session", autouse=True)
def _territories_back_after_each_flush():
    """A transactional test ends with a flush, then post_migrate: the departments go back at
    once, so that the next test on this worker, of whatever kind, finds them (xdist does
    not always run the transactional tests last)."""
    from django.apps import apps

    uid = "snut-tests-territories"
    post_migrate.connect(
        _territories_after_flush, sender=apps.get_app_config("diagnostics"), dispatch_uid=uid
    )
    yield
    post_migrate.disconnect(dispatch_uid=uid, sender=apps.get_app_config("diagnostics"))


@pytest.fixture
def questionnaire(db):
    return factories.build_questionnaire()


@pytest.fixture
def campaign(questionnaire):
    return factories.open_campaign(questionnaire)


@pytest.fixture
def office(db):
    return factories.make_office("Office de tourisme du Val d’Albret")


@pytest.fixture
def other_office(db):
    return factories.make_office("Office de tourisme de Port-Voisin")


@pytest.fixture
def director(office):
    return factories.make_user("directrice", office=office)


@pytest.fixture
def stranger(other_office):
    return factories.make_user("voisin", office=other_office)


@pytest.fixture
def diagnostic(office, campaign, director):
    return Diagnostic.objects.create(
        organisation=office,
        campaign=campaign,
        questionnaire=campaign.questionnaire,
        created_by=director,
    )


@pytest.fixture
def complete(diagnostic):
    """A diagnostic with every question answered, ready to submit."""
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return diagnostic


@pytest.fixture
def printed(monkeypatch):
    """Counts WeasyPrint's prints."""
    calls = []
    real_write_pdf = Document.write_pdf
    monkeypatch.setattr(
        Document,
        "write_pdf",
        lambda self, *a, **k: calls.append(1) or real_write_pdf(self, *a, **k),
    )
    return calls


@pytest.fixture(scope="session")
def make_httpserver():
    """pytest-httpserver's server for « Observé »'s tests (tests/test_fetching.py): on
    127.0.0.1 (« localhost » may resolve to ::1 first), one thread per request, so that a
    test's slow or dripping page never holds up the next test's requests."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
