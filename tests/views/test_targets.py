"""« Niveaux visés »: the targets page, the distances it leads to, the next campaign's verdict."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics import report, services
from diagnostics.models import Axis, AxisTarget, Diagnostic, MaturityLevel
from diagnostics.results import build_results
from diagnostics.selectors.targets import campaign_target_counts
from diagnostics.services import targets as target_services
from diagnostics.services.targets import TargetChoice, axis_targets_save
from tests import factories

# `submitted` answers every question with its second choice: 1 point of 3, every axis at 33
# (« Structuration »); « Maîtrise » starts at 50, « Excellence » at 75.


def url(diagnostic):
    return reverse("diagnostics:targets", args=[diagnostic.pk])


def level(diagnostic, name):
    return MaturityLevel.objects.get(questionnaire=diagnostic.questionnaire, name=name)


def axis(diagnostic, code):
    return Axis.objects.get(questionnaire=diagnostic.questionnaire, code=code)


def post(client, diagnostic, **axes):
    """axes: code → (level name, month, year), or None to leave it without a target."""
    data = {}
    for code, chosen in axes.items():
        prefix = f"axis-{axis(diagnostic, code).pk}"
        if chosen is None:
            data[f"{prefix}-level"] = ""
            continue
        name, month, year = chosen
        data |= {
            f"{prefix}-level": level(diagnostic, name).pk,
            f"{prefix}-month": month,
            f"{prefix}-year": year,
        }
    return client.post(url(diagnostic), data)


def snapshot(diagnostic):
    return list(
        AxisTarget.objects.filter(diagnostic=diagnostic)
        .order_by("pk")
        .values("axis_id", "level_id", "due_date", "created_by_id", "updated_by_id")
    )


NEXT_YEAR = timezone.localdate().year + 1


def test_a_member_sets_targets_and_every_page_shows_the_distance(
    client, director, office, submitted
):
    client.force_login(director)
    page = client.get(url(submitted))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Niveaux visés par axe" in html and "Score actuel\u00a0: 33/100" in html
    # Only the levels above the axis's score are offered.
    assert ">Maîtrise</option>" in html and ">Structuration</option>" not in html
    scores_before = list(submitted.axis_scores.values_list("score", flat=True))

    response = post(client, submitted, **{"axe-1": ("Excellence", "12", str(NEXT_YEAR))})
    assert response.status_code == 302
    assert response["Location"].endswith("#niveaux-vises")
    target = AxisTarget.objects.get(diagnostic=submitted)
    assert (target.office, target.level.name, target.due_date) == (
        office,
        "Excellence",
        date(NEXT_YEAR, 12, 31),
    )
    assert target.created_by == director and target.updated_by == director
    # The diagnostic itself is untouched.
    submitted.refresh_from_db()
    assert submitted.status == Diagnostic.Status.SUBMITTED
    assert list(submitted.axis_scores.values_list("score", flat=True)) == scores_before

    results = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert f"Excellence (75 points) d’ici décembre {NEXT_YEAR}" in results
    assert "42 points à gagner, 2 niveaux à franchir" in results
    assert "Modifier les niveaux visés" in results
    plan = client.get(reverse("diagnostics:plan", args=[office.slug])).content.decode()
    assert "42 points à gagner, 2 niveaux à franchir" in plan
    summary = report.render_html(build_results(submitted))
    assert f"Excellence d’ici décembre {NEXT_YEAR}" in summary
    assert "42 points à gagner, 2 niveaux à franchir" in summary


def headline_axes(response) -> list[str]:
    """The axis of each of the results page's « Vos priorités »."""
    html = response.content.decode()
    headline = html[html.index('id="priorites"') : html.index('id="matrice"')]
    return re.findall(r'<span class="small text-body-secondary">(Axe \d)</span>', headline)


def test_the_plan_and_the_headline_put_the_axis_furthest_from_its_target_first(
    client, director, submitted
):
    """Both axes are « important » and « À renforcer »: without targets the heavier axis 2
    leads; a target on axis 1 puts it first, and the cached headline follows."""
    client.force_login(director)
    results_url = reverse("diagnostics:results", args=[submitted.pk])
    before = build_results(submitted)
    assert before.top_priorities[0].axis.code == "axe-2"
    assert headline_axes(client.get(results_url))[0] == "Axe 2"  # now in the cache
    post(client, submitted, **{"axe-1": ("Maîtrise", "6", str(NEXT_YEAR))})
    after = build_results(submitted)
    assert after.top_priorities[0].axis.code == "axe-1"
    assert [a.result.points_to_target for a in after.axes] == [17, None]
    assert headline_axes(client.get(results_url))[0] == "Axe 1"


