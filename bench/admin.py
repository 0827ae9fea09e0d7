"""Times the network staff's pages with N offices (default 1,000) and prints the figures.

Usage: .venv/bin/python bench/admin.py [offices] [runs]   (or `make bench`)
"""

import sys
import time

from common import measure, print_table, seed_region, test_database  # noqa: I001


def main(count: int, runs: int) -> None:
    with test_database():
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from diagnostics.services import network_group_sync

        start = time.perf_counter()
        campaign, offices = seed_region(count)
        seeded = time.perf_counter() - start
        staff = get_user_model().objects.create_user("bench-staff", is_staff=True)
        staff.groups.add(network_group_sync())
        client = Client()
        client.force_login(staff)
        twelve = ",".join(str(o.pk) for o in offices[:12])

        def get(url, data=None, stream=False):
            def action():
                response = client.get(url, data or {})
                assert response.status_code == 200, (url, response.status_code)
                if stream:
                    b"".join(response.streaming_content)

            return action

        pages = [
            ("office list (50 per page)", get(reverse("admin:diagnostics_office_changelist"))),
            (
                "comparison of 12 offices",
                get(reverse("admin:diagnostics_office_compare"), {"offices": twelve}),
            ),
            ("regional dashboard", get(reverse("admin:diagnostics_office_dashboard"))),
            (
                "export scores CSV (all offices)",
                get(
                    reverse("admin:diagnostics_office_export", args=["scores", "csv"]), stream=True
                ),
            ),
            (
                "export scores XLSX (all offices)",
                get(
                    reverse("admin:diagnostics_office_export", args=["scores", "xlsx"]), stream=True
                ),
            ),
            (
                "export answers CSV (all answers)",
                get(
                    reverse("admin:diagnostics_office_export", args=["reponses", "csv"]),
                    stream=True,
                ),
            ),
        ]
        rows = []
        queries = {}
        for label, action in pages:
            with CaptureQueriesContext(connection) as captured:
                action()
            queries[label] = len(captured)
            rows.append(
                (label, measure(action, runs if "answers" not in label else max(1, runs // 5)))
            )
        print_table(
            f"Network staff pages, {count} offices with a submitted diagnostic ({connection.vendor}, "
            f"seeded in {seeded:.1f} s), {runs} runs, in-process test client",
            rows,
        )
        print("SQL queries: " + ", ".join(f"{label}: {n}" for label, n in queries.items()))


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 10,
    )
