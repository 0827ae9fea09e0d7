"""Background work on a task queue: django-tasks, the backport of Django 6's Tasks.

In development and tests the immediate backend runs a task at once in the
process that enqueues it; in production (TASKS_BACKEND=database) tasks are rows
of django-tasks-db's table, run by `manage.py db_worker`, and shown to the
network staff in the admin ("Tâches en arrière-plan"), failures with their
traceback.

Django's Tasks framework does not retry by itself: a task that fails enqueues
its next attempt (after RETRY_DELAYS, when the backend can defer) and then
fails, so every failed attempt stays recorded.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks.exceptions import TaskResultDoesNotExist

from diagnostics import report
from diagnostics.models import Diagnostic
from diagnostics.results import build_results

logger = logging.getLogger(__name__)

# Seconds before the 2nd and the 3rd attempt: three attempts in all.
RETRY_DELAYS = (60, 600)
# A report task still waiting after this long is taken as stalled (no worker
# running?): the PDF view then prints the report itself rather than waiting.
REPORT_PENDING_SECONDS = 120


def _retry(task_, *, attempt: int, **kwargs) -> None:
    """Enqueues the next attempt of a failed task, if it has one left."""
    if attempt > len(RETRY_DELAYS):
        logger.error("Tâche %s abandonnée après %d tentatives", task_.name, attempt)
        return
    if default_task_backend.supports_defer:
        run_after = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt - 1])
        task_ = task_.using(run_after=run_after)
    task_.enqueue(attempt=attempt + 1, **kwargs)


# --- the PDF report -------------------------------------------------------------


def _report_task_key(diagnostic_id: int) -> str:
    return f"snut-report-task:{diagnostic_id}"


@task()
def report_pdf_task(*, diagnostic_id: int, attempt: int = 1) -> int:
    """Prints a submitted diagnostic's report into the shared cache; returns its size."""
    diagnostic = (
        Diagnostic.objects.select_related(
            "organisation__department", "campaign", "questionnaire", "overall_level"
        )
        .filter(pk=diagnostic_id, status=Diagnostic.Status.SUBMITTED)
        .first()
    )
    if diagnostic is None:  # reopened or deleted since: nothing to print
        return 0
    try:
        return len(report.render_pdf(build_results(diagnostic)))
    except Exception:
        _retry(report_pdf_task, attempt=attempt, diagnostic_id=diagnostic_id)
        raise


_print_at_submission = ContextVar("print_at_submission", default=True)


@contextmanager
def reports_printed_on_demand():
    """Submissions made inside print no report in the background (seeding many
    at once): each report is printed on its first download."""
    token = _print_at_submission.set(False)
    try:
        yield
    finally:
        _print_at_submission.reset(token)


def report_pdf_at_submission() -> bool:
    return _print_at_submission.get()


def report_pdf_enqueue(*, diagnostic_id: int) -> None:
    """Prints the report in the background, so that its first download is immediate."""
    result = report_pdf_task.enqueue(diagnostic_id=diagnostic_id)
    if default_task_backend.supports_get_result:
        # Only the first attempt is followed: once it has failed, the PDF view
        # prints the report itself rather than wait for a retry.
        cache.set(_report_task_key(diagnostic_id), result.id, REPORT_PENDING_SECONDS * 10)


def report_pdf_pending(*, diagnostic_id: int) -> bool:
    """Whether the report task of this diagnostic is waiting or running, and not stalled."""
    result_id = cache.get(_report_task_key(diagnostic_id))
    if result_id is None or not default_task_backend.supports_get_result:
        return False
    try:
        result = report_pdf_task.get_result(result_id)
    except TaskResultDoesNotExist:
        return False
    if result.status not in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        return False
    since = result.started_at or result.enqueued_at
    return since is not None and timezone.now() - since < timedelta(seconds=REPORT_PENDING_SECONDS)


# --- e-mails ------------------------------------------------------------------


@task()
def send_messages_task(*, messages: list[dict], attempt: int = 1) -> int:
    """Sends a batch of e-mails, one connection for all; returns how many were sent.

    Each message is a dict of EmailMessage's arguments: "subject", "body",
    "to" (a list), optionally "from_email", "reply_to", "cc", "bcc".
    When one fails, it and those after it are retried; those sent are not sent again.
    Enqueue after the transaction that decided the sending:
    transaction.on_commit(partial(send_messages_task.enqueue, messages=[...])).
    """
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                EmailMessage(connection=connection, **message).send()
                sent += 1
    except Exception:
        _retry(send_messages_task, attempt=attempt, messages=messages[sent:])
        raise
    return sent
