"""Demo data: refused without DEBUG, idempotent, and rich enough for comparisons."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from diagnostics.management.demo_offices import DEMO_OFFICE
from diagnostics.models import (
    Audience,
    AxisScore,
    AxisTarget,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    Office,
    Training,
    TrainingSession,
)
from tests.loaded import command as command_once
from tests.loaded import loaddata
from tests.snapshot import Snapshot

# The demo is seeded once, on one pytest-xdist worker (session-scoped: a module-scoped
# fixture is set up again when another module's tests ran in between).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("seed-demo")]


@pytest.fixture(scope="session")
def seeded(django_db_setup, django_db_blocker):
    """The questionnaire loaded (`loaded`), then the demo seeded once for the module on it
    (`offices`) and with the businesses' questionnaire too (`businesses`, seeded over it as
    `make demo` does again once snut_setup has run): each test restores the one it needs,
    and reseeds it to see that nothing changes."""
    snapshots = {}
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        loaddata("questionnaire_snut")
        snapshots["loaded"] = Snapshot.take()
        call_command("seed_demo", verbosity=0)
        snapshots["offices"] = Snapshot.take()
        call_command("snut_setup", verbosity=0)  # as `make demo`: questionnaires, catalogues
        call_command("seed_demo", verbosity=0)
        snapshots["businesses"] = Snapshot.take()
        transaction.set_rollback(True)
    return snapshots


@pytest.fixture
def loaded(db, seeded):
    seeded["loaded"].restore()


def test_refuses_when_debug_is_off(loaded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Office.objects.exists()


@override_settings(DEBUG=True)
def test_needs_the_questionnaire(db):
    with pytest.raises(CommandError, match="snut_setup --all-versions"):
        call_command("seed_demo")


@override_settings(DEBUG=True)
@pytest.mark.postgres  # `make demo` honours DATABASE_URL
def test_seeds_offices_campaigns_and_accounts_idempotently(db, seeded):
    seeded["offices"].restore()
    counts = (
        Office.objects.count(),
        Campaign.objects.count(),
        Diagnostic.objects.count(),
        get_user_model().objects.count(),
        AxisTarget.objects.count(),
    )
    call_command("seed_demo", verbosity=0)
    assert counts == (
        Office.objects.count(),
        Campaign.objects.count(),
        Diagnostic.objects.count(),
        get_user_model().objects.count(),
        AxisTarget.objects.count(),
    )
    assert counts[4] == 4

    assert counts[0] == 30
    assert set(Office.objects.values_list("department", flat=True)) == {
        "24",
        "33",
        "40",
        "47",
        "64",
    }
    previous, current = Campaign.objects.order_by("opens")
    assert not previous.is_open() and current.is_open()

    User = get_user_model()
    director = User.objects.get(username="directeur")
    assert director.check_password("snut-demo") and not director.is_staff
    office = director.offices.get()
    assert office.offers_appointments  # the demo shows the individual appointments
    submitted = office.diagnostics.filter(status=Diagnostic.Status.SUBMITTED)
    assert {d.campaign for d in submitted} == {previous, current}
    assert all(d.overall_score is not None and d.axis_scores.count() == 6 for d in submitted)
    # The second demo office is half-way through this year's, started from last year's
    # answers: some still to confirm.
    filler = User.objects.get(username="directrice")
    assert filler.check_password("snut-demo")
    draft = filler.offices.get().diagnostics.get(campaign=current, status=Diagnostic.Status.DRAFT)
    assert draft.answers.filter(carried_over=True).exists()
    assert draft.answers.filter(carried_over=False).exists()
    assert Office.objects.filter(name="Office de tourisme d’Arcachère").exists()

    staff = User.objects.get(username="mopa")
    assert staff.is_staff and not staff.is_superuser and staff.groups.filter(name="Réseau").exists()

    in_current = Diagnostic.objects.filter(campaign=current)
    assert in_current.filter(status=Diagnostic.Status.DRAFT).exists()
    assert in_current.count() < Office.objects.count()  # some offices have not started
    peers = in_current.filter(
        status=Diagnostic.Status.SUBMITTED, organisation__segment=office.segment
    )
    assert peers.exclude(organisation=office).count() >= 5  # enough for the similar-offices median


@override_settings(DEBUG=True)
def test_latest_campaign_runs_on_version_2_and_the_evolution_crosses_it(loaded):
    """A small version 2 (same axis codes, one question less, effort on every choice)."""
    from diagnostics import services
    from diagnostics.models import AxisImportance, Choice, Question, Questionnaire
    from diagnostics.results import build_results

    v1 = Questionnaire.objects.get(code="snut-ot", version=1)
    v2 = services.questionnaire_duplicate(questionnaire=v1)
    Question.objects.filter(questionnaire=v2, code="web-01").delete()
    Choice.objects.filter(question__questionnaire=v2).update(effort="quick", scale="office")
    v2.status = Questionnaire.Status.PUBLISHED
    v2.save()

    call_command("seed_demo", verbosity=0)
    previous, current = Campaign.objects.order_by("opens")
    assert previous.questionnaire == v1 and current.questionnaire == v2
    assert not Diagnostic.objects.filter(campaign=current, questionnaire=v1).exists()
    office = get_user_model().objects.get(username="directeur").offices.get()
    diagnostic = office.diagnostics.get(campaign=current)
    assert diagnostic.answers.count() == v2.questions.count() == v1.questions.count() - 1
    results = build_results(diagnostic)
    assert results.revised_questionnaire
    assert all(axis.previous is not None for axis in results.axes)
    assert AxisImportance.objects.filter(diagnostic=diagnostic).count() == 3
    assert any(item.comment for item in results.plan) or any(
        p.comment for a in results.axes for p in a.focus + a.later
    )
    # « Niveaux visés »: set after last year, one reached and one missed; two for next year.
    assert sorted(o.reached for o in results.previous_targets) == [False, True]
    assert len(results.targets) == 2 and not any(t.reached for t in results.targets)
    assert all(t.target.created_by.username == "directeur" for t in results.targets)


def business_counts():
    return (
        Business.objects.count(),
        Campaign.objects.filter(audience=Audience.BUSINESSES).count(),
        Diagnostic.objects.filter(organisation__kind="business").count(),
        BusinessLink.objects.count(),
        Training.objects.count(),
    )


@override_settings(DEBUG=True)
@pytest.mark.postgres  # `make demo` honours DATABASE_URL
def test_seeds_businesses_and_their_campaigns_idempotently(db, seeded):
    seeded["businesses"].restore()
    counts = business_counts()
    call_command("seed_demo", verbosity=0)
    assert business_counts() == counts

    demo = Office.objects.get(name=DEMO_OFFICE)
    assert demo.businesses.count() == 40
    assert set(demo.businesses.values_list("segment", flat=True)) == set(Business.BUSINESS_SEGMENTS)
    assert all(b.email.endswith(".example.org") for b in demo.businesses.all())
    # This year's campaigns (the demo office also ran one last year: test_demo_impact).
    campaigns = Campaign.objects.filter(
        audience=Audience.BUSINESSES, closes__gte=timezone.localdate()
    )
    assert sorted(c.organiser.businesses.count() for c in campaigns) == [12, 12, 40]
    assert len({c.organiser.department_id for c in campaigns}) == 2
    campaign = campaigns.get(organiser=demo)
    diagnostics = campaign.diagnostics
    submitted = diagnostics.filter(status=Diagnostic.Status.SUBMITTED)
    assert submitted.count() == 30 and diagnostics.filter(status="draft").count() == 4
    assert all(d.overall_score is not None and d.axis_scores.count() == 5 for d in submitted)
    assert 0 < submitted.filter(share_details=False).count() < 15
    # Every business is invited (one live link each); six have not started.
    assert campaign.links.filter(revoked_at__isnull=True).count() == 40
    assert campaign.links.filter(opened_at__isnull=True).count() == 6
    # Varied profiles: campsites sell online better than restaurants.
    resa = {
        segment: [
            s.score
            for s in AxisScore.objects.filter(
                diagnostic__in=submitted,
                axis__code="resa",
                diagnostic__organisation__segment=segment,
            )
        ]
        for segment in (Business.Segment.ACCOMMODATION, Business.Segment.FOOD)
    }
    mean = {k: sum(v) / len(v) for k, v in resa.items()}
    assert mean[Business.Segment.ACCOMMODATION] > mean[Business.Segment.FOOD]
    assert len({d.overall_score for d in submitted}) > 10
    # Both catalogues: the network's trainings for office teams and the businesses' workshops.
    assert set(Training.objects.values_list("audience", flat=True)) == {
        Audience.OFFICES,
        Audience.BUSINESSES,
    }


def test_a_submitted_diagnostics_answers_are_dated_between_its_opening_and_its_submission(
    db, seeded
):
    """« Répondu le … » on a submitted demo diagnostic: a sitting before its submission, not
    the day the demo was seeded; an office's axes over several days, a business's call in
    one; the diagnostic begun before, and submitted in the past."""
    seeded["businesses"].restore()
    submitted = Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED).select_related(
        "campaign"
    )
    assert submitted.filter(organisation__in=Office.objects.all()).exists()
    assert submitted.filter(organisation__in=Business.objects.all()).exists()
    seeded_at = timezone.now()
    for diagnostic in submitted:
        dates = list(diagnostic.answers.values_list("updated_at", flat=True))
        opens = diagnostic.campaign.opens
        assert dates and all(
            opens <= timezone.localdate(when) and when < diagnostic.submitted_at for when in dates
        ), (diagnostic, opens, diagnostic.submitted_at, min(dates), max(dates))
        # Begun before its first answer, submitted before the demo was seeded (the express
        # campaign's were submitted up to ten days ahead, begun on the seeding day).
        assert diagnostic.created_at <= min(dates), diagnostic
        assert diagnostic.submitted_at <= seeded_at, (diagnostic, diagnostic.submitted_at)
    office = submitted.filter(organisation__name=DEMO_OFFICE).latest("submitted_at")
    days = {
        timezone.localdate(when) for when in office.answers.values_list("updated_at", flat=True)
    }
    assert len(days) > 1


@override_settings(DEBUG=True)
def test_demo_business_link_opens_a_business_that_has_not_submitted(db, seeded, client):
    seeded["businesses"].restore()
    out = io.StringIO()
    call_command("demo_business_link", "--base", "http://testserver", stdout=out)
    url = out.getvalue().strip().rsplit(" ", 1)[-1]
    assert url.startswith("http://testserver/prestataire/")
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    # The newest link, opened just now, belongs to the business named, which has not submitted.
    link = BusinessLink.objects.latest("created_at")
    assert link.revoked_at is None and link.opened_at is not None
    # (It may have answered last year's campaign: then it starts from those answers.)
    submitted = link.business.diagnostics.filter(status=Diagnostic.Status.SUBMITTED)
    assert not submitted.filter(campaign=link.campaign).exists()
    assert link.business.name in out.getvalue()


@override_settings(DEBUG=True)
def test_demo_business_link_needs_the_demo(loaded):
    with pytest.raises(CommandError, match="make demo"):
        call_command("demo_business_link")


@pytest.mark.parametrize("today", [date(2026, 11, 20), date(2026, 12, 1), date(2027, 3, 25)])
def test_no_demo_session_falls_on_a_public_holiday_or_a_weekend(loaded, today):
    """Seeded on 20 November, « 35 days later » was 25 December and « 42 days later »
    1 January: every day of every session is a working day in France."""
    import holidays

    from diagnostics.management.demo_catalogue import seed_catalogue_sessions

    command_once("snut_setup")  # the starter catalogue the demo dates (run once, then copied)
    seed_catalogue_sessions(today)
    french_holidays = holidays.country_holidays("FR")
    spans = [
        (timezone.localdate(s.starts), timezone.localdate(s.ends))
        for s in TrainingSession.objects.all()
    ]
    days = [
        first + timedelta(days=i) for first, last in spans for i in range((last - first).days + 1)
    ]
    assert len(days) >= 15
    assert [d for d in days if d.weekday() >= 5 or d in french_holidays] == []


@override_settings(DEBUG=True)
def test_demo_impact_shows_attendees_evolution_and_a_due_rediagnosis(db, seeded):
    from diagnostics.selectors import bilan, impact, regional, territory

    seeded["businesses"].restore()
    demo = Office.objects.get(name=DEMO_OFFICE)
    campaign = territory.latest_business_campaign(demo)
    found = impact.territory_evolution(demo, regional.campaign_axes(campaign))
    attendees, others = found.comparison.attendees, found.comparison.others
    # Both groups large enough to be shown (5 at least); the recent sessions' attendees
    # (demo_sessions) count with the others until they are diagnosed again.
    assert attendees.businesses >= 10 and others.businesses >= 5
    assert found.comparison.waiting >= 2  # with the recent sessions' attendees
    # The attendees came from lower: they gain more than the others, on the overall score.
    assert attendees.of(impact.OVERALL).change > others.of(impact.OVERALL).change > 0
    today = timezone.localdate()
    due = impact.rediagnosis_due(demo, campaign, today)
    assert len(due) == 2 and all(d.can_invite for d in due)
    year = (today - timedelta(days=215)).year
    figures = bilan.bilan(demo, year)
    assert figures.attended >= 5 and figures.answered > 0


def test_the_express_campaign_is_open_and_taken_by_offices_apart(db, seeded):
    """Once snut_setup has installed the express questionnaire, the demo opens its express
    campaign; the offices that have not started this year's full diagnostic took it."""
    seeded["businesses"].restore()
    campaign = Campaign.objects.express().get()
    assert campaign.is_open() and campaign not in Campaign.objects.network()
    express = Diagnostic.objects.filter(campaign=campaign, status=Diagnostic.Status.SUBMITTED)
    assert express.count() == 5
    assert all(d.axis_scores.count() == 6 for d in express)
    current = Campaign.objects.network().order_by("opens").last()
    assert not Diagnostic.objects.filter(
        campaign=current, organisation__in=express.values("organisation")
    ).exists()


