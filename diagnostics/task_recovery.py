"""Tasks whose worker died: found, recorded as failed, and retried by the usual policy.

django-tasks-db marks a row « running » when a worker claims it and never looks at
it again: a worker killed mid-task (out of memory, a deploy, a lost machine) leaves
it running for ever, and with it an export « en cours » and a batch of e-mails
« en cours d’envoi ». Each `manage.py worker` process records a heartbeat every
HEARTBEAT_SECONDS from a thread of its own (a long task does not stop it), and
runs `lost_tasks_recover()` as it does. A running task is lost when none of the
workers that claimed it has been seen for LOST_AFTER_SECONDS; it is then marked
failed (« processus arrêté ») and, as a failure would, retried while it has
attempts left (services.RETRY_DELAYS): an export goes back to « en attente », a
batch of e-mails goes on from the first message not recorded as sent (the one
being sent at the kill may go twice: at least once, never never).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from diagnostics import services
from diagnostics.models import Export, WorkerHeartbeat

logger = logging.getLogger(__name__)

LOST_MESSAGE = (
    "Le processus qui exécutait cette tâche s’est arrêté avant la fin ({workers}) : "
    "tâche considérée comme échouée."
)


def _paths(task_) -> set[str]:
    """The paths a row names its task by: where it lives, and for rows queued before
    issue 21, diagnostics.tasks (which re-exports it)."""
    return {task_.module_path, f"diagnostics.tasks.{task_.func.__name__}"}


# The batch tasks' list of items, by task: a retry goes on with those not sent yet.
BATCH_ITEMS = {
    path: items
    for task_, items in (
        (services.send_messages_task, "messages"),
        (services.business_invitations_task, "link_ids"),
        (services.invitation_email_task, "invitation_ids"),
    )
    for path in _paths(task_)
}
EXPORT_PATHS = _paths(services.export_file_task)


class WorkerLost(Exception):
    """Recorded as the exception of a task whose worker died."""


def heartbeat(*, worker_id: str, now=None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": now or timezone.now()}
    )


def heartbeat_end(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _lost_after() -> timedelta:
    return timedelta(seconds=settings.TASK_WORKER_LOST_AFTER_SECONDS)


def lost_tasks(now=None):
    """The running tasks none of whose workers has been seen lately."""
    now = now or timezone.now()
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=now - _lost_after())
    alive_ids = set(alive.values_list("worker_id", flat=True))
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - _lost_after()
    )
    return [row.pk for row in running if not alive_ids.intersection(row.worker_ids or [])]


def _retry_kwargs(row: DBTaskResult, kwargs: dict) -> dict:
    """The next attempt's arguments: a batch goes on from its first unsent item."""
    name = BATCH_ITEMS.get(row.task_path)
    if name and kwargs.get("batch_id"):
        progress = services.messages_progress(batch_id=kwargs["batch_id"])
        items = kwargs.get(name) or []
        if progress is not None:
            # `sent` counts the whole batch; this attempt began where the others stopped.
            done = progress["sent"] - (progress["total"] - len(items))
            kwargs = {**kwargs, name: items[max(done, 0) :]}
    return kwargs


def _recover(row: DBTaskResult) -> None:
    kwargs = dict(row.args_kwargs.get("kwargs") or {})
    attempt = int(kwargs.get("attempt", 1))
    last = attempt > len(services.RETRY_DELAYS)
    message = LOST_MESSAGE.format(workers=", ".join(row.worker_ids or []) or "?")
    row.status = TaskResultStatus.FAILED
    row.finished_at = timezone.now()
    row.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
    row.traceback = message
    row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    if row.task_path in EXPORT_PATHS:
        Export.objects.filter(pk=kwargs.get("export_id")).exclude(
            status=Export.Status.READY
        ).update(
            status=Export.Status.FAILED if last else Export.Status.PENDING,
            error=message,
            finished_at=timezone.now() if last else None,
        )
    if row.task_path in BATCH_ITEMS and kwargs.get("batch_id"):
        services.progress_update(
            kwargs["batch_id"], state="failed" if last else "retrying", error=message[:200]
        )
    if last:
        logger.error("Tâche %s perdue et abandonnée après %d tentatives", row.task_path, attempt)
        return
    retry = {**_retry_kwargs(row, kwargs), "attempt": attempt + 1}
    # In the same transaction: the failure and its retry are stored together, or neither.
    row.task.enqueue(*row.args_kwargs.get("args", []), **retry)
    logger.warning("Tâche %s perdue (processus arrêté) : relancée", row.task_path)


def lost_tasks_recover(now=None) -> int:
    """Records every lost task as failed and retries it; returns how many were found."""
    recovered = 0
    for pk in lost_tasks(now):
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None:  # finished meanwhile, or another worker recovers it
                continue
            _recover(row)
            recovered += 1
    return recovered