def plan_axes(response) -> list[str]:
    """The axis of each item of the results page's « Plan d’action », in its order."""
    html = response.content.decode()
    plan = html[html.index('aria-labelledby="plan"') : html.index('id="axes"')]
    return re.findall(r'<span class="small text-body-secondary">(Axe \d)</span>', plan)


def test_a_target_set_after_submission_reorders_the_cached_plan(client, director, submitted):
    """The plan's order and items are kept per submission (results_cache.plan_layout); a
    target set afterwards orders it anew, so it must vary that key too."""
    client.force_login(director)
    results_url = reverse("diagnostics:results", args=[submitted.pk])
    assert plan_axes(client.get(results_url))[0] == "Axe 2"
    with CaptureQueriesContext(connection) as captured:
        assert plan_axes(client.get(results_url))[0] == "Axe 2"
    assert not any("diagnostics_answer" in q["sql"] for q in captured.captured_queries)  # cached
    post(client, submitted, **{"axe-1": ("Maîtrise", "6", str(NEXT_YEAR))})
    assert plan_axes(client.get(results_url))[0] == "Axe 1"


def test_a_colleague_changes_one_target_and_clears_another(client, director, office, submitted):
    axis_targets_save(
        diagnostic=submitted,
        targets={
            axis(submitted, "axe-1").pk: TargetChoice(
                level(submitted, "Maîtrise").pk, date(NEXT_YEAR, 6, 30)
            ),
            axis(submitted, "axe-2").pk: TargetChoice(
                level(submitted, "Excellence").pk, date(NEXT_YEAR, 6, 30)
            ),
        },
        user=director,
    )
    colleague = factories.make_user(office=office, role="member")
    client.force_login(colleague)
    response = post(
        client, submitted, **{"axe-1": ("Excellence", "3", str(NEXT_YEAR + 1)), "axe-2": None}
    )
    assert response.status_code == 302
    (target,) = AxisTarget.objects.filter(diagnostic=submitted)
    assert target.axis.code == "axe-1" and target.level.name == "Excellence"
    assert target.created_by == director and target.updated_by == colleague
    page = client.get(url(submitted)).content.decode()
    assert "en dernier par" in page and colleague.get_full_name() in page


@pytest.mark.parametrize(
    "field, value",
    [
        ("level", "999999"),  # a level that does not exist
        ("level", "Structuration"),  # at or below the axis's score: not offered
        ("level", "other"),  # a level of another questionnaire
        ("level", "1\x002"),
        ("month", "13"),
        ("year", "1999"),
        ("month", ""),  # a level without its month
    ],
)
def test_bad_input_answers_400_in_french_and_changes_nothing(
    client, director, submitted, field, value
):
    client.force_login(director)
    post(client, submitted, **{"axe-1": ("Maîtrise", "6", str(NEXT_YEAR))})
    before = snapshot(submitted)
    prefix = f"axis-{axis(submitted, 'axe-1').pk}"
    data = {
        f"{prefix}-level": level(submitted, "Excellence").pk,
        f"{prefix}-month": "12",
        f"{prefix}-year": str(NEXT_YEAR),
    }
    if value == "Structuration":
        value = level(submitted, "Structuration").pk
    elif value == "other":
        value = MaturityLevel.objects.filter(questionnaire=factories.build_questionnaire())[3].pk
    data[f"{prefix}-{field}"] = value
    response = client.post(url(submitted), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choisissez" in html or "Dites pour quand" in html
    assert "Les niveaux visés ne sont pas enregistrés" in html  # the summary above the form
    assert snapshot(submitted) == before


def test_a_past_month_is_refused_but_an_overdue_target_may_stay(director, submitted):
    today = timezone.localdate()
    first = axis(submitted, "axe-1").pk
    last_month = today.replace(day=1) - timedelta(days=1)
    with pytest.raises(services.ServiceError) as refused:
        axis_targets_save(
            diagnostic=submitted,
            targets={first: TargetChoice(level(submitted, "Maîtrise").pk, last_month)},
            user=director,
        )
    assert "est passée" in refused.value.messages[0]
    assert not AxisTarget.objects.exists()
    # Set a year ago, now overdue: saving the page again keeps it.
    axis_targets_save(
        diagnostic=submitted,
        targets={first: TargetChoice(level(submitted, "Maîtrise").pk, last_month)},
        user=director,
        today=last_month,
    )
    axis_targets_save(
        diagnostic=submitted,
        targets={first: TargetChoice(level(submitted, "Maîtrise").pk, last_month)},
        user=director,
    )
    (distance,) = build_results(submitted).targets
    assert distance.overdue and not distance.reached


def test_other_offices_staff_and_anonymous_get_no_form(
    client, submitted, stranger, director, staff
):
    for user in (stranger, staff):
        client.force_login(user)
        assert client.get(url(submitted)).status_code == 404
        assert (
            post(client, submitted, **{"axe-1": ("Maîtrise", "6", str(NEXT_YEAR))}).status_code
            == 404
        )
    client.logout()
    assert client.get(url(submitted)).status_code == 302
    with pytest.raises(services.ServiceForbidden):
        axis_targets_save(diagnostic=submitted, targets={}, user=stranger)
    assert not AxisTarget.objects.exists()
    # Staff read the results, without the link to set targets.
    client.force_login(staff)
    page = client.get(reverse("diagnostics:results", args=[submitted.pk])).content.decode()
    assert "Niveaux visés" in page and url(submitted) not in page


def test_a_draft_takes_targets_against_its_live_scores_and_keeps_them_at_submission(
    client, director, complete
):
    """The team may set its targets before submitting, from the review page: against the
    scores its answers give so far; they stay with the diagnostic once submitted."""
    client.force_login(director)
    review = client.get(reverse("diagnostics:review", args=[complete.pk])).content.decode()
    assert url(complete) in review
    page = client.get(url(complete)).content.decode()
    assert "provisoires" in page and "Score actuel\u00a0: 33/100" in page
    assert ">Maîtrise</option>" in page and ">Structuration</option>" not in page

    response = post(client, complete, **{"axe-1": ("Maîtrise", "12", str(NEXT_YEAR))})
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("diagnostics:review", args=[complete.pk]))
    # A level the draft's answers already reach is refused as after submission.
    with pytest.raises(services.ServiceError, match="déjà atteint"):
        axis_targets_save(
            diagnostic=complete,
            targets={
                axis(complete, "axe-1").pk: TargetChoice(
                    level(complete, "Structuration").pk, date(NEXT_YEAR, 12, 1)
                )
            },
            user=director,
        )
    submitted = services.diagnostic_submit(diagnostic=complete, user=director)
    (distance,) = build_results(submitted).targets
    assert distance.target.level.name == "Maîtrise" and distance.points == 50 - 33


