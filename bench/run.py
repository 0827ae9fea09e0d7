"""`make bench`: seeds N offices and prints medians and p95 of every measured path.

Usage: .venv/bin/python bench/run.py [--scale region|france] [--offices N] [--runs R]
       [--http-seconds S] [--http-reads-only] [--users U] [--port P] [--port2 P2] [--exports-only]
       [--businesses [--per-office B]] [--business-diagnostics N]
       [--reuse] [--pages LABEL[,LABEL…]] [--only pooling] [--clock wall|cpu]

`--reuse` keeps the database seeded by an earlier run of the same scale (it only
migrates it; seeding France takes minutes); `--pages admin` measures only the
pages whose label contains one of the comma-separated words, then stops (no
issue 12 pages, PDF figures or HTTP run). `--clock cpu` times the in-process pages
by this process's CPU time instead of the wall clock: on SQLite, a machine shared
with other work then inflates the figures far less (the database's own work is in
this process; on PostgreSQL the server's would be left out).

Since snut/page_memo.py every page is measured twice: opened again (the memo serves
it) and « <label>, computed » (PAGE_MEMO off: a first view, or one after a write to a
table it read). `--http-reads-only` leaves the autosave out of the HTTP mix: its writes
make every memoized page in the mix computed again.

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
import os
import resource
import statistics
import time

from businesses import business_rows, run_businesses
from common import CLOCK, floor_note, measure, p95  # noqa: I001
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from france import FRANCE, print_france
from memo import how, measure_both, summary
from over_http import http_load, restart_run, servers, start_gunicorn
from pages import (
    export_peak_memory,
    measure_plans,
    page_rows,
    pdf_peak_memory,
    print_in_process,
    query_counts,
    report_overhead,
    run_plans,
    run_some,
    scoring_rows,
)
from seeding import BUSINESSES_PER_OFFICE, prepare, reuse, seed_business_diagnostics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, help="default 1,000 (region), 1,200 (france)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument(
        "--http-reads-only",
        action="store_true",
        help="over HTTP, no autosave: nothing written, so the page memo serves the repeated GETs",
    )
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
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: in-process timings in this process's CPU time (SQLite on a shared machine)",
    )
    args = parser.parse_args()
    if args.clock == "cpu":
        CLOCK.update(name="cpu", read=time.process_time)
        print("Timings in this process's CPU time (--clock cpu), not the wall clock.")
    if args.only == "pooling":
        run_plans(args.offices or 1000, args.runs)
        return
    if args.businesses:
        run_businesses(
            args.offices or 1000,
            args.per_office,
            args.runs,
            reused=args.reuse,
            words=args.pages.split(",") if args.pages else None,
        )
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
    # Each page opened again (the memo), then computed (the memo off).
    measured, unlisted = measure_both(
        pages,
        lambda label: (
            args.runs
            if not label.startswith(("export answers", "PDF report, first"))
            else max(3, args.runs // 4)
        ),
    )
    rows += measured
    # Issue 12's pages, offices spread over France's departments, then packed in one region.
    plans, plan_queries, plan_unlisted = measure_plans(
        campaign, offices, director, staff, submitted, args.runs
    )
    rows += plans
    queries |= plan_queries
    unlisted |= plan_unlisted
    floor = statistics.median(next(values for label, values in rows if label.startswith("floor")))
    if france:
        print_france(rows, floor, queries, exports_memory, lambda label: how(label, unlisted))
        print("\n".join(summary(rows, floor)))
        print(floor_note())
    else:
        print_in_process(rows, floor, unlisted)
        print("queries (computed): " + ", ".join(f"{label} {n}" for label, n in queries.items()))
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
    if settings.PAGE_MEMO and not os.environ.get("CACHE_URL"):
        print(
            "No CACHE_URL: gunicorn's two workers each keep the page memo and the tables' "
            "write timestamps in their own memory, so one may serve a page another's write "
            "made stale (set CACHE_URL=redis://…, or PAGE_MEMO=off)."
        )
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
    if args.http_reads_only:  # an autosave writes tables every memoized page reads
        urls = [url for url in urls if url[0] != "autosave"]
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
        + (
            " (reads only: no autosave, so the memo serves repeated pages)"
            if args.http_reads_only
            else " (with autosaves: each writes tables the memoized pages read)"
        )
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
