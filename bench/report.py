"""Times the PDF report of a full diagnostic and prints the figures.

Usage: .venv/bin/python bench/report.py [runs]   (or `make bench`)

Builds a throwaway test database (SQLite in memory unless DATABASE_URL says
otherwise), loads the official questionnaire and the demo data, then renders
the demo director's latest report `runs` times.
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snut.settings_test")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(runs: int) -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from diagnostics.management.commands.seed_demo import DEMO_OFFICE, seed
        from diagnostics.models import Diagnostic, Questionnaire
        from diagnostics.report import render_pdf
        from diagnostics.results import build_results

        call_command("loaddata", "questionnaire_snut", verbosity=0)
        seed(Questionnaire.objects.get(code="snut-ot"))
        diagnostic = (
            Diagnostic.objects.filter(office__name=DEMO_OFFICE, status="submitted")
            .select_related("office", "campaign", "questionnaire", "overall_level")
            .latest("submitted_at")
        )
        render_pdf(build_results(diagnostic))  # warm-up: fonts, templates
        context_times, pdf_times, cached_times, sizes = [], [], [], []
        for _ in range(runs):
            cache.clear()
            reset_queries()
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                results = build_results(diagnostic)
            middle = time.perf_counter()
            pdf = render_pdf(results)
            end = time.perf_counter()
            render_pdf(results)  # the same report again: served from the cache
            cached_times.append((time.perf_counter() - end) * 1000)
            context_times.append((middle - start) * 1000)
            pdf_times.append((end - middle) * 1000)
            sizes.append(len(pdf))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        questions = results.profile.total
        print(
            f"PDF report of a full diagnostic ({questions} questions, {connection.vendor}), {runs} runs"
        )
        print(f"{'step':<28}{'median':>10}{'p95':>10}{'min':>10}")
        for label, values in (
            ("context (build_results)", context_times),
            ("PDF, first print", pdf_times),
            ("PDF, same report again", cached_times),
        ):
            print(
                f"{label:<28}{statistics.median(values):>8.0f}ms{percentile(values, 0.95):>8.0f}ms{min(values):>8.0f}ms"
            )
        total = [a + b for a, b in zip(context_times, pdf_times, strict=True)]  # first print
        print(
            f"{'total':<28}{statistics.median(total):>8.0f}ms{percentile(total, 0.95):>8.0f}ms{min(total):>8.0f}ms"
        )
        print(
            f"SQL queries for the context: {len(queries)}; PDF size: {statistics.median(sizes) / 1024:.0f} KiB; "
            f"peak RSS of the process: {peak_mb:.0f} MB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