def next_campaign(office, questionnaire, director, pick):
    """The office's diagnostic of a later campaign, on a questionnaire of the same codes."""
    campaign = factories.open_campaign(questionnaire, days_ago=1)
    later = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire
    )
    factories.answer_all(later, pick=pick)
    return services.diagnostic_submit(diagnostic=later, user=director)


def test_the_next_campaign_says_which_targets_were_reached(
    client, director, office, submitted, staff
):
    """Last year at 33 on both axes, targets « Maîtrise » (50) on axis 1 and « Excellence »
    (75) on axis 2; this year at 66 on both, on a revised questionnaire (same axis codes)."""
    Diagnostic.objects.filter(pk=submitted.pk).update(
        submitted_at=submitted.submitted_at - timedelta(days=365)
    )
    submitted.campaign.opens -= timedelta(days=365)
    submitted.campaign.save()
    client.force_login(director)
    post(
        client,
        submitted,
        **{
            "axe-1": ("Maîtrise", "6", str(NEXT_YEAR)),
            "axe-2": ("Excellence", "6", str(NEXT_YEAR)),
        },
    )
    revised = factories.build_questionnaire()
    later = next_campaign(office, revised, director, pick=lambda choices: choices[2])

    results = build_results(later)
    assert [(o.target.axis.code, o.reached, o.shown_score) for o in results.previous_targets] == [
        ("axe-1", True, 66),
        ("axe-2", False, 66),
    ]
    page = client.get(reverse("diagnostics:results", args=[later.pk])).content.decode()
    assert "Objectif atteint" in page and "Objectif non atteint\u00a0: 66 sur 75 visé" in page
    summary = report.render_html(results)
    assert "Objectif atteint" in summary and "non atteint\u00a0: 66 sur 75 visé" in summary

    # Judged now: the earlier targets no longer change.
    before = snapshot(submitted)
    assert "ne peuvent plus changer" in client.get(url(submitted)).content.decode()
    response = post(client, submitted, **{"axe-1": ("Excellence", "6", str(NEXT_YEAR))})
    assert response.status_code == 400 and "plus récent est soumis" in response.content.decode()
    assert snapshot(submitted) == before

    # The staff's counts, by campaign and axis.
    (judged,) = [c for c in campaign_target_counts() if c.campaign == submitted.campaign.name]
    assert judged.office_count == 1
    assert [(r.code, r.set, r.judged, r.reached, r.missed) for r in judged.rows] == [
        ("axe-1", 1, 1, 1, 0),
        ("axe-2", 1, 1, 0, 1),
    ]
    client.force_login(staff)
    admin_page = client.get(reverse("admin:diagnostics_axistarget_changelist"))
    assert admin_page.status_code == 200
    html = admin_page.content.decode()
    assert "1 office a fixé des niveaux visés" in html and office.name not in html
    # The office's evolution page: beside this year's axis scores, last year's targets.
    evolution = client.get(f"/admin/diagnostics/office/comparer/?evolution={office.pk}")
    html = evolution.content.decode()
    assert "objectif atteint (50 visé)" in html
    assert "objectif non atteint\u00a0: 66 sur 75 visé" in html