def test_pages_blind_to_drafts_stay_the_same_when_drafts_are_answered(db, seeded, client):
    """settings.PAGE_MEMO_BLIND_TO_DRAFTS: the pages the page memo keeps however many
    answers are saved in drafts (snut/table_stamps.py) show nothing of them. Every page
    listed, computed for the demo's director and staff before and after an answer is saved
    in every draft of the demo (offices' and businesses'), reads the same."""
    import re

    from django.conf import settings as django_settings
    from django.urls import reverse

    from diagnostics import services
    from diagnostics.models import Question
    from diagnostics.services import AnswerChange, ServiceError

    seeded["businesses"].restore()
    users = get_user_model().objects
    director, staff = users.get(username="directeur"), users.get(username="mopa")
    office = Office.objects.get(memberships__user=director)
    submitted = office.diagnostics.filter(status="submitted").latest("submitted_at")
    year = timezone.localdate().year
    director_pages = {
        "diagnostics:results": reverse("diagnostics:results", args=[submitted.pk]),
        "diagnostics:report_pdf": reverse("diagnostics:report_pdf", args=[submitted.pk]),
        "diagnostics:plan": reverse("diagnostics:plan", args=[office.slug]),
        "diagnostics:territory": reverse("diagnostics:territory", args=[office.slug]),
        "diagnostics:workshops": reverse("diagnostics:workshops", args=[office.slug]),
        "diagnostics:rediagnosis": reverse("diagnostics:rediagnosis", args=[office.slug]),
        "diagnostics:bilan": reverse("diagnostics:bilan", args=[office.slug, year, "csv"]),
    }
    others = Office.objects.exclude(pk=office.pk).values_list("pk", flat=True)[:2]
    staff_pages = {
        "admin:diagnostics_office_changelist": reverse("admin:diagnostics_office_changelist"),
        "admin:diagnostics_office_compare": reverse("admin:diagnostics_office_compare")
        + f"?offices={office.pk},{others[0]},{others[1]}",
        "admin:diagnostics_office_compare (evolution)": reverse("admin:diagnostics_office_compare")
        + f"?evolution={office.pk}",
        "admin:diagnostics_office_dashboard": reverse("admin:diagnostics_office_dashboard"),
        "admin:diagnostics_training_needs": reverse("admin:diagnostics_training_needs"),
        "admin:diagnostics_action_pooling": reverse("admin:diagnostics_action_pooling"),
        "admin:diagnostics_businesscampaign_changelist": reverse(
            "admin:diagnostics_businesscampaign_changelist"
        ),
        "admin:diagnostics_businesscampaign_weakest": reverse(
            "admin:diagnostics_businesscampaign_weakest"
        ),
        "admin:diagnostics_business_changelist": reverse("admin:diagnostics_business_changelist"),
    }
    assert {name.split(" ")[0] for name in [*director_pages, *staff_pages]} == set(
        django_settings.PAGE_MEMO_BLIND_TO_DRAFTS
    )
    masked = re.compile(rb'(csrfmiddlewaretoken" value=")[^"]+')

    def read_all():
        pages = {}
        for user, urls in ((director, director_pages), (staff, staff_pages)):
            client.force_login(user)
            for name, url in urls.items():
                response = client.get(url)
                assert response.status_code == 200, (name, response.status_code)
                body = b"".join(response) if response.streaming else response.content
                pages[name] = masked.sub(rb"\1", body)
        return pages

    with override_settings(PAGE_MEMO=()):
        before = read_all()
        answered = 0
        for draft in Diagnostic.objects.filter(status="draft").select_related("questionnaire"):
            question = (
                Question.objects.filter(axis__questionnaire=draft.questionnaire)
                .exclude(answers__diagnostic=draft)
                .first()
            )
            if question is None:
                continue
            choice = question.choices.order_by("-order").first()
            try:
                services.answers_save(
                    diagnostic=draft,
                    changes=[AnswerChange(question=question, choice=choice, fields=("choice",))],
                    user=director,
                )
            except ServiceError:  # a closed campaign's draft: nothing saved
                continue
            answered += 1
        assert answered >= 2
        after = read_all()
    assert [name for name in before if before[name] != after[name]] == []
