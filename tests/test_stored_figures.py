"""Figures kept in the database (diagnostics/selectors/stored_figures.py): one row per kind
and campaign, replaced only by a figure counting a later submission; what a page shows
while a submission's task is awaited, and when it draws the figures itself instead."""

import importlib
import pickle
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.utils import timezone

from diagnostics import services
from diagnostics.models import Diagnostic
from diagnostics.selectors import regional
from diagnostics.selectors.stored_figures import FIGURES, FIGURES_VERSION, stored, stored_row
from tests import factories
from tests.admin.conftest import bulk_region

pytestmark = pytest.mark.django_db
dashboard_module = importlib.import_module("diagnostics.selectors.regional.dashboard")
tally_module = importlib.import_module("diagnostics.selectors.regional.tally")


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


def test_a_value_read_back_is_shared_unless_its_caller_keeps_it_itself():
    """share_row=False (pooling_groups, training_need_counts: page_memo.kept keeps what
    they return): the row's value is returned without a copy in the shared cache, so that
    it is pickled once; what is drawn is still kept there (drawing costs more than reading
    the row)."""
    stored("k", lambda: "kept", place="p", last=timezone.now(), keep=True)
    cache.clear()
    assert stored("k", lambda: "drawn", place="p", share_row=False) == "kept"
    assert cache.get("k") is None
    assert stored("k", lambda: "drawn", place="p") == "kept"
    assert cache.get("k") == "kept"
    cache.clear()
    assert stored("other", lambda: "drawn", place="p", share_row=False) == "drawn"
    assert cache.get("other") == "drawn"


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


def figures(dashboard) -> tuple:
    return (
        dashboard.axes,
        dashboard.overall,
        dashboard.overall_levels,
        dashboard.weakest,
        dashboard.boxplot,
    )


@pytest.fixture
def tallies(monkeypatch):
    """The tallies drawn whole from every submitted diagnostic (a page adding the
    diagnostics submitted since to the kept one draws none)."""
    drawn = []
    whole = dashboard_module.campaign_tally

    def tally(campaign):
        drawn.append(campaign.pk)
        return whole(campaign)

    monkeypatch.setattr(dashboard_module, "campaign_tally", tally)
    return drawn


def answered(diagnostics) -> None:
    for index, diagnostic in enumerate(diagnostics):
        factories.answer_all(diagnostic, pick=lambda choices, i=index: choices[i % len(choices)])


@pytest.fixture
def answered_campaign(questionnaire):
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 4)
    answered(Diagnostic.objects.filter(campaign=campaign).order_by("pk"))
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    return campaign


def test_with_its_task_lost_a_page_adds_the_diagnostics_submitted_since_to_the_tally(
    answered_campaign, tallies
):
    """Three diagnostics submitted ten minutes ago, their task never run (its worker
    stopped): the page reads the tally the last task kept and adds only them; the figures
    are those drawn whole from every submitted diagnostic."""
    campaign = answered_campaign
    bulk_region(campaign, 3, start=4)
    since = timezone.now() - timedelta(minutes=10)
    added = Diagnostic.objects.filter(campaign=campaign).order_by("-pk")[:3]
    Diagnostic.objects.filter(pk__in=list(added.values_list("pk", flat=True))).update(
        submitted_at=since
    )
    answered(reversed(added))
    cache.clear()
    shown = regional.dashboard(campaign)
    assert shown.awaited is None and shown.overall.count == 7
    assert shown.weakest and shown.weakest[0].answers == 7
    assert tallies == []  # the three added to the kept tally, not all seven read again
    whole = dashboard_module._submitted_figures(
        campaign, None, tally_module.campaign_tally(campaign)
    )
    assert figures(shown) == figures(regional.Dashboard(campaign, None, {}, **whole))
    assert len(stored_row(f"{place(campaign)}:tally")[1].submitted) == 4  # a page never writes it


def test_a_tally_another_change_since_made_wrong_is_not_added_to(campaign, tallies):
    """A diagnostic reopened and submitted again since the tally was kept: it is counted
    in the tally already, so the figures are drawn whole."""
    diagnostic = Diagnostic.objects.filter(campaign=campaign).order_by("pk").first()
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=10)
    )
    cache.clear()
    assert regional.dashboard(campaign).overall.count == 4
    assert tallies == [campaign.pk]


