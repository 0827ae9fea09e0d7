"""In-process measures with Django's test client: scoring, the director's and the staff's
pages, plans, exports, the PDF; each against its target (the businesses. pages:
businesses.py)."""

import os
import random
import statistics
import subprocess
import sys
import tracemalloc
from datetime import timedelta

from common import ROOT, floor_note, measure, p95  # noqa: I001
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from france import FRANCE_RATIO, kind, print_france
from memo import how, measure_both, memo_off, summary
from seeding import NETWORK_REGION, network_in_one_region, prepare

TARGET_MS = 50


TARGET_RATIO = 10


PDF_TARGET_MS = 1000


# Issue 12's pages: the plan, the training needs, pooling (median at 1,000 offices).
PLAN_TARGET_MS = 150


PLAN_PAGES = ("plan page", "admin training needs", "admin pooling", "pooling section")


def action_saved(office):
    """Saves an action of `office` (another than the director's): a write to a table that
    the results and plan pages read, so that their part kept for every reader of a role
    (diagnostics/views/kept_parts.py) is written again on the next view. Untimed."""
    from diagnostics.models import Action

    action = Action.objects.filter(office=office).order_by("pk").first()

    def save():
        action.note = "" if action.note else "Vu en réunion."
        action.save(update_fields=["note"])

    return save


def a_submission(campaign, task=True, ago=0, new=False):
    """What a submission writes that the staff's pages read, untimed: the campaign's latest
    submitted diagnostic submitted again now (its `submitted_at`), which moves the
    campaign's submissions key and the diagnostics' table as a new submission does, then
    (`task`) the figures task the submission enqueues
    (services.reports.dashboard_figures_task). `ago` seconds before now: then the latest
    submission of all (any later one moved just before it; a fresh seed submits every
    diagnostic at once). `new`: reopened first and the task run then, as the worker left
    the figures before it stopped, so that the submission is one they do not count yet
    (the tally they are drawn from: selectors/regional/tally.py)."""
    from django.utils import timezone

    from diagnostics.models import Diagnostic

    latest = Diagnostic.objects.filter(campaign=campaign, status="submitted").latest("submitted_at")

    def submit():
        from diagnostics.services import dashboard_figures_task

        when = timezone.now() - timedelta(seconds=ago)
        if ago:
            Diagnostic.objects.filter(submitted_at__gt=when).update(
                submitted_at=when - timedelta(seconds=1)
            )
        if new:
            Diagnostic.objects.filter(pk=latest.pk).update(status="draft")
            dashboard_figures_task.call(campaign_id=campaign.pk)
        Diagnostic.objects.filter(pk=latest.pk).update(submitted_at=when, status="submitted")
        if task:  # as diagnostic_submit enqueues it, run by the task worker within seconds
            dashboard_figures_task.call(campaign_id=campaign.pk)

    return submit


def worker_caught_up(campaign):
    """The figures task run once the rows that leave it unrun are measured, as the worker
    would on its restart: the next rows find the figures of every submission stored."""

    def run():
        from diagnostics.services import dashboard_figures_task

        dashboard_figures_task.call(campaign_id=campaign.pk)

    return run


