"""The task queue's policy: how a failed task is retried, and how far a batch of e-mails has gone.

Django's Tasks framework (django-tasks, the backport of Django 6's Tasks) does not retry by
itself: a task that fails enqueues its next attempt (after RETRY_DELAYS, when the backend can
defer) and then fails, so every failed attempt stays recorded. In development and tests the
immediate backend runs a task at once in the process that enqueues it; in production
(TASKS_BACKEND=database) tasks are rows of django-tasks-db's table, run by `manage.py db_worker`
and shown to the network staff in the admin (« Tâches en arrière-plan »), failures with their
traceback. A task's arguments hold ids and plain values, never a secret: staff can read them.
"""

import logging
import uuid
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend

logger = logging.getLogger(__name__)


# Seconds before the 2nd and the 3rd attempt: three attempts in all.
RETRY_DELAYS = (60, 600)


def retry(task_, *, attempt: int, **kwargs) -> None:
    """Enqueues the next attempt of a failed task, if it has one left."""
    if attempt > len(RETRY_DELAYS):
        logger.error("Tâche %s abandonnée après %d tentatives", task_.name, attempt)
        return
    if default_task_backend.supports_defer:
        run_after = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt - 1])
        task_ = task_.using(run_after=run_after)
    task_.enqueue(attempt=attempt + 1, **kwargs)


# --- e-mails ------------------------------------------------------------------
#
# A batch of e-mails is a list of message descriptions (plain JSON, stored as is by the
# database backend): EmailMultiAlternatives' arguments "subject", "body" (plain text),
# "to" (a list), optionally "from_email", "cc", "bcc", "reply_to", plus "html", the
# HTML alternative. `messages_enqueue` turns built messages into descriptions, names the
# batch and returns its id; `messages_progress(batch_id=…)` then reads, from the shared
# cache, how many of the batch were sent so far:
#     {"total": 250, "sent": 120, "state": "sending", "attempt": 1, "error": ""}
# with state "pending", "sending", "sent", "retrying" (an attempt failed, the rest
# waits for the next one) or "failed" (no attempt left; the task's traceback is in the
# admin). Progress is kept MAIL_PROGRESS_SECONDS; it informs, the sending never relies on it.

MAIL_PROGRESS_SECONDS = 7 * 24 * 3600


def _progress_key(batch_id: str) -> str:
    return f"snut-mail-batch:{batch_id}"


def messages_progress(*, batch_id: str) -> dict | None:
    """How far the batch has gone (see above), or None for an unknown or expired batch."""
    return cache.get(_progress_key(batch_id))


def progress_update(batch_id: str, **changes) -> None:
    progress = messages_progress(batch_id=batch_id) if batch_id else None
    if progress is not None:
        cache.set(_progress_key(batch_id), {**progress, **changes}, MAIL_PROGRESS_SECONDS)


def batch_enqueue(task_, *, batch_id: str, total: int, **kwargs) -> str:
    """Records a batch of `total` e-mails as pending, then enqueues the task that sends it."""
    batch_id = batch_id or uuid.uuid4().hex
    cache.set(
        _progress_key(batch_id),
        {"total": total, "sent": 0, "state": "pending", "attempt": 1, "error": ""},
        MAIL_PROGRESS_SECONDS,
    )
    task_.enqueue(batch_id=batch_id, **kwargs)
    return batch_id
