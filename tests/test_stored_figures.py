"""Figures kept in the database (diagnostics/selectors/stored_figures.py): one row per kind
and campaign, replaced only by a figure counting a later submission; what a page shows
while a submission's task is awaited, and when it draws the figures itself instead."""

import importlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Diagnostic
from diagnostics.selectors import regional
from diagnostics.selectors.stored_figures import stored, stored_row
from tests import factories
from tests.admin.conftest import bulk_region

pytestmark = pytest.mark.django_db
dashboard_module = importlib.import_module("diagnostics.selectors.regional.dashboard")


def test_a_row_is_replaced_only_by_a_figure_counting_a_later_submission():
    now = timezone.now()
    stored("k2", lambda: "second", place="p", last=now, keep=True)
    stored("k1", lambda: "first", place="p", last=now - timedelta(minutes=1), keep=True)
    assert stored_row("p") == ("k2", "second", now)  # a late task's older figure: dropped
    stored("k3", lambda: "third", place="p", last=now + timedelta(minutes=1), keep=True)
    assert stored_row("p")[:2] == ("k3", "third")
    cache.clear()
    assert stored("k3", lambda: "drawn again", place="p") == "third"  # read back


def test_a_page_gets_the_row_of_another_key_only_through_meanwhile():
    stored("old", lambda: "kept", place="p", last=timezone.now(), keep=True)
    seen = []
    value = stored("new", lambda: "drawn", place="p", meanwhile=lambda *row: seen.append(row))
    assert value == "drawn" and seen[0][0] == "kept"
    assert stored_row("p")[0] == "old"  # a page never writes the row


@pytest.fixture
def campaign(questionnaire):
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 4)
    services.dashboard_figures_task.call(campaign_id=campaign.pk)  # stores the figures
    return campaign


def resubmitted(campaign, **ago):
    """The campaign's earliest submitted diagnostic submitted again, `ago` before now."""
    diagnostic = Diagnostic.objects.filter(campaign=campaign).order_by("pk").first()
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        submitted_at=timezone.now() - timedelta(**ago)
    )
    cache.clear()


def test_the_stored_figures_are_shown_awaiting_a_submission_of_the_last_two_minutes(campaign):
    resubmitted(campaign, seconds=10)
    assert regional.dashboard(campaign).awaited is not None


def test_figures_missing_an_older_submission_are_drawn_again_not_shown(campaign):
    """A submission older than the task's usual delay that the stored figures do not count
    (the worker stopped then): the page draws the figures, even with another submission
    awaited now."""
    resubmitted(campaign, minutes=5)
    other = Diagnostic.objects.filter(campaign=campaign).order_by("pk")[1]
    Diagnostic.objects.filter(pk=other.pk).update(submitted_at=timezone.now())
    cache.clear()
    shown = regional.dashboard(campaign)
    assert shown.awaited is None and shown.overall.count == 4


def test_a_reopening_is_not_a_submission_awaited(campaign, director):
    """Figures counting the latest submission: what changed since (a reopening) is not
    awaited, the page draws them."""
    diagnostic = Diagnostic.objects.filter(campaign=campaign).order_by("-pk").first()
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status=Diagnostic.Status.DRAFT)
    cache.clear()
    shown = regional.dashboard(campaign)
    assert shown.awaited is None and shown.overall.count == 3
