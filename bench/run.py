"""`make bench`: seeds N offices and prints medians and p95 of every measured path.

Usage: .venv/bin/python bench/run.py [--scale region|france] [--offices N] [--runs R]
       [--http-seconds S] [--users U] [--port P] [--port2 P2] [--exports-only]
       [--businesses [--per-office B]] [--business-diagnostics N]
       [--reuse] [--pages LABEL[,LABEL…]] [--only pooling]

`--reuse` keeps the database seeded by an earlier run of the same scale (it only
migrates it; seeding France takes minutes); `--pages admin` measures only the
pages whose label contains one of the comma-separated words, then stops (no
issue 12 pages, PDF figures or HTTP run).

`--scale france` (on PostgreSQL: BENCH_DATABASE_URL) seeds 1,200 offices with a
submitted diagnostic in each of three campaigns and 50,000 business diagnostics
(N; 0 for none), measures every director and staff page, the businesses' among
them, against its own target (director ≤ 15×, staff ≤ 25× the trivial view),
the exports' time and peak memory, runs the HTTP load against two
gunicorn servers (P and P2) sharing the database and the cache (CACHE_URL,
Redis), then a concurrency run where clients spread over both servers save
answers while one server is restarted, and counts acknowledged-but-lost answers.

1. In-process, with Django's test client: scoring, the director's pages, the
   PDF, the staff's pages and exports, and a trivial view (the floor) that every
   page is also compared to.
2. Over HTTP on loopback: gunicorn serves the same database and U simulated
   users (default 20) load it for S seconds (default 20), then stop.

The database is the benchmark's own (bench/settings.py): an SQLite file under
bench/out/, or BENCH_DATABASE_URL (PostgreSQL).
"""

import argparse
import http.client
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from common import ROOT, fresh_database, measure, p95, seed_businesses, seed_region  # noqa: I001
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_MS = 50
TARGET_RATIO = 10
PDF_TARGET_MS = 1000
# Whole-France targets: ratio to the trivial view, by who reads the page.
FRANCE_RATIO = {"director": 15, "staff": 25}
FRANCE = {"offices": 1200, "campaigns": 3, "business_diagnostics": 50_000}
# Issue 12's pages: the plan, the training needs, pooling (median at 1,000 offices).
PLAN_TARGET_MS = 150
PLAN_PAGES = ("plan page", "admin training needs", "admin pooling", "pooling section")
# A regional network: Nouvelle-Aquitaine's twelve departments.
NETWORK_REGION = "75"
NETWORK_DEPARTMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]


def prepare(count: int, campaigns: int = 1):
    from django.contrib.auth import get_user_model

    from diagnostics import services
    from diagnostics.models import Diagnostic, Membership, Office

    start = time.perf_counter()
    fresh_database()
    carried_beyond_the_office()
    campaign, offices = seed_region(count, campaigns=campaigns)
    plans_and_catalogue(campaign, offices)
    users = get_user_model().objects
    director = users.create_user("bench-director")
    Membership.objects.create(user=director, office=offices[0], role=Membership.Role.DIRECTOR)
    staff = users.create_user("bench-staff", is_staff=True)
    staff.groups.add(services.network_group_sync())
    submitted = Diagnostic.objects.get(organisation=offices[0], campaign=campaign)
    # One diagnostic per office and campaign: the draft is a second office's, same director.
    first = offices[0]
    filling = Office.objects.create(
        name="Office de tourisme en cours",
        slug="bench-draft",
        department_id=first.department_id,
        commune="Commune en cours",
        segment=first.segment,
        legal_form=first.legal_form,
        staff_band=first.staff_band,
    )
    Membership.objects.create(user=director, office=filling, role=Membership.Role.DIRECTOR)
    draft = services.diagnostic_start(organisation=filling, campaign=campaign, user=director)
    print(
        f"Seeded {count} offices × {campaigns} campaign(s) in "
        f"{time.perf_counter() - start:.1f} s ({connection.vendor})."
    )
    return campaign, offices, director, staff, submitted, draft


