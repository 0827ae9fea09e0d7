"""Work done after a submission: the PDF report printed into the shared cache, and the regional
dashboard's figures and the campaign's weak answers (training needs, pooling) computed, both in
the background.

WeasyPrint is imported by the report task only (diagnostics.report, imported inside it), so that
importing the services costs no PDF engine.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks.exceptions import TaskResultDoesNotExist

from diagnostics.models import Campaign, Diagnostic
from diagnostics.selectors import regional
from diagnostics.selectors.pooling import keep_pooling_groups, pooling_groups
from diagnostics.selectors.trainings import (
    stored_need_counts,
    training_need_counts,
    weak_organisations,
)
from diagnostics.services.queue import retry

# A report task still waiting after this long is taken as stalled (no worker
# running?): the PDF view then prints the report itself rather than waiting.
REPORT_PENDING_SECONDS = 120


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
    from diagnostics import report  # WeasyPrint: loaded by the task, not by every import

    try:
        return len(report.diagnostic_pdf(diagnostic))
    except Exception:
        retry(report_pdf_task, attempt=attempt, diagnostic_id=diagnostic_id)
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


@task()
def dashboard_figures_task(*, campaign_id: int, attempt: int = 1) -> int:
    """Computes the regional dashboard's figures of a network campaign, and of the
    campaign after it (which compares itself with this one), into the shared cache and the
    database (selectors/stored_figures.py: emptying the shared cache does not lose them), with
    the campaign's weak answers, the training needs' counts and the pooling groups that
    the training needs and pooling pages read (in the database too, the counts and groups
    under a key naming the participants' departments and names and the trainings'
    questions they were drawn from): staff then find them ready after a submission.
    Returns how many campaigns' dashboard figures were computed."""
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
                regional.submitted_figures(each, regional.previous_campaign(each), keep=True)
        weak_organisations(campaign, keep=True)
        stored_need_counts(campaign, keep=True)
        keep_pooling_groups(campaign)
        # And kept for the pages (page_memo.kept), drawn from what was just stored.
        training_need_counts(campaign)
        pooling_groups(campaign)
    except Exception:
        retry(dashboard_figures_task, attempt=attempt, campaign_id=campaign_id)
        raise
    return 1 if following is None else 2
