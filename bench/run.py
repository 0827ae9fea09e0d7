"""`make bench`: seeds N offices and prints medians and p95 of every measured path.

Usage: .venv/bin/python bench/run.py [--offices N] [--runs R] [--http-seconds S] [--users U]

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
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import ROOT, fresh_database, measure, p95, seed_region  # noqa: I001
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

TARGET_MS = 50
TARGET_RATIO = 10
PDF_TARGET_MS = 1000


def prepare(count: int):
    from django.contrib.auth import get_user_model

    from diagnostics import services
    from diagnostics.models import Diagnostic, Membership

    start = time.perf_counter()
    fresh_database()
    campaign, offices = seed_region(count)
    users = get_user_model().objects
    director = users.create_user("bench-director")
    Membership.objects.create(user=director, office=offices[0], role=Membership.Role.DIRECTOR)
    staff = users.create_user("bench-staff", is_staff=True)
    staff.groups.add(services.network_group_sync())
    submitted = Diagnostic.objects.get(office=offices[0], campaign=campaign)
    draft = services.diagnostic_start(office=offices[0], campaign=campaign, user=director)
    print(f"Seeded {count} offices in {time.perf_counter() - start:.1f} s ({connection.vendor}).")
    return campaign, offices, director, staff, submitted, draft


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
            if stream:
                b"".join(response.streaming_content)

        return action

    def save_answer():
        choice = random.choice(choices)
        response = director_client.post(
            autosave, {f"q-{question.pk}": choice, f"initial-q-{question.pk}": ""}
        )
        assert response.status_code == 200, response.content

    def pdf_first_print():
        cache.clear()
        get(director_client, reverse("diagnostics:report_pdf", args=[submitted.pk]))()

    def dashboard_after_a_submission():
        cache.clear()  # what a new submission does to the dashboard's cached figures
        get(staff_client, reverse("admin:diagnostics_office_dashboard"))()

    export = "admin:diagnostics_office_export"
    return [
        ("floor: trivial view", get(director_client, "/bench/floor")),
        (
            "questionnaire page (one axis)",
            get(director_client, reverse("diagnostics:axis", args=[draft.pk, "web"])),
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
        ("admin dashboard, cold (new submission)", dashboard_after_a_submission),
        (
            "admin regional dashboard",
            get(staff_client, reverse("admin:diagnostics_office_dashboard")),
        ),
        (
            "export scores CSV (all offices)",
            get(staff_client, reverse(export, args=["scores", "csv"]), stream=True),
        ),
        (
            "export scores XLSX (all offices)",
            get(staff_client, reverse(export, args=["scores", "xlsx"]), stream=True),
        ),
        (
            "export answers CSV (all answers)",
            get(staff_client, reverse(export, args=["reponses", "csv"]), stream=True),
        ),
    ], (director_client, staff_client, autosave, question, choices)


def print_in_process(rows, floor):
    print(f"\n{'in-process (test client)':<40}{'median':>10}{'p95':>10}{'× floor':>9}  target")
    for label, values in rows:
        median = statistics.median(values)
        ratio = median / floor if floor else 0
        if label.startswith("PDF report, first"):
            target = "≤ 1000 ms " + ("ok" if median <= PDF_TARGET_MS else "MISSED")
        elif label.startswith(("export", "scoring", "re-scoring", "floor")):
            target = (
                ("≤ 1000 ms " + ("ok" if median <= 1000 else "MISSED"))
                if label.startswith("re-scoring")
                else ""
            )
        else:
            ok = median <= TARGET_MS and ratio <= TARGET_RATIO
            target = f"≤ {TARGET_MS} ms and ≤ {TARGET_RATIO}× " + ("ok" if ok else "MISSED")
        print(f"{label:<40}{median:>8.1f}ms{p95(values):>8.1f}ms{ratio:>8.1f}×  {target}")


def pdf_peak_memory(submitted_pk: int) -> float:
    """Peak RSS (MB) of a fresh process that renders one PDF report."""
    code = (
        "import os, sys, resource; sys.path.insert(0, 'bench'); import common;"
        "from diagnostics.models import Diagnostic; from diagnostics.report import render_pdf;"
        "from diagnostics.results import build_results;"
        f"d = Diagnostic.objects.select_related('office','campaign','questionnaire','overall_level').get(pk={submitted_pk});"
        "render_pdf(build_results(d));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
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
    """`users` threads request pages in turn for `seconds`, then stop; latencies per page."""
    latencies: dict[str, list[float]] = {label: [] for label, _who, _url in urls}
    latencies["saving one answer (autosave)"] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def user(index):
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
                    if response.status == 200:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    campaign, offices, director, staff, submitted, draft = prepare(args.offices)
    rows = scoring_rows(campaign, args.runs)
    pages, (director_client, staff_client, autosave, question, choices) = page_rows(
        campaign, offices, director, staff, submitted, draft, args.runs
    )
    for label, action in pages:
        runs = (
            args.runs
            if not label.startswith(("export answers", "PDF report, first"))
            else max(3, args.runs // 4)
        )
        rows.append((label, measure(action, runs)))
    floor = statistics.median(next(values for label, values in rows if label.startswith("floor")))
    print_in_process(rows, floor)
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
    server = start_gunicorn(args.port)
    try:
        latencies, errors, elapsed = http_load(
            args.port, args.http_seconds, args.users, cookies, urls, autosave, question.pk, choices
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    total = sum(len(v) for v in latencies.values())
    print(
        f"\nover HTTP: gunicorn (2 workers × 4 threads) on 127.0.0.1, {args.users} users for "
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


if __name__ == "__main__":
    main()