def place(campaign) -> str:
    return dashboard_module.figures_place(campaign, None)


def test_a_row_counting_a_submission_since_reopened_is_replaced_by_current_figures(
    campaign, tallies
):
    """The latest submission reopened: the figures the task then draws count an earlier
    latest submission than the row's, yet they are current, so they replace it; the page
    reads them back rather than drawing them."""
    latest = Diagnostic.objects.filter(campaign=campaign).order_by("-pk").first()
    Diagnostic.objects.filter(pk=latest.pk).update(submitted_at=timezone.now())
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    Diagnostic.objects.filter(pk=latest.pk).update(status=Diagnostic.Status.DRAFT)
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    assert stored_row(place(campaign))[1]["overall"].count == 3
    assert len(stored_row(f"{place(campaign)}:tally")[1].submitted) == 3
    cache.clear()
    del tallies[:]
    assert regional.dashboard(campaign).overall.count == 3 and tallies == []


def test_a_submission_landing_while_the_task_draws_is_counted_once_and_kept_nowhere(
    answered_campaign, monkeypatch
):
    """A diagnostic submitted between the task's first read and its next ones: the figures
    it draws may count it or not, so they are kept nowhere; a page later draws them
    whole, counting it once."""
    campaign = answered_campaign
    bulk_region(campaign, 1, start=4)
    (late,) = Diagnostic.objects.filter(campaign=campaign).order_by("-pk")[:1]
    answered([late])
    Diagnostic.objects.filter(pk=late.pk).update(status=Diagnostic.Status.DRAFT)
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    read = tally_module._submitted_now

    def submitted_meanwhile(campaign):
        found = read(campaign)
        Diagnostic.objects.filter(pk=late.pk).update(
            status=Diagnostic.Status.SUBMITTED, submitted_at=timezone.now() - timedelta(minutes=10)
        )
        return found

    monkeypatch.setattr(tally_module, "_submitted_now", submitted_meanwhile)
    cache.clear()
    caches[FIGURES].delete(f"v{FIGURES_VERSION}:{place(campaign)}")  # the task draws again
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    monkeypatch.setattr(tally_module, "_submitted_now", read)
    assert len(stored_row(f"{place(campaign)}:tally")[1].submitted) == 4  # the one before
    cache.clear()
    shown = regional.dashboard(campaign)
    assert shown.overall.count == 5 and shown.weakest[0].answers == 5


def test_a_diagnostic_submitted_again_behind_the_tally_s_time_is_not_added_to(campaign):
    """The latest submission reopened and submitted again with an earlier time (a clock
    behind): the tally counts its old scores, so the figures are drawn whole."""
    latest = Diagnostic.objects.filter(campaign=campaign).order_by("-pk").first()
    Diagnostic.objects.filter(pk=latest.pk).update(
        submitted_at=latest.submitted_at + timedelta(minutes=1)
    )
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    Diagnostic.objects.filter(pk=latest.pk).update(
        submitted_at=latest.submitted_at, overall_score=1
    )
    cache.clear()
    shown = regional.dashboard(campaign)
    # 0, 7, 14 and 21 before; 21 is now 1.
    assert shown.awaited is None and (shown.overall.maximum, shown.overall.median) == (14, 4)


@pytest.fixture
def reopener():
    """A member of the network's staff, who may reopen a submitted diagnostic."""
    user = factories.make_user("reseau", is_staff=True)
    user.groups.add(services.network_group_sync())
    return user


def reopened_once_read(monkeypatch, diagnostic, reopener, *, submitted_first=False) -> None:
    """The next read of a campaign's submitted diagnostics, and that one only, followed by
    `diagnostic`'s reopening (its axes' scores deleted, its answers kept), as if it landed
    between the tally's first query and its next ones; `submitted_first`: submitted just
    before that read."""
    read = tally_module._submitted_now

    def reopened_meanwhile(campaign):
        monkeypatch.setattr(tally_module, "_submitted_now", read)
        if submitted_first:
            late = Diagnostic.objects.select_related("organisation").get(pk=diagnostic.pk)
            director = factories.director_of(late.organisation)
            services.diagnostic_submit(diagnostic=late, user=director)
        found = read(campaign)
        services.diagnostic_reopen(diagnostic=diagnostic, user=reopener, reason="Erreur")
        return found

    monkeypatch.setattr(tally_module, "_submitted_now", reopened_meanwhile)


