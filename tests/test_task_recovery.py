"""A task whose worker dies is failed and retried, never left « running » for ever
(issue 19, item 2): the recovery's rules on both databases, and a real `manage.py
worker` killed mid-task on PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from diagnostics import services, task_recovery
from diagnostics.models import Export, WorkerHeartbeat
from tests import factories
from tests.slow_tasks import nap_task
from tests.test_tasks import DATABASE_TASKS, run_worker

ROOT = Path(__file__).resolve().parent.parent
LATER = timedelta(seconds=settings.TASK_WORKER_LOST_AFTER_SECONDS + 1)


def claimed_by(worker_id: str, row: DBTaskResult, *, started=None) -> DBTaskResult:
    """The row as a worker leaves it when it dies mid-task."""
    row.status = TaskResultStatus.RUNNING
    row.started_at = started or timezone.now()
    row.worker_ids = [worker_id]
    row.save()
    return row


@pytest.fixture
def export(db):
    campaign = factories.open_campaign(factories.build_questionnaire())
    user = factories.make_user("reseau", is_staff=True)
    return Export.objects.create(
        requested_by=user,
        kind=Export.Kind.SCORES,
        format=Export.Format.CSV,
        campaign=campaign,
        status=Export.Status.RUNNING,
    )


@DATABASE_TASKS
def test_an_export_whose_worker_died_is_failed_retried_and_then_written(export):
    services.export_file_task.enqueue(export_id=export.pk)
    row = claimed_by("mort", DBTaskResult.objects.get())
    assert task_recovery.lost_tasks_recover() == 0  # not yet: the worker may be alive
    assert task_recovery.lost_tasks_recover(now=timezone.now() + LATER) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and "s’est arrêté" in row.traceback
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"export_id": export.pk, "attempt": 2}
    export.refresh_from_db()
    assert export.status == Export.Status.PENDING  # « en attente », not « en cours »
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.READY


@DATABASE_TASKS
def test_a_task_of_a_live_worker_is_left_alone(export):
    services.export_file_task.enqueue(export_id=export.pk)
    claimed_by("vivant", DBTaskResult.objects.get(), started=timezone.now() - LATER)
    task_recovery.heartbeat(worker_id="vivant")
    assert task_recovery.lost_tasks_recover() == 0
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


@DATABASE_TASKS
def test_a_lost_last_attempt_fails_the_export_for_good(export):
    services.export_file_task.enqueue(export_id=export.pk, attempt=len(services.RETRY_DELAYS) + 1)
    claimed_by("mort", DBTaskResult.objects.get())
    task_recovery.lost_tasks_recover(now=timezone.now() + LATER)
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and export.finished_at is not None
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@DATABASE_TASKS
def test_a_lost_batch_of_emails_goes_on_from_its_first_unsent_message(db):
    messages = [{"subject": f"n°{n}", "body": "…", "to": [f"{n}@example.org"]} for n in range(5)]
    batch = services.messages_enqueue(messages=messages)
    services.progress_update(batch, state="sending", sent=2)  # two left before the kill
    claimed_by("mort", DBTaskResult.objects.get())
    task_recovery.lost_tasks_recover(now=timezone.now() + LATER)
    assert services.messages_progress(batch_id=batch)["state"] == "retrying"
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert [m["subject"] for m in retry.args_kwargs["kwargs"]["messages"]] == ["n°2", "n°3", "n°4"]


@pytest.mark.slow  # two worker processes, one killed mid-task
@pytest.mark.postgres  # the queue's rows and locks, production's way
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="a worker in another process needs a database shared between processes",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_mid_task_has_its_task_retried_by_another():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "snut.settings_test",
        "TASKS_BACKEND": "database",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{**connection.settings_dict, "HOST": connection.settings_dict["HOST"] or "127.0.0.1"}
        ),
        "TASK_WORKER_HEARTBEAT_SECONDS": "1",
        "TASK_WORKER_LOST_AFTER_SECONDS": "3",
    }

    def worker(worker_id: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"]
            + ["--worker-id", worker_id],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_for(condition, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.2)
        return False

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        nap_task.enqueue(seconds=120)
    doomed = worker("condamne")
    try:
        assert wait_for(lambda: DBTaskResult.objects.filter(status="RUNNING").exists())
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    assert DBTaskResult.objects.get().status == "RUNNING"  # as the dead worker left it
    rescuer = worker("secours")
    try:
        assert wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").exists())
    finally:
        rescuer.send_signal(signal.SIGTERM)
        rescuer.wait(20)
    lost = DBTaskResult.objects.get(status="FAILED")
    assert lost.worker_ids == ["condamne"] and "s’est arrêté" in lost.traceback
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value == 2 and done.worker_ids == ["secours"]
    assert not WorkerHeartbeat.objects.filter(worker_id="secours").exists()  # a clean exit


def test_rows_queued_under_the_old_task_paths_are_recovered_as_batches_and_exports():
    """Rows queued before issue 21 name diagnostics.tasks.… (see diagnostics/tasks.py)."""
    assert task_recovery.BATCH_ITEMS["diagnostics.tasks.send_messages_task"] == "messages"
    assert task_recovery.BATCH_ITEMS[services.invitation_email_task.module_path] == (
        "invitation_ids"
    )
    assert "diagnostics.tasks.export_file_task" in task_recovery.EXPORT_PATHS
