"""Background work on a task queue: django-tasks, the backport of Django 6's Tasks.

The tasks: the PDF report printed at submission, batches of e-mails, the staff's exports.
Their arguments hold ids and plain values, never a secret: staff can read them.

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
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks.exceptions import TaskResultDoesNotExist

from diagnostics import report
from diagnostics.emails import business_invitation_message, invitation_message
from diagnostics.models import BusinessLink, Campaign, Diagnostic, Invitation
from diagnostics.results import build_results
from diagnostics.selectors import regional
from diagnostics.tokens import new_token

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
    """Submissions made inside print no report and compute no dashboard figures in
    the background (seeding many at once): each is computed when first shown."""
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


# --- the regional dashboard -----------------------------------------------------


@task()
def dashboard_figures_task(*, campaign_id: int, attempt: int = 1) -> int:
    """Computes the regional dashboard's figures of a network campaign, and of the
    campaign after it (which compares itself with this one), into the shared cache:
    staff then find them ready after a submission. Returns how many were computed."""
    campaign = Campaign.objects.network().select_related("questionnaire").filter(pk=campaign_id)
    campaign = campaign.first()
    if campaign is None:  # a business campaign, or deleted since
        return 0
    following = (
        Campaign.objects.network()
        .select_related("questionnaire")
        .filter(opens__gt=campaign.opens)
        .order_by("opens")
        .first()
    )
    try:
        for each in (campaign, following):
            if each is not None:
                regional.submitted_figures(each, regional.previous_campaign(each))
    except Exception:
        _retry(dashboard_figures_task, attempt=attempt, campaign_id=campaign_id)
        raise
    return 1 if following is None else 2


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
_DESCRIBED = ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to")


def message_description(message: EmailMessage) -> dict:
    """What send_messages_task needs of a built message, in JSON."""
    description = {name: getattr(message, name) for name in _DESCRIBED}
    for content, mimetype in getattr(message, "alternatives", ()):
        if mimetype == "text/html":
            description["html"] = content
    return description


def _message(description: dict, connection) -> EmailMultiAlternatives:
    fields = {name: value for name, value in description.items() if name != "html"}
    message = EmailMultiAlternatives(connection=connection, **fields)
    if description.get("html"):
        message.attach_alternative(description["html"], "text/html")
    return message


def _progress_key(batch_id: str) -> str:
    return f"snut-mail-batch:{batch_id}"


def messages_progress(*, batch_id: str) -> dict | None:
    """How far the batch has gone (see above), or None for an unknown or expired batch."""
    return cache.get(_progress_key(batch_id))


def _progress_update(batch_id: str, **changes) -> None:
    progress = messages_progress(batch_id=batch_id) if batch_id else None
    if progress is not None:
        cache.set(_progress_key(batch_id), {**progress, **changes}, MAIL_PROGRESS_SECONDS)


def _batch_enqueue(task_, *, batch_id: str, total: int, **kwargs) -> str:
    """Records a batch of `total` e-mails as pending, then enqueues the task that sends it."""
    batch_id = batch_id or uuid.uuid4().hex
    cache.set(
        _progress_key(batch_id),
        {"total": total, "sent": 0, "state": "pending", "attempt": 1, "error": ""},
        MAIL_PROGRESS_SECONDS,
    )
    task_.enqueue(batch_id=batch_id, **kwargs)
    return batch_id


def messages_enqueue(*, messages: list[EmailMessage | dict], batch_id: str = "") -> str:
    """Sends a batch of e-mails in the background, one SMTP connection for the batch;
    returns the batch's id for messages_progress().

    Call it once the decision to send is committed (the immediate backend of
    development sends at once).
    """
    descriptions = [m if isinstance(m, dict) else message_description(m) for m in messages]
    return _batch_enqueue(
        send_messages_task, batch_id=batch_id, total=len(descriptions), messages=descriptions
    )


def _send_batch(
    task_, name: str, items: list, build, *, batch_id: str, attempt: int, **kwargs
) -> int:
    """Sends the message `build(item, connection)` of each item (None: nothing to send)
    through one connection, recording the batch's progress; returns how many items this
    attempt went through.

    When one fails, the next attempt of `task_` gets it and those after it (as its
    argument `name`, beside `kwargs`); those sent are not sent again.
    """
    progress = messages_progress(batch_id=batch_id) if batch_id else None
    done_before = progress["sent"] if progress else 0
    _progress_update(batch_id, state="sending", attempt=attempt)
    done = 0
    try:
        with get_connection() as connection:
            for item in items:
                message = build(item, connection)
                if message is not None:
                    message.send()
                done += 1
                _progress_update(batch_id, sent=done_before + done)
    except Exception as error:
        state = "retrying" if attempt <= len(RETRY_DELAYS) else "failed"
        _progress_update(batch_id, state=state, error=str(error)[:200])
        _retry(task_, attempt=attempt, batch_id=batch_id, **{name: items[done:]}, **kwargs)
        raise
    _progress_update(batch_id, state="sent", error="")
    return done


@task()
def send_messages_task(*, messages: list[dict], batch_id: str = "", attempt: int = 1) -> int:
    """Sends a batch of message descriptions through one connection; returns how many
    this attempt sent.

    When one fails, it and those after it are retried (RETRY_DELAYS); those sent are not
    sent again. Prefer messages_enqueue(), which also records the batch's progress.
    """
    return _send_batch(
        send_messages_task, "messages", messages, _message, batch_id=batch_id, attempt=attempt
    )


# --- e-mails that carry a secret link ------------------------------------------------
#
# A task's arguments are rows that the network's staff can list, so they hold ids
# only, never a token or a rendered link. The task makes each link's token just
# before its e-mail leaves, stores the token's hash on the link (the link opened
# nothing until then), and renders the message: the token exists in clear only in
# the e-mail. A retried attempt makes a new token; the unsent one never worked.


def _rekeyed(model, links: dict) -> dict[int, str]:
    """A new token for each open link of `links` ({pk: BusinessLink or Invitation}), their
    hashes stored in one query; {pk: token}. A link revoked, accepted or expired
    meanwhile gets no token: its hash would open nothing anyway, its status is checked."""
    tokens = {}
    for link in links.values():
        if link.revoked_at is None and getattr(link, "accepted_at", None) is None:
            tokens[link.pk], link.token_hash = new_token()
    model.objects.bulk_update([links[pk] for pk in tokens], ["token_hash"])
    return tokens


def business_invitations_enqueue(*, link_ids: list[int], base_url: str, batch_id: str) -> str:
    """E-mails each business link its personal link in the background; returns the
    batch's id for messages_progress()."""
    return _batch_enqueue(
        business_invitations_task,
        batch_id=batch_id,
        total=len(link_ids),
        link_ids=list(link_ids),
        base_url=base_url,
    )


