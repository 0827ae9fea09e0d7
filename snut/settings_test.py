"""Settings for the test suite: the real settings plus speed-ups."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "SECRET_KEY", "test-only-key-never-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("LOG_JSON", "0")  # readable test output

from snut.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
# Exports written by the tests never land in the checkout, and each pytest-xdist worker
# (PYTEST_XDIST_WORKER: gw0, gw1…) writes into its own folder.
MEDIA_ROOT = (
    Path(tempfile.gettempdir()) / "snut-test-private" / os.getenv("PYTEST_XDIST_WORKER", "main")
)
# « Observé »: short fetches, so that a slow page costs the suite a second, not ten. Loopback
# stays refused here; the tests that serve pages from 127.0.0.1 allow it themselves.
SNUT_FETCH_TIMEOUT = 1.0
