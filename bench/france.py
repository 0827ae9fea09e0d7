"""The whole-France run: its scale, each page's target by kind (director or staff) and its summary."""

import statistics

from common import p95  # noqa: I001

# Whole-France targets: ratio to the trivial view, by who reads the page.
FRANCE_RATIO = {"director": 15, "staff": 25}


FRANCE = {"offices": 1200, "campaigns": 3, "business_diagnostics": 50_000}


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
    "re-diagnosis page",
    "bilan CSV",
    "workshop session page",
)


def kind(label: str) -> str:
    if label.startswith(DIRECTOR_PAGES):
        return "director"
    if label.startswith("admin"):
        return "staff"
    return ""


def print_france(rows, floor, queries, exports_memory, note=lambda label: ""):
    """The table: each row against its target, then what it measures (`note`: opened
    again, computed, cache cleared); the queries are a computed page's (none for the
    memo's rows)."""
    print(
        f"\n{'in-process (test client)':<52}{'median':>10}{'p95':>10}{'× floor':>9}"
        f"{'queries':>9}  target  (what is measured)"
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
        how = note(label)
        base = label.removesuffix(", computed")
        count = "" if how == "opened again (memo)" else queries.get(base, "")
        print(
            f"{label:<52}{median:>8.1f}ms{p95(values):>8.1f}ms{ratio:>8.1f}×{count:>9}  {target}"
            + (f"  ({how})" if how else "")
        )