def _send_keyed(task_, name: str, links, render, *, ids: list[int], **kwargs) -> int:
    """Keys the open links among `links` (a queryset) with the ids `ids`, renders each
    one's e-mail as `render(link, token)` and sends them as a batch (_send_batch)."""
    found = links.in_bulk(ids)
    tokens = _rekeyed(links.model, found)

    def build(pk: int, connection) -> EmailMessage | None:
        if pk not in tokens:
            return None
        message = render(found[pk], tokens[pk])
        message.connection = connection
        return message

    return _send_batch(task_, name, ids, build, **kwargs)


@task()
def business_invitations_task(
    *, link_ids: list[int], base_url: str, batch_id: str = "", attempt: int = 1
) -> int:
    """Keys, renders and sends each business's invitation through one connection;
    returns how many this attempt went through.

    A link revoked or deleted since the request (resent, revoked) is skipped.
    Retries as send_messages_task does.
    """
    return _send_keyed(
        business_invitations_task,
        "link_ids",
        BusinessLink.objects.select_related("business", "campaign__organiser"),
        lambda link, token: business_invitation_message(link=link, token=token, base_url=base_url),
        ids=link_ids,
        batch_id=batch_id,
        attempt=attempt,
        base_url=base_url,
    )


def invitation_email_enqueue(*, invitation_id: int, base_url: str, batch_id: str) -> str:
    """E-mails a team invitation its link in the background; returns the batch's id."""
    return _batch_enqueue(
        invitation_email_task,
        batch_id=batch_id,
        total=1,
        invitation_ids=[invitation_id],
        base_url=base_url,
    )


@task()
def invitation_email_task(
    *, invitation_ids: list[int], base_url: str, batch_id: str = "", attempt: int = 1
) -> int:
    """Keys, renders and sends team invitations; an invitation accepted or revoked
    since is skipped. Retries as send_messages_task does."""
    return _send_keyed(
        invitation_email_task,
        "invitation_ids",
        Invitation.objects.select_related("office", "invited_by"),
        lambda invitation, token: invitation_message(
            invitation=invitation, token=token, base_url=base_url
        ),
        ids=invitation_ids,
        batch_id=batch_id,
        attempt=attempt,
        base_url=base_url,
    )


# --- the staff's exports -----------------------------------------------------------


@task()
def export_file_task(*, export_id: int, attempt: int = 1) -> int:
    """Writes a staff member's export into private storage; returns its data rows.

    The export records each failure (diagnostics.services.exports.export_write)."""
    # Imported here: the services import this module to enqueue.
    from diagnostics.services.exports import export_write

    try:
        return export_write(export_id=export_id, attempt=attempt)
    except Exception:
        _retry(export_file_task, attempt=attempt, export_id=export_id)
        raise