def test_a_stranger_cannot_reach_the_staff_counts(client, director):
    client.force_login(director)
    response = client.get(reverse("admin:diagnostics_axistarget_changelist"))
    assert response.status_code == 302  # the admin's own login page


def test_the_service_refuses_foreign_axes_and_levels(director, submitted):
    other = factories.build_questionnaire()
    foreign_axis = other.axes.first()
    with pytest.raises(services.ServiceError, match="n’appartient pas"):
        axis_targets_save(diagnostic=submitted, targets={foreign_axis.pk: None}, user=director)
    own = axis(submitted, "axe-1").pk
    with pytest.raises(services.ServiceError, match="n’appartient pas"):
        axis_targets_save(
            diagnostic=submitted,
            targets={own: TargetChoice(other.levels.last().pk, date(NEXT_YEAR, 1, 31))},
            user=director,
        )
    with pytest.raises(services.ServiceError, match="déjà atteint"):
        axis_targets_save(
            diagnostic=submitted,
            targets={
                own: TargetChoice(level(submitted, "Structuration").pk, date(NEXT_YEAR, 1, 31))
            },
            user=director,
        )
    assert target_services.TARGETS_CLOSED and not AxisTarget.objects.exists()


@pytest.mark.usefixtures("page_memo_off")
@pytest.mark.parametrize("page", ["targets", "results", "plan"])
def test_the_pages_run_a_constant_number_of_queries(db, client, page, django_assert_num_queries):
    counts = []
    for size in (2, 6):
        office = factories.make_office()
        director = factories.make_user(office=office)
        questionnaire = factories.build_questionnaire(axes=size, questions=2)
        campaign = factories.open_campaign(questionnaire, days_ago=size)
        diagnostic = Diagnostic.objects.create(
            organisation=office, campaign=campaign, questionnaire=questionnaire
        )
        factories.answer_all(diagnostic, pick=lambda choices: choices[0])
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
        top = questionnaire.levels.order_by("-lower_bound").first()
        axis_targets_save(
            diagnostic=diagnostic,
            targets={
                a.pk: TargetChoice(top.pk, date(NEXT_YEAR, 12, 31))
                for a in questionnaire.axes.all()
            },
            user=director,
        )
        client.force_login(director)
        target = {
            "targets": url(diagnostic),
            "results": reverse("diagnostics:results", args=[diagnostic.pk]),
            "plan": reverse("diagnostics:plan", args=[office.slug]),
        }[page]
        client.get(target)  # caches warm
        # The targets page: session, user, diagnostic, membership… and the scores, levels,
        # targets and whether they may change (4); the results page as in test_results.py
        # (its fragments and plan cached) with the targets' stored scores (the levels are
        # read once per revision: selectors.questionnaire_levels), without the peers'
        # medians (who shares the segment is kept: page_memo.kept). The results and plan
        # pages below their header: the part kept for every reader of the role
        # (views/kept_parts.py): the session, the user, the diagnostic or the office, and
        # for the results page the reader.
        expected = {"targets": 7, "results": 4, "plan": 3}[page]
        with django_assert_num_queries(expected) as captured:
            assert client.get(target).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_scores_stay_as_submitted_whatever_the_targets(director, submitted):
    stored = list(submitted.axis_scores.values_list("axis_id", "score"))
    axis_targets_save(
        diagnostic=submitted,
        targets={
            axis(submitted, "axe-1").pk: TargetChoice(
                level(submitted, "Excellence").pk, date(NEXT_YEAR, 12, 31)
            )
        },
        user=director,
    )
    assert list(submitted.axis_scores.values_list("axis_id", "score")) == stored
    assert build_results(submitted).score == float(submitted.overall_score)
    assert isinstance(submitted.overall_score, Decimal)


def test_a_business_sets_no_target(office, director):
    business = factories.make_business(office)
    with pytest.raises(services.ServiceForbidden):
        axis_targets_save(diagnostic=Diagnostic(organisation=business), targets={}, user=director)
