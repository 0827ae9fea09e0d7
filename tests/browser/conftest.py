"""Browser tests drive the system's Chromium, no browser download: Debian's
`chromium-headless-shell` where it is installed (the same Blink as the full browser, whose
headless mode took a third longer over these tests: 144 → 106 s), else `chromium`."""

import os
import shutil

import pytest

from diagnostics.models import Questionnaire

HEADLESS_SHELL = shutil.which("chromium-headless-shell")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM = os.environ.get("CHROMIUM") or HEADLESS_SHELL or BROWSER
if CHROMIUM is None:
    pytest.skip(
        "browser tests skipped: no Chromium found (make test installs it: apt-get install "
        "chromium-headless-shell; or set CHROMIUM=/path)",
        allow_module_level=True,
    )


# Playwright's sync API runs an event loop in this thread; the test body still
# needs the ORM to prepare and check data, which Django would otherwise refuse.
# (tests/test_settings.py keeps it out of its deploy check.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, pytestconfig):
    # The headless shell shows no window: `pytest --headed` takes the full browser.
    headed = pytestconfig.getoption("headed", False) and not os.environ.get("CHROMIUM")
    return {
        **browser_type_launch_args,
        "executable_path": (BROWSER or CHROMIUM) if headed else CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def demo(demo_snapshot, transactional_db):
    """This year's questionnaire of the demo, which every test gets as freshly seeded."""
    snapshot, questionnaire = demo_snapshot
    snapshot.restore()
    return Questionnaire.objects.get(pk=questionnaire)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "seeded_once: the module seeds its data once, committed, for all its tests (see "
        "test_admin_accessibility.py); they run after every other test that uses the database",
    )


def pytest_collection_modifyitems(items):
    """After pytest-django's own order (database tests, then transactional ones): a module
    seeded once keeps its committed data across its tests, and empties the database at its
    end, as a transactional test does; run last, it leaves every other test the database it
    expects."""
    items.sort(key=lambda item: item.get_closest_marker("seeded_once") is not None)