def plan_rows(campaign, offices, director, staff, submitted, where: str):
    """The director's plan page, the results page's pooling section (the selector alone,
    on a results object built once), and the staff's training needs and pooling pages."""
    from diagnostics import selectors
    from diagnostics.models import Diagnostic
    from diagnostics.results import build_results

    director_client, staff_client = Client(), Client()
    director_client.force_login(director)
    staff_client.force_login(staff)
    diagnostic = Diagnostic.objects.select_related(
        "organisation__department", "campaign", "questionnaire", "overall_level"
    ).get(pk=submitted.pk)
    results = build_results(diagnostic)

    def get(client, url, cold=False):
        def action():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        action.url = url
        if cold:
            # Every kept figure lost at once, as after the shared cache's restart (untimed,
            # before each run); what a submission's task stored in the database stays
            # (selectors/stored_figures.py).
            action.setup = cache.clear
        return action

    def after_a_submission(url):
        # A diagnostic of the campaign submitted again and its figures task run (untimed):
        # the campaign's submissions key and the diagnostics' table move, as at any
        # submission; the rest stays kept.
        action = get(staff_client, url)
        action.setup = a_submission(campaign)
        return action

    leads = selectors.pooling_leads(diagnostic, results.plan)
    shared = sum(len(lead.named) + lead.others for lead in leads)
    print(f"{where}: the pooling section names or counts {shared} offices in {len(leads)} leads.")
    plan_after_an_action = get(director_client, reverse("diagnostics:plan", args=[offices[0].slug]))
    plan_after_an_action.setup = action_saved(offices[1])
    rows = [
        (
            f"plan page, {where}",
            get(director_client, reverse("diagnostics:plan", args=[offices[0].slug])),
        ),
        (f"plan page, an action saved before, {where}", plan_after_an_action),
        (
            f"pooling section, {where}",
            lambda: selectors.pooling_leads(diagnostic, results.plan),
        ),
    ]
    needs = reverse("admin:diagnostics_training_needs")
    pooling = reverse("admin:diagnostics_action_pooling")
    question = selectors.pooling_questions(campaign.questionnaire)[0].code
    region = f"{pooling}?region={NETWORK_REGION}"
    return [
        *rows,
        (f"admin training needs, {where}", get(staff_client, needs)),
        (
            f"admin training needs, a region, {where}",
            get(staff_client, f"{needs}?region={NETWORK_REGION}"),
        ),
        (f"admin pooling, summary, {where}", get(staff_client, pooling)),
        (f"admin pooling, a region's 1st page, {where}", get(staff_client, region)),
        (
            f"admin pooling, a question's 1st page, {where}",
            get(staff_client, f"{pooling}?question={question}"),
        ),
        (f"admin training needs, a submission before, {where}", after_a_submission(needs)),
        (f"admin pooling, summary, a submission before, {where}", after_a_submission(pooling)),
        (
            f"admin pooling, a region's 1st page, a submission before, {where}",
            after_a_submission(region),
        ),
        (f"admin training needs, cold, {where}", get(staff_client, needs, cold=True)),
        (f"admin pooling, summary, cold, {where}", get(staff_client, pooling, cold=True)),
        (
            f"admin pooling, a region's 1st page, cold, {where}",
            get(staff_client, region, cold=True),
        ),
    ]


def measure_plans(campaign, offices, director, staff, submitted, runs):
    """Issue 12's pages, offices spread over France's departments, then packed in one region:
    (label, timings) rows (each page opened again and computed), their SQL queries and the
    labels of the pages the memo does not serve."""
    rows, queries, unlisted = [], {}, {}
    for where in ("spread", "1 region"):
        if where == "1 region":
            network_in_one_region(offices)
        plans = plan_rows(campaign, offices, director, staff, submitted, where)
        queries |= query_counts(plans)
        measured, others = measure_both(plans, lambda _label: runs)
        rows += measured
        unlisted |= others
    return rows, queries, unlisted


def run_plans(count: int, runs: int) -> None:
    """`--only pooling`: the floor and issue 12's pages, nothing else."""
    campaign, offices, director, staff, submitted, _draft = prepare(count)
    client = Client()
    client.force_login(director)
    rows = [("floor: trivial view", measure(lambda: client.get("/bench/floor"), runs, floor=True))]
    plans, queries, unlisted = measure_plans(campaign, offices, director, staff, submitted, runs)
    rows += plans
    print_in_process(rows, statistics.median(rows[0][1]), unlisted)
    print("queries (computed): " + ", ".join(f"{label} {n}" for label, n in queries.items()))


