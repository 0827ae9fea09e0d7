"""Background work: the report printed at submission, retries, batches of e-mails."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from diagnostics import report, services, tasks
from diagnostics.services import diagnostics as diagnostic_services

DATABASE_TASKS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
)


def run_worker():
    """The production worker, run until the queue is empty. It closes the database
    connection between tasks, which would end the test's transaction on PostgreSQL."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def test_submission_enqueues_the_report_once_committed(
    complete, director, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(diagnostic_services, "report_pdf_enqueue", lambda **kw: enqueued.append(kw))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.diagnostic_submit(diagnostic=complete, user=director)
    assert enqueued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert enqueued == [{"diagnostic_id": complete.pk}]


def test_a_refused_submission_enqueues_nothing(
    diagnostic, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
    assert callbacks == []


@DATABASE_TASKS
def test_a_failing_task_is_recorded_and_retried_later_three_attempts_in_all(
    complete, director, monkeypatch
):
    services.diagnostic_submit(diagnostic=complete, user=director)

    def broken(*args, **kwargs):
        raise OSError("police introuvable")

    monkeypatch.setattr(report, "diagnostic_pdf", broken)
    services.report_pdf_enqueue(diagnostic_id=complete.pk)
    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "police introuvable" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"diagnostic_id": complete.pk, "attempt": 2}
    assert retry.run_after > timezone.now()  # deferred: the worker leaves it for now
    # The PDF view does not wait for a retry: the first attempt has failed.
    assert not services.report_pdf_pending(diagnostic_id=complete.pk)
    for attempt in (2, 3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
        assert DBTaskResult.objects.filter(status="FAILED").count() == attempt
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no fourth attempt


def test_a_reopened_diagnostic_prints_nothing(complete, director, printed):
    services.diagnostic_submit(diagnostic=complete, user=director)
    complete.status = complete.Status.DRAFT
    complete.save()
    result = services.report_pdf_task.enqueue(diagnostic_id=complete.pk)
    assert result.return_value == 0 and printed == []


def message(number):
    return {"subject": f"Relance {number}", "body": "Bonjour", "to": [f"d{number}@example.org"]}


def test_send_messages_task_sends_a_batch(db):
    result = services.send_messages_task.enqueue(messages=[message(1), message(2)])
    assert result.return_value == 2
    assert [m.subject for m in mail.outbox] == ["Relance 1", "Relance 2"]


def flaky_send(monkeypatch, failures: int):
    """EmailMessage.send failing `failures` times on « Relance 2 »; returns the subjects tried."""
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    tried = []

    def flaky(self, *args, **kwargs):
        tried.append(self.subject)
        if self.subject == "Relance 2" and tried.count("Relance 2") <= failures:
            raise OSError("serveur SMTP indisponible")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    return tried


def test_send_messages_task_retries_only_what_was_not_sent(db, monkeypatch):
    tried = flaky_send(monkeypatch, failures=1)
    batch = services.messages_enqueue(messages=[message(1), message(2), message(3)])
    assert tried == ["Relance 1", "Relance 2", "Relance 2", "Relance 3"]
    assert [m.subject for m in mail.outbox] == ["Relance 1", "Relance 2", "Relance 3"]
    progress = services.messages_progress(batch_id=batch)
    assert progress == {"total": 3, "sent": 3, "state": "sent", "attempt": 2, "error": ""}


def html_message(number):
    from django.core.mail import EmailMultiAlternatives

    built = EmailMultiAlternatives(
        subject=f"Relance {number}", body="Bonjour,\n\nle lien", to=[f"d{number}@example.org"]
    )
    built.attach_alternative(f"<p>Bonjour, <a href='#'>le lien {number}</a></p>", "text/html")
    return built


def test_a_batch_is_sent_as_multipart_messages_and_its_progress_can_be_polled(db):
    batch = services.messages_enqueue(messages=[html_message(1), html_message(2)], batch_id="b1")
    assert batch == "b1"
    assert services.messages_progress(batch_id="b1") == {
        "total": 2,
        "sent": 2,
        "state": "sent",
        "attempt": 1,
        "error": "",
    }
    for sent in mail.outbox:
        assert sent.body.startswith("Bonjour")
        assert sent.alternatives[0][1] == "text/html" and "<a href" in sent.alternatives[0][0]
    assert services.messages_progress(batch_id="inconnu") is None


def test_a_batch_through_a_real_smtp_server_uses_one_connection(db, smtp_server):
    services.messages_enqueue(messages=[html_message(number) for number in range(1, 6)])
    assert len(smtp_server.messages) == 5 and len(smtp_server.sessions) == 1
    for received in smtp_server.messages:
        assert received.get_content_type() == "multipart/alternative"
        assert "le lien" in received.get_body(preferencelist=("plain",)).get_content()
        assert "<a href" in received.get_body(preferencelist=("html",)).get_content()


@DATABASE_TASKS
def test_a_batch_waits_for_its_retry_then_finishes_its_progress_says_so(db, monkeypatch):
    flaky_send(monkeypatch, failures=1)
    batch = services.messages_enqueue(messages=[message(1), message(2), message(3)])
    assert services.messages_progress(batch_id=batch)["state"] == "pending" and not mail.outbox
    run_worker()
    progress = services.messages_progress(batch_id=batch)
    assert progress["sent"] == 1 and progress["state"] == "retrying"
    assert "SMTP indisponible" in progress["error"]
    retry = DBTaskResult.objects.get(status="READY")
    assert [m["subject"] for m in retry.args_kwargs["kwargs"]["messages"]] == [
        "Relance 2",
        "Relance 3",
    ]
    retry.run_after = timezone.now()
    retry.save()
    run_worker()
    assert services.messages_progress(batch_id=batch)["sent"] == 3
    assert services.messages_progress(batch_id=batch)["state"] == "sent"
    assert [m.subject for m in mail.outbox] == ["Relance 1", "Relance 2", "Relance 3"]


def test_a_batch_that_never_leaves_is_marked_failed_after_three_attempts(db, monkeypatch):
    tried = flaky_send(monkeypatch, failures=99)
    batch = services.messages_enqueue(messages=[message(1), message(2)])
    assert tried.count("Relance 2") == 3
    progress = services.messages_progress(batch_id=batch)
    assert progress["state"] == "failed" and progress["sent"] == 1 and progress["attempt"] == 3


def test_seeding_many_submissions_prints_no_report(
    complete, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, services.reports_printed_on_demand():
        services.diagnostic_submit(diagnostic=complete, user=director)
    assert callbacks == []


def test_rows_queued_before_the_tasks_moved_still_find_their_task():
    """django-tasks stores a task's dotted path; rows queued before issue 21 name
    diagnostics.tasks, which re-exports the tasks now beside their services."""
    for name in tasks.__all__:
        moved = getattr(services, name)
        assert import_string(f"diagnostics.tasks.{name}") is moved
        assert moved.module_path.startswith("diagnostics.services.")


def test_importing_the_services_loads_no_pdf_engine():
    """Every manage.py call imports the services: WeasyPrint waits for the report task."""
    code = (
        "import sys, django; django.setup(); import diagnostics.services, diagnostics.tasks; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "snut.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