def reuse(count: int, campaigns: int = 1):
    """The objects `prepare` returns, found in the database it seeded earlier with the same
    `count` and `campaigns` (migrated first, in case the code has a new migration)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from diagnostics.models import Campaign, Diagnostic, Office

    call_command("migrate", verbosity=0)
    offices = list(Office.objects.filter(slug__regex=r"^bench-[0-9]{4}$").order_by("slug"))
    if len(offices) != count:
        raise SystemExit(f"--reuse: the database holds {len(offices)} offices, not {count}.")
    campaign = Campaign.objects.latest("opens")
    users = get_user_model().objects
    director, staff = users.get(username="bench-director"), users.get(username="bench-staff")
    submitted = Diagnostic.objects.get(organisation=offices[0], campaign=campaign)
    draft = Diagnostic.objects.get(organisation__slug="bench-draft", campaign=campaign)
    print(f"Reused {count} offices ({connection.vendor}).")
    return campaign, offices, director, staff, submitted, draft


def carried_beyond_the_office() -> None:
    """Questionnaire v1 has no scale: as in v2, a quarter of the questions' recommendations
    are carried with the department, so that pooling has something to suggest. Written
    before anything reads the questionnaire, whose structure is then kept in memory."""
    from diagnostics.models import Choice, Question

    questions = list(Question.objects.order_by("pk").values_list("pk", flat=True))
    Choice.objects.filter(question__in=questions[::4]).update(scale="department")
    Choice.objects.exclude(question__in=questions[::4]).update(scale="office")


def plans_and_catalogue(campaign, offices) -> None:
    """Issue 12's data: 12 actions in every office's plan, half the offices named in
    pooling suggestions, a catalogue of 15 trainings on 4 questions each with 2 sessions."""
    from diagnostics.models import Action, Office, Question, Training, TrainingSession

    due = timezone.localdate()
    questions = list(Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk"))
    diagnostics = dict(campaign.diagnostics.values_list("organisation_id", "pk"))
    Action.objects.bulk_create(
        (
            Action(
                office=office,
                diagnostic_id=diagnostics[office.pk],
                axis_id=question.axis_id,
                question=question,
                title=f"Action {n} : {question.text[:200]}",
                status=list(Action.Status)[n % 4],
                due_date=due + timedelta(days=30 * n - 90),
            )
            for office in offices
            for n, question in enumerate(questions[3 : 3 + 12 * 5 : 5])
        ),
        batch_size=5000,
    )
    Office.objects.filter(pk__in=[o.pk for o in offices[::2]]).update(pooling_opt_in=True)
    for n in range(15):
        training = Training.objects.create(
            title=f"Formation {n:02d}", format=Training.Format.WORKSHOP, duration="2 h"
        )
        training.questions.set(questions[n : n + 4 * 15 : 15])
        TrainingSession.objects.bulk_create(
            TrainingSession(training=training, starts=due + timedelta(days=d), place="Bordeaux")
            for d in (20 + n, 120 + n)
        )


def network_in_one_region(offices) -> None:
    """The same 1,000 offices moved into one region's 12 departments (about 83 each):
    the density a regional network has, the worst case for pooling."""
    from diagnostics.models import Office

    for index, code in enumerate(NETWORK_DEPARTMENTS):
        Office.objects.filter(
            pk__in=[o.pk for o in offices[index :: len(NETWORK_DEPARTMENTS)]]
        ).update(department=code)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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
            if cold:
                cache.clear()  # what a new submission does to the cached weak answers
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return action

    leads = selectors.pooling_leads(diagnostic, results.plan)
    shared = sum(len(lead.named) + lead.others for lead in leads)
    print(f"{where}: the pooling section names or counts {shared} offices in {len(leads)} leads.")
    rows = [
        (
            f"plan page, {where}",
            get(director_client, reverse("diagnostics:plan", args=[offices[0].slug])),
        ),
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
        (f"admin training needs, cold, {where}", get(staff_client, needs, cold=True)),
        (f"admin pooling, summary, cold, {where}", get(staff_client, pooling, cold=True)),
        (
            f"admin pooling, a region's 1st page, cold, {where}",
            get(staff_client, region, cold=True),
        ),
    ]


def measure_plans(campaign, offices, director, staff, submitted, runs):
    """Issue 12's pages, offices spread over France's departments, then packed in one region:
    (label, timings) rows and their SQL queries."""
    rows, queries = [], {}
    for where in ("spread", "1 region"):
        if where == "1 region":
            network_in_one_region(offices)
        plans = plan_rows(campaign, offices, director, staff, submitted, where)
        queries |= query_counts(plans)
        rows += [(label, measure(action, runs)) for label, action in plans]
    return rows, queries


def run_plans(count: int, runs: int) -> None:
    """`--only pooling`: the floor and issue 12's pages, nothing else."""
    campaign, offices, director, staff, submitted, _draft = prepare(count)
    client = Client()
    client.force_login(director)
    rows = [("floor: trivial view", measure(lambda: client.get("/bench/floor"), runs))]
    plans, queries = measure_plans(campaign, offices, director, staff, submitted, runs)
    rows += plans
    print_in_process(rows, statistics.median(rows[0][1]))
    print("queries: " + ", ".join(f"{label} {n}" for label, n in queries.items()))


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

        return action

    stored = {"choice": ""}

    def save_answer():
        # As the page does: the touched field with the value last acknowledged.
        choice = random.choice([c for c in choices if str(c) != stored["choice"]])
        response = director_client.post(
            autosave, {f"q-{question.pk}": choice, f"initial-q-{question.pk}": stored["choice"]}
        )
        assert response.status_code == 200, response.content
        stored["choice"] = response.json()["answer"]["choice"]

    def pdf_first_print():
        cache.clear()
        get(director_client, reverse("diagnostics:report_pdf", args=[submitted.pk]))()

    def dashboard_task_not_run():
        cache.clear()  # a new submission, its dashboard task not run yet: computed on demand
        get(staff_client, reverse("admin:diagnostics_office_dashboard"))()

    # A new submission whose dashboard task has run (untimed), as staff usually find it.
    dashboard_after_a_submission = get(staff_client, reverse("admin:diagnostics_office_dashboard"))

    def submission_and_its_task():
        from diagnostics.services import dashboard_figures_task

        cache.clear()
        dashboard_figures_task.call(campaign_id=campaign.pk)

    dashboard_after_a_submission.setup = submission_and_its_task

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
        ("PDF report, first print", pdf_first_print),
        (
            "PDF report, same report again",
            get(director_client, reverse("diagnostics:report_pdf", args=[submitted.pk])),
        ),
        (
            "admin office list (50 per page)",
            get(staff_client, reverse("admin:diagnostics_office_changelist")),
        ),
        (
            "admin comparison of 12 offices",
            get(staff_client, reverse("admin:diagnostics_office_compare"), {"offices": twelve}),
        ),
        ("admin dashboard, task run (submission)", dashboard_after_a_submission),
        ("admin dashboard, cold (task not run yet)", dashboard_task_not_run),
        (
            "admin regional dashboard",
            get(staff_client, reverse("admin:diagnostics_office_dashboard")),
        ),
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