def scoring_rows(campaign, runs):
    from diagnostics import scoring, selectors
    from diagnostics.models import Answer

    axes = selectors.scoring_axes(selectors.questionnaire_axes(campaign.questionnaire))
    levels = selectors.scoring_levels(campaign.questionnaire)
    by_diagnostic: dict[int, list] = {}
    for diagnostic_id, question_id, choice_id, na in Answer.objects.filter(
        diagnostic__campaign=campaign, diagnostic__status="submitted"
    ).values_list("diagnostic_id", "question_id", "choice_id", "not_applicable"):
        by_diagnostic.setdefault(diagnostic_id, []).append(
            scoring.AnswerSpec(question_id, choice_id, na)
        )
    one = next(iter(by_diagnostic.values()))
    return [
        (
            "scoring one diagnostic",
            measure(lambda: scoring.score_diagnostic(axes, levels, one), runs * 10),
        ),
        (
            f"re-scoring all {len(by_diagnostic)} diagnostics",
            measure(
                lambda: [scoring.score_diagnostic(axes, levels, a) for a in by_diagnostic.values()],
                max(3, runs // 4),
            ),
        ),
    ]


def page_rows(campaign, offices, director, staff, submitted, draft, runs):
    from diagnostics.models import Question

    director_client, staff_client = Client(), Client()
    director_client.force_login(director)
    staff_client.force_login(staff)
    question = (
        Question.objects.filter(questionnaire=campaign.questionnaire)
        .order_by("axis__order", "order")
        .first()
    )
    choices = list(question.choices.values_list("pk", flat=True))
    autosave = reverse("diagnostics:autosave", args=[draft.pk, question.pk])
    twelve = ",".join(str(o.pk) for o in offices[:12])

    def get(client, url, data=None, stream=False):
        def action():
            response = client.get(url, data or {})
            assert response.status_code == 200, (url, response.status_code)
            if stream:  # read whole as a browser would, keeping no more than a chunk
                for _chunk in response.streaming_content:
                    pass

        action.url = url
        return action

    # What the draft holds (a reused database keeps the last run's answer): the page's reference.
    from diagnostics.services import choice_token

    stored = {"choice": choice_token(draft.answers.filter(question=question).first())}

    def save_answer():
        # As the page does: the touched field with the value last acknowledged.
        choice = random.choice([c for c in choices if str(c) != stored["choice"]])
        response = director_client.post(
            autosave, {f"q-{question.pk}": choice, f"initial-q-{question.pk}": stored["choice"]}
        )
        assert response.status_code == 200, response.content
        stored["choice"] = response.json()["answer"]["choice"]

    # Both with the shared cache emptied before each run, untimed: the PDF printed again,
    # the dashboard's figures read back from what the task stored in the database.
    pdf_first_print = get(director_client, reverse("diagnostics:report_pdf", args=[submitted.pk]))
    pdf_first_print.setup = cache.clear
    dashboard_cold = get(staff_client, reverse("admin:diagnostics_office_dashboard"))
    dashboard_cold.setup = cache.clear

    dashboard_url = reverse("admin:diagnostics_office_dashboard")
    # A new submission whose figures task has run (untimed), as staff usually find it.
    dashboard_after_a_submission = get(staff_client, dashboard_url)
    dashboard_after_a_submission.setup = a_submission(campaign)
    # A new submission whose task has not run yet (the worker late or stopped): the page
    # draws the figures itself.
    dashboard_task_not_run = get(staff_client, dashboard_url)
    dashboard_task_not_run.setup = a_submission(campaign, task=False)
    dashboard_task_not_run.teardown = worker_caught_up(campaign)
    # Its task lost (the worker stopped): past TASK_AWAITED, the page draws the figures,
    # adding the new submission to the tally the last task kept.
    dashboard_task_lost = get(staff_client, dashboard_url)
    dashboard_task_lost.setup = a_submission(campaign, task=False, ago=180, new=True)
    dashboard_task_lost.teardown = worker_caught_up(campaign)

    # During a campaign: an answer saved in a draft (untimed) before each view. The pages
    # blind to drafts (settings.PAGE_MEMO_BLIND_TO_DRAFTS) are still served again.
    results_after_an_answer = get(
        director_client, reverse("diagnostics:results", args=[submitted.pk])
    )
    results_after_an_answer.setup = save_answer
    # Another office's action saved (untimed) before each view: the results page's part
    # kept for every reader of a role is written again (diagnostics/views/kept_parts.py).
    results_after_an_action = get(
        director_client, reverse("diagnostics:results", args=[submitted.pk])
    )
    results_after_an_action.setup = action_saved(offices[1])
    offices_after_an_answer = get(staff_client, reverse("admin:diagnostics_office_changelist"))
    offices_after_an_answer.setup = save_answer

    return [
        ("floor: trivial view", get(director_client, "/bench/floor")),
        (
            "office page",
            get(director_client, reverse("diagnostics:office", args=[offices[0].slug])),
        ),
        (
            "questionnaire page (one axis)",
            get(director_client, reverse("diagnostics:axis", args=[draft.pk, "web"])),
        ),
        ("review page", get(director_client, reverse("diagnostics:review", args=[draft.pk]))),
        (
            "importance page",
            get(director_client, reverse("diagnostics:importance", args=[draft.pk])),
        ),
        ("saving one answer (autosave)", save_answer),
        ("results page", get(director_client, reverse("diagnostics:results", args=[submitted.pk]))),
        ("results page, an answer saved in a draft before", results_after_an_answer),
        ("results page, an action saved before", results_after_an_action),
        ("PDF report, first print", pdf_first_print),
        (
            "PDF report, same report again",
            get(director_client, reverse("diagnostics:report_pdf", args=[submitted.pk])),
        ),
        (
            "admin office list (50 per page)",
            get(staff_client, reverse("admin:diagnostics_office_changelist")),
        ),
        ("admin office list, an answer saved in a draft before", offices_after_an_answer),
        (
            "admin comparison of 12 offices",
            get(staff_client, reverse("admin:diagnostics_office_compare"), {"offices": twelve}),
        ),
        ("admin dashboard, a submission before, its task run", dashboard_after_a_submission),
        # The cache emptied after the task stored the figures (the pages write nothing to the
        # database, selectors/stored_figures.py).
        ("admin dashboard, cold (cache emptied)", dashboard_cold),
        (
            "admin regional dashboard",
            get(staff_client, reverse("admin:diagnostics_office_dashboard")),
        ),
        # Last of the dashboard's rows: its submission's task is never run, and the page
        # shows the figures the task last stored, not kept by the memo.
        ("admin dashboard, a submission before, its task not run yet", dashboard_task_not_run),
        ("admin dashboard, a submission before, its task lost", dashboard_task_lost),
        (
            "admin evolution of one office",
            get(
                staff_client,
                reverse("admin:diagnostics_office_compare"),
                {"evolution": offices[0].pk},
            ),
        ),
        (
            "admin diagnostics list",
            get(staff_client, reverse("admin:diagnostics_diagnostic_changelist")),
        ),
        (
            "admin one diagnostic",
            get(staff_client, reverse("admin:diagnostics_diagnostic_change", args=[submitted.pk])),
        ),
        ("admin campaigns", get(staff_client, reverse("admin:diagnostics_campaign_changelist"))),
        (
            "admin background tasks",
            get(staff_client, reverse("admin:django_tasks_database_dbtaskresult_changelist")),
        ),
        ("admin my exports", get(staff_client, reverse("admin:diagnostics_office_exports"))),
        *export_rows(campaign, staff),
    ], (director_client, staff_client, autosave, question, choices)


EXPORTS = [("scores", "csv"), ("scores", "xlsx"), ("reponses", "csv"), ("reponses", "xlsx")]


def export_rows(campaign, staff):
    """Each staff export as the background task writes it: all offices, into private
    storage (the request itself only records it; the download is a plain file)."""
    from diagnostics.models import Export, Office
    from diagnostics.services import export_file_task

    office_ids = list(Office.objects.order_by("name").values_list("pk", flat=True))

    def write(kind, fmt):
        def action():
            export = Export.objects.create(
                requested_by=staff, kind=kind, format=fmt, campaign=campaign, office_ids=office_ids
            )
            export_file_task.call(export_id=export.pk)
            export.refresh_from_db()
            assert export.status == Export.Status.READY, export.error

        return action

    names = {"scores": "scores", "reponses": "answers"}
    return [
        (f"export {names[kind]} {fmt.upper()} (task, all offices)", write(kind, fmt))
        for kind, fmt in EXPORTS
    ]


def query_counts(pages) -> dict[str, int]:
    """SQL queries of one call of each page, computed (the memo off; the test suite asserts
    they stay constant)."""
    counts = {}
    with memo_off():
        for label, action in pages:
            getattr(action, "setup", lambda: None)()
            with CaptureQueriesContext(connection) as captured:
                action()
            counts[label] = len(captured.captured_queries)
    return counts


def export_peak_memory(action) -> float:
    """Peak Python memory (MB) allocated while the task writes one export whole."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run_some(pages, words: list[str], runs: int, france: bool) -> None:
    """The trivial view and the pages whose label holds one of `words`, measured alone."""
    chosen = [
        (label, action)
        for label, action in pages
        if label.startswith("floor") or any(word in label for word in words)
    ]
    queries = query_counts([p for p in chosen if not p[0].startswith(("export", "PDF report, f"))])
    rows, unlisted = measure_both(chosen, lambda _label: runs)
    floor = statistics.median(rows[0][1])
    if france:
        memory = {label: 0.0 for label, _action in chosen if label.startswith("export")}
        print_france(rows, floor, queries, memory, lambda label: how(label, unlisted))
        print("\n".join(summary(rows, floor)))
    else:
        print_in_process(rows, floor, unlisted)
        print("queries (computed): " + ", ".join(f"{label} {n}" for label, n in queries.items()))
    print(f"load average (1, 5, 15 min): {' '.join(f'{n:.1f}' for n in os.getloadavg())}")


def print_in_process(rows, floor, unlisted=None):
    """The region run's table: each row against its target and what it measures (opened
    again, computed, or computed with the cache cleared), then the summary."""
    print(
        f"\n{'in-process (test client)':<52}{'median':>10}{'p95':>10}{'× floor':>9}"
        "  target  (what is measured)"
    )
    for label, values in rows:
        median = statistics.median(values)
        ratio = median / floor if floor else 0
        if label.startswith("PDF report, first"):
            target = "≤ 1000 ms " + ("ok" if median <= PDF_TARGET_MS else "MISSED")
        elif label.startswith(PLAN_PAGES):
            target = f"≤ {PLAN_TARGET_MS} ms " + ("ok" if median <= PLAN_TARGET_MS else "MISSED")
            if kind(label):
                limit = FRANCE_RATIO[kind(label)]
                target += f"; {kind(label)} ≤ {limit}× " + ("ok" if ratio <= limit else "MISSED")
        elif label.startswith(("export", "scoring", "re-scoring", "floor")):
            target = (
                ("≤ 1000 ms " + ("ok" if median <= 1000 else "MISSED"))
                if label.startswith("re-scoring")
                else ""
            )
        elif kind(label):  # issue 19: director ≤ 15×, staff ≤ 25× the trivial view
            limit = FRANCE_RATIO[kind(label)]
            target = f"{kind(label)} ≤ {limit}× " + ("ok" if ratio <= limit else "MISSED")
        else:
            ok = median <= TARGET_MS and ratio <= TARGET_RATIO
            target = f"≤ {TARGET_MS} ms and ≤ {TARGET_RATIO}× " + ("ok" if ok else "MISSED")
        note = how(label, unlisted)
        print(
            f"{label:<52}{median:>8.1f}ms{p95(values):>8.1f}ms{ratio:>8.1f}×  {target}"
            + (f"  ({note})" if note else "")
        )
    print("\n".join(summary(rows, floor)))
    print(floor_note())


def report_overhead(submitted_pk: int, runs: int) -> tuple[list[float], list[float]]:
    """The PDF's first print split in two: the app (queries, context, HTML) and
    WeasyPrint's own work on that HTML (layout and PDF), in milliseconds."""
    from diagnostics.models import Diagnostic
    from diagnostics.report import STATIC_PREFIX, print_html, render_html
    from diagnostics.results import build_results

    def app():
        diagnostic = Diagnostic.objects.select_related(
            "organisation__department", "campaign", "questionnaire", "overall_level"
        ).get(pk=submitted_pk)
        return render_html(build_results(diagnostic))

    html = app()
    assert STATIC_PREFIX in html

    def weasyprint():
        print_html(html)

    return measure(app, runs), measure(weasyprint, max(3, runs // 4))


def pdf_peak_memory(submitted_pk: int) -> float:
    """Peak RSS (MB) of a fresh process that renders one PDF report (Linux)."""
    code = (
        "import os, sys, resource; sys.path.insert(0, 'bench'); import common;"
        "from diagnostics.models import Diagnostic; from diagnostics.report import render_pdf;"
        "from diagnostics.results import build_results;"
        f"d = Diagnostic.objects.select_related('organisation','campaign','questionnaire','overall_level').get(pk={submitted_pk});"
        "render_pdf(build_results(d));"
        # VmHWM, not ru_maxrss: Linux carries the parent's ru_maxrss over fork and exec,
        # which reported this benchmark's own peak instead of the report's.
        "print(int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return float(result.stdout.strip().splitlines()[-1])
