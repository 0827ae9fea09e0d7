"""Production settings: refuse to start insecurely, pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # each test boots manage.py in a subprocess
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k9#Qv2!pX7@wLr4$Zt8^Hn3&Bd6*Fy1(Jm5)Cs0+Ge_Ua-Wo=Ti",
    "ALLOWED_HOSTS": "snut.example.org",
    "DJANGO_SETTINGS_MODULE": "snut.settings",
    # The facts of the legal pages (diagnostics/legal.py): a production states them.
    "SNUT_PUBLISHER_NAME": "Association Tourisme Exemple",
    "SNUT_PUBLISHER_ADDRESS": "12 rue des Offices, 33000 Bordeaux",
    "SNUT_PUBLISHER_PHONE": "05 56 00 00 00",
    "SNUT_PUBLICATION_DIRECTOR": "Claire Martin",
    "SNUT_DPO_CONTACT": "dpo@reseau.example",
    "SNUT_HOST_NAME": "Hébergeur Exemple SAS",
    "SNUT_HOST_ADDRESS": "2 rue du Serveur, 59100 Roubaix",
    "SNUT_HOST_PHONE": "03 20 00 00 00",
}


def manage(*args, **env):
    return python("manage.py", *args, **env)


def python(*args, **env):
    unwanted = ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_gives_a_dev_key():
    # The settings alone, without loading the apps as `manage.py shell` would: 0.3 s, not 3.
    result = python(
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="snut.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("dev-only-insecure-key-never-use-in-production")


def test_refuses_a_weak_secret_key_when_debug_is_off():
    for weak in (
        "changeme",
        "a" * 60,
        "django-insecure-" + "k9#Qv2!pX7@wLr4$Zt8^Hn3&Bd6*Fy1(Jm5)Cs0",
    ):
        result = manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": weak})
        assert result.returncode != 0, weak
        assert "SECRET_KEY is too weak" in result.stderr


def test_warns_at_start_up_about_unset_legal_facts_in_production():
    env = {**PRODUCTION_ENV, "SNUT_HOST_NAME": "", "SNUT_DPO_CONTACT": ""}
    result = manage("check", **env)
    assert result.returncode == 0, result.stderr  # a warning: the site still starts
    assert "snut.W001" in result.stderr
    assert "SNUT_DPO_CONTACT, SNUT_HOST_NAME" in result.stderr
    assert "snut.W001" not in manage("check", **{**env, "DEBUG": "1"}).stderr


def test_nothing_is_kept_when_the_task_worker_writes_into_a_memory_of_its_own():
    """snut/page_memo.py learns of a write from the timestamps in the cache: without a shared
    cache (CACHE_URL), what the worker process writes would never make a page, a part or
    a value kept for every reader (page_memo.kept) computed again."""
    result = python(
        "-c",
        "import importlib, os; from snut import settings; "
        "print(len(settings.PAGE_MEMO), settings.PAGE_PARTS_KEPT, settings.PAGE_VALUES_KEPT); "
        "os.environ['CACHE_URL'] = 'redis://127.0.0.1:6379/3'; "
        "s = importlib.reload(settings); "
        "print(len(s.PAGE_MEMO), s.PAGE_PARTS_KEPT, s.PAGE_VALUES_KEPT)",
        DEBUG="1",
        CACHE_URL="",
        TASKS_BACKEND="database",
    )
    alone, shared = result.stdout.splitlines()
    assert alone == "0 False False", result.stderr
    assert shared.split()[1:] == ["True", "True"] and int(shared.split()[0]) > 0