# Issue 11: the offices' businesses (1,000 offices × 50 businesses by default).
BUSINESS_TARGET_MS = 150
BUSINESSES_PER_OFFICE = 50


def business_rows(offices, director, staff):
    """The director's « Mon territoire » and workshop programme (built on another branch:
    left out, and said so, while their URLs do not exist), and the staff's business
    pages: the business campaigns, the businesses' weak spots, the office list with
    its businesses' median, the business list."""
    director_client, staff_client = Client(), Client()
    director_client.force_login(director)
    staff_client.force_login(staff)

    def get(client, url):
        def action():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return action

    rows = [("floor: trivial view", get(director_client, "/bench/floor"))]
    for label, name in (("territory page", "territory"), ("workshop programme", "workshops")):
        try:
            url = reverse(f"diagnostics:{name}", args=[offices[0].slug])
        except NoReverseMatch:
            print(f"{label}: diagnostics:{name} does not exist on this branch, not measured.")
            continue
        rows.append((label, get(director_client, url)))
    rows += [
        (
            "admin business campaigns (50 per page)",
            get(staff_client, reverse("admin:diagnostics_businesscampaign_changelist")),
        ),
        (
            "admin businesses' weakest questions",
            get(staff_client, reverse("admin:diagnostics_businesscampaign_weakest")),
        ),
        (
            "admin office list + businesses' median",
            get(staff_client, reverse("admin:diagnostics_office_changelist")),
        ),
        (
            "admin business list (100 per page)",
            get(staff_client, reverse("admin:diagnostics_business_changelist")),
        ),
    ]
    return rows


