"""Production readiness: headers, French error pages, health check, login throttling, JSON logs."""

import json
import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from snut.logs import JsonFormatter
from tests import factories


def test_pages_carry_the_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_unknown_page_is_a_french_404(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize(
    ("view", "status", "text"),
    [
        (defaults.bad_request, 400, "n’a pas pu être comprise"),
        (defaults.permission_denied, 403, "pas accès à cette page"),
        (defaults.server_error, 500, "erreur est survenue de notre côté"),
    ],
)
def test_error_pages_speak_french(db, view, status, text):
    request = RequestFactory().get("/")
    response = view(request) if view is defaults.server_error else view(request, Exception())
    assert response.status_code == status
    assert text in response.content.decode().replace("\u00a0", " ")


def test_csrf_failure_page_is_french(db, director):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()


def test_healthz_checks_the_database(client, db, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    from django.db import DatabaseError
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("down")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_login_is_throttled_with_a_cool_off(client, db, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    factories.make_user("camille")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "camille", "password": "faux"})
    response = client.post(reverse("login"), {"username": "camille", "password": "secret-pass"})
    assert response.status_code == 429
    assert "Connexion suspendue" in response.content.decode()
    # Another name from the same address is not blocked: the lock is per (name, address).
    other = factories.make_user("lucas")
    assert (
        client.post(reverse("login"), {"username": "lucas", "password": "secret-pass"}).status_code
        == 302
    )
    client.logout()
    # Once the cool-off has passed, the right password works again: never a permanent lockout.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    response = client.post(reverse("login"), {"username": "camille", "password": "secret-pass"})
    assert response.status_code == 302
    assert other.pk


def test_json_log_lines():
    record = logging.LogRecord("snut", logging.ERROR, __file__, 1, "échec %s", ("x",), None)
    line = JsonFormatter().format(record)
    assert json.loads(line)["message"] == "échec x" and json.loads(line)["level"] == "ERROR"


@pytest.mark.slow
def test_production_settings_log_json(monkeypatch):
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k9#Qv2!pX7@wLr4$Zt8^Hn3&Bd6*Fy1(Jm5)Cs0+Ge_Ua-Wo=Ti",
        "DJANGO_SETTINGS_MODULE": "snut.settings",
        "PATH": "/usr/bin:/bin",
    }
    code = "import django, logging; django.setup(); logging.getLogger('snut').warning('prêt')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["message"] == "prêt"
