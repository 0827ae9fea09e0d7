"""Settings of the benchmarks: the real ones, on a database of their own, plus a trivial view.

BENCH_DATABASE_URL chooses the database (default: an SQLite file under bench/out/).
"""

import os
from pathlib import Path

import dj_database_url

OUT = Path(__file__).resolve().parent / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("SECRET_KEY", "bench-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from snut.settings import *  # noqa: E402,F403

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("BENCH_DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
ROOT_URLCONF = "bench.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The exports the benchmark writes (private storage) stay under bench/out/.
MEDIA_ROOT = OUT / "private"