def seed_business_diagnostics(offices, count: int) -> None:
    start = time.perf_counter()
    seed_businesses(offices, count)
    print(
        f"Seeded {count} business diagnostics in "
        f"{time.perf_counter() - start:.1f} s ({connection.vendor})."
    )


def run_businesses(count: int, per_office: int, runs: int) -> None:
    """Seeds `count` offices and `per_office` submitted business diagnostics each, then
    times the business pages (median, p95, queries) against BUSINESS_TARGET_MS."""
    _campaign, offices, director, staff, _submitted, _draft = prepare(count)
    seed_business_diagnostics(offices, count * per_office)
    rows = business_rows(offices, director, staff)
    queries = query_counts(rows)
    print(f"\n{'in-process (test client)':<42}{'median':>10}{'p95':>10}{'queries':>9}  target")
    for label, action in rows:
        values = measure(action, runs)
        median = statistics.median(values)
        target = ""
        if not label.startswith("floor"):
            ok = "ok" if median <= BUSINESS_TARGET_MS else "MISSED"
            target = f"≤ {BUSINESS_TARGET_MS} ms {ok}"
        print(f"{label:<42}{median:>8.1f}ms{p95(values):>8.1f}ms{queries[label]:>9}  {target}")


DIRECTOR_PAGES = (
    "territory page",
    "workshop programme",
    "plan page",
    "pooling section",
    "office page",
    "questionnaire page",
    "review page",
    "importance page",
    "saving one answer",
    "results page",
    "PDF report, same",
)


def kind(label: str) -> str:
    if label.startswith(DIRECTOR_PAGES):
        return "director"
    if label.startswith("admin"):
        return "staff"
    return ""


def query_counts(pages) -> dict[str, int]:
    """SQL queries of one call of each page (the test suite asserts they stay constant)."""
    counts = {}
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


def print_france(rows, floor, queries, exports_memory):
    print(
        f"\n{'in-process (test client)':<40}{'median':>10}{'p95':>10}{'× floor':>9}"
        f"{'queries':>9}  target"
    )
    for label, values in rows:
        median = statistics.median(values)
        ratio = median / floor if floor else 0
        target = ""
        if kind(label):
            limit = FRANCE_RATIO[kind(label)]
            target = f"{kind(label)} ≤ {limit}× " + ("ok" if ratio <= limit else "MISSED")
        elif label.startswith("export"):
            target = f"peak {exports_memory[label]:.1f} MB"
        count = queries.get(label, "")
        print(f"{label:<40}{median:>8.1f}ms{p95(values):>8.1f}ms{ratio:>8.1f}×{count:>9}  {target}")


def run_some(pages, words: list[str], runs: int, france: bool) -> None:
    """The trivial view and the pages whose label holds one of `words`, measured alone."""
    chosen = [
        (label, action)
        for label, action in pages
        if label.startswith("floor") or any(word in label for word in words)
    ]
    queries = query_counts([p for p in chosen if not p[0].startswith(("export", "PDF report, f"))])
    rows = [(label, measure(action, runs)) for label, action in chosen]
    floor = statistics.median(rows[0][1])
    if france:
        memory = {label: 0.0 for label, _action in chosen if label.startswith("export")}
        print_france(rows, floor, queries, memory)
    else:
        print_in_process(rows, floor)
        print("queries: " + ", ".join(f"{label} {n}" for label, n in queries.items()))
    print(f"load average (1, 5, 15 min): {' '.join(f'{n:.1f}' for n in os.getloadavg())}")


def print_in_process(rows, floor):
    print(f"\n{'in-process (test client)':<52}{'median':>10}{'p95':>10}{'× floor':>9}  target")
    for label, values in rows:
        median = statistics.median(values)
        ratio = median / floor if floor else 0
        if label.startswith("PDF report, first"):
            target = "≤ 1000 ms " + ("ok" if median <= PDF_TARGET_MS else "MISSED")
        elif label.startswith(PLAN_PAGES):
            target = f"≤ {PLAN_TARGET_MS} ms " + ("ok" if median <= PLAN_TARGET_MS else "MISSED")
        elif label.startswith(("export", "scoring", "re-scoring", "floor")):
            target = (
                ("≤ 1000 ms " + ("ok" if median <= 1000 else "MISSED"))
                if label.startswith("re-scoring")
                else ""
            )
        else:
            ok = median <= TARGET_MS and ratio <= TARGET_RATIO
            target = f"≤ {TARGET_MS} ms and ≤ {TARGET_RATIO}× " + ("ok" if ok else "MISSED")
        print(f"{label:<52}{median:>8.1f}ms{p95(values):>8.1f}ms{ratio:>8.1f}×  {target}")


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