def test_a_diagnostic_reopened_while_the_task_reads_the_tally_is_counted_nowhere(
    answered_campaign, reopener, monkeypatch
):
    """Submitted once the task has read the submissions' key, then reopened between the
    task's first read of the tally and its next ones: the key the task reads again is the
    one it drew under, yet the tally is drawn again, so the figures kept count it in no
    axis, no overall score and no answer, rather than in some and not others."""
    campaign = answered_campaign
    bulk_region(campaign, 1, start=4)
    (late,) = Diagnostic.objects.filter(campaign=campaign).order_by("-pk")[:1]
    answered([late])
    services.diagnostic_reopen(diagnostic=late, user=reopener, reason="Erreur")
    cache.clear()
    caches[FIGURES].delete(f"v{FIGURES_VERSION}:{place(campaign)}")  # the task draws again
    reopened_once_read(monkeypatch, late, reopener, submitted_first=True)
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    kept = stored_row(place(campaign))[1]
    assert kept["overall"].count == 4 and kept["weakest"][0].answers == 4
    assert {summary.distribution.count for summary in kept["axes"]} == {4}
    assert len(stored_row(f"{place(campaign)}:tally")[1].submitted) == 4


def test_a_diagnostic_reopened_while_a_page_adds_it_to_the_tally_is_counted_nowhere(
    answered_campaign, reopener, monkeypatch, tallies
):
    """Submitted ten minutes ago, its task lost, then reopened while the page adds it to
    the kept tally: the page draws the figures whole, without it."""
    campaign = answered_campaign
    bulk_region(campaign, 1, start=4)
    (late,) = Diagnostic.objects.filter(campaign=campaign).order_by("-pk")[:1]
    Diagnostic.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=10)
    )
    answered([late])
    cache.clear()
    reopened_once_read(monkeypatch, late, reopener)
    shown = regional.dashboard(campaign)
    assert tallies == [campaign.pk]  # drawn whole once the addition failed
    assert shown.overall.count == 4 and shown.weakest[0].answers == 4
    assert {summary.distribution.count for summary in shown.axes} == {4}


def test_the_figures_hold_no_questionnaire_and_nothing_prefetched(campaign):
    """Kept in the shared cache and the database and read back on every view: the axes,
    levels and questions they name carry nothing the pages do not show (the levels, as
    read, hold the questionnaire they were read from)."""
    figures = dashboard_module.submitted_figures(campaign, None)
    named = [
        *figures["levels"],
        *(summary.axis for summary in figures["axes"]),
        *(level for level, _count in figures["overall_levels"]),
        *(weak.question for weak in figures["weakest"]),
    ]
    assert named and all(not instance._state.fields_cache for instance in named)
    assert b"Questionnaire" not in pickle.dumps(figures)


def test_the_task_keeps_what_it_draws_never_what_a_page_left_in_the_shared_cache(campaign):
    figures = dashboard_module.submitted_figures(campaign, None)
    key = dashboard_module.submissions_stamp(campaign, None)[0]
    cache.set(key, {**figures, "overall": figures["overall"].__class__(count=99)})
    caches_row = stored_row(place(campaign))
    assert caches_row is not None
    Diagnostic.objects.filter(campaign=campaign).order_by("pk").first().delete()
    key = dashboard_module.submissions_stamp(campaign, None)[0]
    cache.set(key, {**figures, "overall": figures["overall"].__class__(count=99)})
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    assert stored_row(place(campaign))[1]["overall"].count == 3


