"""Issue 14, part 3: one cache shared by every worker and app server (Redis, CACHE_URL).

One process prints a report into Redis; another serves it without printing.
Redis database 3 of 127.0.0.1:6379 is the tests' (CI starts redis-server).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from diagnostics import report
from diagnostics.results import build_results
from diagnostics.selectors import regional

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = "redis://127.0.0.1:6379/3"


def _redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(
        not _redis_answers(), reason="no Redis answers on 127.0.0.1:6379 (.ci/run starts one)"
    ),
    pytest.mark.slow,  # a second process prints a report
]


@pytest.fixture
def redis_cache(settings):
    prefix = f"snut-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    yield prefix
    import redis

    # Only this test's keys: cache.clear() would empty the whole database under the feet of
    # another pytest-xdist worker (or another run) using it at the same moment.
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def print_in_another_process(html: str, prefix: str) -> subprocess.CompletedProcess:
    code = "import sys; from diagnostics import report; report.pdf_for_html(sys.stdin.read())"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "snut.settings_test",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        input=html,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_report_printed_by_one_process_is_served_by_another(
    client, director, submitted, redis_cache
):
    html = report.render_html(build_results(submitted))
    printed = print_in_another_process(html, redis_cache)
    assert printed.returncode == 0, printed.stderr

    client.force_login(director)
    with mock.patch.object(
        report.Document, "write_pdf", side_effect=AssertionError("printed again")
    ):
        response = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_dashboard_figures_are_computed_once_for_every_process(submitted, redis_cache):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as computed:
        first = regional.dashboard(submitted.campaign)
    caches.close_all()  # as another worker would: a new connection, the same store
    with CaptureQueriesContext(connection) as cached:
        again = regional.dashboard(submitted.campaign)
    assert again.overall.count == first.overall.count == 1
    assert len(cached) < len(computed), (len(cached), len(computed))