# --- over HTTP ----------------------------------------------------------------------


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "bench.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start: " + process.stderr.read().decode()[-500:])


def http_load(port, seconds, users, cookies, urls, autosave, question, choices):
    """`users` threads request pages in turn for `seconds`, then stop; latencies per page.

    `port` may be a list: user i then talks to the server on port[i % len(port)]."""
    ports = port if isinstance(port, list) else [port]
    latencies: dict[str, list[float]] = {label: [] for label, _who, _url in urls}
    latencies["saving one answer (autosave)"] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def user(index):
        port = ports[index % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        rng = random.Random(index)
        step = index
        while time.monotonic() < deadline:
            label, who, url = urls[step % len(urls)]
            step += 1
            headers = {"Cookie": cookies[who]}
            start = time.perf_counter()
            try:
                if label == "autosave":
                    body = f"q-{question}={rng.choice(choices)}&initial-q-{question}="
                    headers.update(
                        {
                            "Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": cookies["csrf"],
                        }
                    )
                    conn.request("POST", autosave, body=body, headers=headers)
                    label = "saving one answer (autosave)"
                else:
                    conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    # Users share the question: a 409 (conflict) is an answer too.
                    if response.status == 200 or (response.status == 409 and "saving" in label):
                        latencies[label].append(elapsed)
                    else:
                        errors.append(f"{label}: HTTP {response.status}")
            except OSError as error:
                with lock:
                    errors.append(f"{label}: {error}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - start


def restart_run(ports, seconds, clients, cookies, draft_pk, questions, choices_of):
    """Clients spread over both servers save answers, as static/js/autosave.js does
    (only the touched field, with its `initial-` reference: the value last
    acknowledged), while the server on ports[0] is stopped and started again.

    Client i alone writes question i, so its last acknowledged value must be
    what the database holds at the end, unless a later request whose answer was
    lost (connection cut) stored another value it sent: that is not a loss. A
    409 is a conflict (such a request did land): the client adopts the stored
    value, as the page does. Returns the counts and the restart's downtime."""
    from diagnostics.models import Answer
    from diagnostics.services import choice_token

    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"acknowledged": 0, "conflicts": 0, "failed": 0}
    state = {}  # question → (last acknowledged token, tokens sent since without an answer)

    def client(index):
        question = questions[index]
        rng = random.Random(index)
        acknowledged, unanswered = "", set()
        url = reverse("diagnostics:autosave", args=[draft_pk, question])
        step = 0
        while time.monotonic() < deadline and step < 100_000:
            port = ports[(index + step) % len(ports)]
            step += 1
            token = str(rng.choice([c for c in choices_of[question] if str(c) != acknowledged]))
            body = f"q-{question}={token}&initial-q-{question}={acknowledged}"
            headers = {
                "Cookie": cookies["director"],
                "X-CSRFToken": cookies["csrf"],
                "Content-Type": "application/x-www-form-urlencoded",
            }
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", url, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                conn.close()
            except OSError:
                unanswered.add(token)
                with lock:
                    counts["failed"] += 1
                time.sleep(0.05)
                continue
            if response.status == 200:
                acknowledged, unanswered = json.loads(payload)["answer"]["choice"], set()
                with lock:
                    counts["acknowledged"] += 1
            elif response.status == 409:
                acknowledged, unanswered = json.loads(payload)["conflict"]["choice"], set()
                with lock:
                    counts["conflicts"] += 1
            else:
                unanswered.add(token)
                with lock:
                    counts["failed"] += 1
                time.sleep(0.05)
        state[question] = (acknowledged, unanswered)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    stopped = time.perf_counter()
    servers[0].terminate()  # SIGTERM: gunicorn finishes the requests in flight
    servers[0].wait(timeout=40)
    servers[0] = start_gunicorn(ports[0])
    downtime = time.perf_counter() - stopped
    for thread in threads:
        thread.join()
    stored = {
        answer.question_id: choice_token(answer)
        for answer in Answer.objects.filter(diagnostic_id=draft_pk, question_id__in=questions)
    }
    lost = sum(
        1
        for question, (acknowledged, unanswered) in state.items()
        if acknowledged
        and stored.get(question, "") != acknowledged
        and stored.get(question, "") not in unanswered
    )
    connection.close()
    return counts, lost, downtime


servers: list[subprocess.Popen] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, help="default 1,000 (region), 1,200 (france)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--port2", type=int, default=8766, help="second app server (france)")
    parser.add_argument("--restart-seconds", type=int, default=30)
    parser.add_argument("--scale", choices=["region", "france"], default="region")
    parser.add_argument(
        "--businesses",
        action="store_true",
        help=f"only issue 11's pages: the offices and {BUSINESSES_PER_OFFICE} businesses each",
    )
    parser.add_argument("--per-office", type=int, default=BUSINESSES_PER_OFFICE)
    parser.add_argument(
        "--business-diagnostics",
        type=int,
        default=FRANCE["business_diagnostics"],
        help="france: business diagnostics spread over the offices (0: none, seeds faster)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database an earlier run seeded"
    )
    parser.add_argument(
        "--pages", help="only the pages whose label holds one of these words (comma-separated)"
    )
    parser.add_argument(
        "--exports-only",
        action="store_true",
        help="seed, then only the exports' time and peak memory (compare --offices 1000 and 5000)",
    )
    parser.add_argument(
        "--only",
        choices=["pooling"],
        help="pooling: seed, then only issue 12's pages (plan, training needs, pooling) and the floor",
    )
    args = parser.parse_args()
    if args.only == "pooling":
        run_plans(args.offices or 1000, args.runs)
        return
    if args.businesses:
        run_businesses(args.offices or 1000, args.per_office, args.runs)
        return
    france = args.scale == "france"
    campaigns = 1
    if france:
        args.offices, campaigns = args.offices or FRANCE["offices"], FRANCE["campaigns"]
        if connection.vendor != "postgresql":
            print("--scale france is meant for PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
        if not os.environ.get("CACHE_URL"):
            print("No CACHE_URL: the two app servers will not share a cache (CACHE_URL=redis://…).")

    seeded = (reuse if args.reuse else prepare)(args.offices or 1000, campaigns)
    campaign, offices, director, staff, submitted, draft = seeded
    pages, (director_client, staff_client, autosave, question, choices) = page_rows(
        campaign, offices, director, staff, submitted, draft, args.runs
    )
    if france and args.business_diagnostics:
        if not args.reuse:
            seed_business_diagnostics(offices, args.business_diagnostics)
        # Issue 11's pages beside the others (the office list is already there, now
        # with its businesses' median).
        pages += [
            (label, action)
            for label, action in business_rows(offices, director, staff)
            if not label.startswith(("floor", "admin office list"))
        ]
    if args.pages:
        run_some(pages, args.pages.split(","), args.runs, france)
        return
    rows = scoring_rows(campaign, args.runs)
    queries = query_counts([p for p in pages if not p[0].startswith(("export", "PDF report, f"))])
    exports_memory = {
        label: export_peak_memory(action) for label, action in pages if label.startswith("export")
    }
    if args.exports_only:
        for label, action in pages:
            if label.startswith("export"):
                median = statistics.median(measure(action, 3))
                print(f"{label:<40}{median:>9.0f} ms   peak {exports_memory[label]:.1f} MB")
        return
    for label, action in pages:
        runs = (
            args.runs
            if not label.startswith(("export answers", "PDF report, first"))
            else max(3, args.runs // 4)
        )
        rows.append((label, measure(action, runs)))
    # Issue 12's pages, offices spread over France's departments, then packed in one region.
    plans, plan_queries = measure_plans(campaign, offices, director, staff, submitted, args.runs)
    rows += plans
    queries |= plan_queries
    floor = statistics.median(next(values for label, values in rows if label.startswith("floor")))
    if france:
        print_france(rows, floor, queries, exports_memory)
    else:
        print_in_process(rows, floor)
        print("queries: " + ", ".join(f"{label} {n}" for label, n in queries.items()))
        print(
            "exports' peak memory: "
            + ", ".join(f"{label} {mb:.1f} MB" for label, mb in exports_memory.items())
        )
    app_ms, weasyprint_ms = report_overhead(submitted.pk, args.runs)
    app_median, weasyprint_median = statistics.median(app_ms), statistics.median(weasyprint_ms)
    print(
        f"PDF report: WeasyPrint's own time {weasyprint_median:.0f} ms (median), the app's "
        f"(queries, context, HTML) {app_median:.1f} ms = {100 * app_median / weasyprint_median:.1f} %"
        f" of it (target < 10 %)"
    )
    print(
        f"peak memory of a process rendering one PDF report: {pdf_peak_memory(submitted.pk):.0f} MB (target ≤ 200 MB)"
    )
    print(
        f"peak memory of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    if args.http_seconds <= 0:
        return
    connection.close()  # gunicorn's workers use the database from now on
    director_client.get(reverse("diagnostics:axis", args=[draft.pk, "web"]))  # sets the CSRF cookie
    cookies = {
        "director": f"sessionid={director_client.cookies['sessionid'].value}; csrftoken={director_client.cookies['csrftoken'].value}",
        "staff": f"sessionid={staff_client.cookies['sessionid'].value}",
        "csrf": director_client.cookies["csrftoken"].value,
    }
    urls = [
        ("floor: trivial view", "director", "/bench/floor"),
        (
            "questionnaire page (one axis)",
            "director",
            reverse("diagnostics:axis", args=[draft.pk, "web"]),
        ),
        ("autosave", "director", autosave),
        ("results page", "director", reverse("diagnostics:results", args=[submitted.pk])),
        (
            "admin office list (50 per page)",
            "staff",
            reverse("admin:diagnostics_office_changelist"),
        ),
        ("admin regional dashboard", "staff", reverse("admin:diagnostics_office_dashboard")),
    ]
    ports = [args.port, args.port2] if france else [args.port]
    restart = None
    try:
        servers.extend(start_gunicorn(port) for port in ports)
        latencies, errors, elapsed = http_load(
            ports, args.http_seconds, args.users, cookies, urls, autosave, question.pk, choices
        )
        if france and args.restart_seconds > 0:
            from diagnostics.models import Question

            own = list(
                Question.objects.filter(questionnaire=campaign.questionnaire)
                .exclude(pk=question.pk)
                .order_by("axis__order", "order")
                .values_list("pk", flat=True)[: args.users]
            )
            choices_of = {
                q: list(Question.objects.get(pk=q).choices.values_list("pk", flat=True))
                for q in own
            }
            connection.close()
            restart = restart_run(
                ports, args.restart_seconds, len(own), cookies, draft.pk, own, choices_of
            )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=40)
    total = sum(len(v) for v in latencies.values())
    where = " and ".join(f"127.0.0.1:{port}" for port in ports)
    print(
        f"\nover HTTP: {len(ports)} × gunicorn (2 workers × 4 threads) on {where}"
        f"{f' sharing {connection.vendor} and the cache' if france else ''}, {args.users} users for "
        f"{elapsed:.0f} s: {total} requests, {total / elapsed:.0f} req/s, {len(errors)} errors"
    )
    floor_http = (
        statistics.median(latencies["floor: trivial view"])
        if latencies["floor: trivial view"]
        else 0
    )
    print(f"{'page':<40}{'requests':>9}{'median':>10}{'p95':>10}{'× floor':>9}")
    for label, values in latencies.items():
        if values:
            median = statistics.median(values)
            ratio = median / floor_http if floor_http else 0
            print(f"{label:<40}{len(values):>9}{median:>8.1f}ms{p95(values):>8.1f}ms{ratio:>8.1f}×")
    for error in sorted(set(errors))[:5]:
        print("  error:", error)
    if restart:
        counts, lost, downtime = restart
        print(
            f"\nsaving answers over both servers while 127.0.0.1:{ports[0]} restarts "
            f"({downtime:.1f} s down), {args.restart_seconds} s: {counts['acknowledged']} "
            f"acknowledged, {counts['conflicts']} conflicts (409), {counts['failed']} refused or "
            f"cut during the restart; acknowledged-but-lost answers: {lost} (target 0)"
        )


if __name__ == "__main__":
    main()