def test_figures_drawn_while_a_diagnostic_came_and_went_are_kept_nowhere(
    answered_campaign, monkeypatch
):
    """A diagnostic submitted while the task draws, then reopened: the submissions key is
    the one the task read again, but its figures counted the diagnostic; kept, a page
    would show them. They are not."""
    campaign = answered_campaign
    bulk_region(campaign, 1, start=4)
    (late,) = Diagnostic.objects.filter(campaign=campaign).order_by("-pk")[:1]
    answered([late])
    Diagnostic.objects.filter(pk=late.pk).update(status=Diagnostic.Status.DRAFT)
    read = tally_module._submitted_now

    def submitted_meanwhile(campaign):
        Diagnostic.objects.filter(pk=late.pk).update(status=Diagnostic.Status.SUBMITTED)
        return read(campaign)

    monkeypatch.setattr(tally_module, "_submitted_now", submitted_meanwhile)
    cache.clear()
    caches[FIGURES].delete(f"v{FIGURES_VERSION}:{place(campaign)}")  # the task draws again
    services.dashboard_figures_task.call(campaign_id=campaign.pk)  # draws 5
    monkeypatch.setattr(tally_module, "_submitted_now", read)
    Diagnostic.objects.filter(pk=late.pk).update(status=Diagnostic.Status.DRAFT)  # reopened
    cache.clear()
    assert regional.dashboard(campaign).overall.count == 4


def test_needs_counts_and_pooling_groups_are_read_back_while_what_they_hold_holds(
    questionnaire, monkeypatch
):
    """The submission's task keeps the training needs' counts and the pooling groups in the
    database under a key naming the participants' names and departments and the trainings'
    questions: once the shared cache is emptied they are read back, not drawn again; an
    office renamed or moved since, or a training given other questions, draws them again."""
    from diagnostics.models import Audience, Choice, Office, Question, Training
    from diagnostics.selectors import pooling, trainings
    from tests.views.test_pooling import submit_in

    campaign = factories.open_campaign(questionnaire)
    first = Question.objects.filter(questionnaire=questionnaire).order_by("pk")[0]
    Choice.objects.filter(question=first).update(scale="department")
    training = Training.objects.create(
        title="Atelier", format="workshop", audience=Audience.OFFICES
    )
    training.questions.add(first)
    for name in ("Office Alpha", "Office Bêta", "Office Gamma"):
        submit_in(campaign, name, pick=lambda choices: choices[0])
    services.dashboard_figures_task.call(campaign_id=campaign.pk)
    needs, (groups, _counts) = (
        trainings.training_need_counts(campaign),
        pooling.pooling_groups(campaign),
    )
    assert needs == {training.pk: {"33": 3}}
    assert [g.offices for g in groups] == [["Office Alpha", "Office Bêta", "Office Gamma"]]

    def drawn(*args, **kwargs):
        raise AssertionError("drawn again")

    cache.clear()  # the shared cache emptied (a restart of Redis)
    written = []
    with monkeypatch.context() as patched:
        patched.setattr(pooling, "_grouped", drawn)
        patched.setattr(trainings, "weak_organisations", drawn)
        set_in_cache = cache.set
        patched.setattr(
            cache, "set", lambda key, *a, **k: (written.append(key), set_in_cache(key, *a, **k))
        )
        assert trainings.training_need_counts(campaign) == needs
        assert pooling.pooling_groups(campaign)[0] == groups
    # Read back, each kept once in the shared cache (by page_memo.kept), not pickled twice.
    assert [key.split(":")[0] for key in written] == ["snut-kept-v3", "snut-kept-v3"], written

    Office.objects.filter(name="Office Bêta").update(department_id="40")  # moved only
    cache.clear()
    assert trainings.training_need_counts(campaign) == {training.pk: {"33": 2, "40": 1}}
    assert [g.offices for g in pooling.pooling_groups(campaign)[0]] == [
        ["Office Alpha", "Office Gamma"]
    ]
    Office.objects.filter(name="Office Bêta").update(name="Office Bis")  # then renamed
    cache.clear()
    assert [g.offices for g in pooling.pooling_groups(campaign)[0]] == [
        ["Office Alpha", "Office Gamma"]
    ]
    Office.objects.filter(name="Office Bis").update(department_id="33")
    cache.clear()
    assert [g.offices for g in pooling.pooling_groups(campaign)[0]] == [
        ["Office Alpha", "Office Bis", "Office Gamma"]
    ]
    # The offices' departments as the task found them again, the training's questions not.
    training.questions.clear()
    cache.clear()
    assert trainings.training_need_counts(campaign) == {}
