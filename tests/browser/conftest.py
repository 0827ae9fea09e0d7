"""Browser tests drive the system Chromium (Debian's `chromium`); no browser download."""

import os
import shutil

import pytest

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
if CHROMIUM is None:
    pytest.skip(
        "browser tests skipped: no Chromium found (apt-get install chromium, or set CHROMIUM=/path)",
        allow_module_level=True,
    )


# Playwright's sync API runs an event loop in this thread; the test body still
# needs the ORM to prepare and check data, which Django would otherwise refuse.
# (tests/test_settings.py keeps it out of its deploy check.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
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
