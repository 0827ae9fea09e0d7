"""Each page measured twice since snut/page_memo.py: opened again (its reader's page served
from the memo) and computed (the memo off: a first view, or any view after a write to a
table the page read). Both are judged against issue 19's targets; the summary counts them.

Measured once, and said so: the floor, scoring and exports (not pages), the pooling
section (a selector called directly), and the rows that clear the shared cache before
each run (« cold », « first print »): clearing it also clears the memo, so those rows are
computed pages (what a submission's task stored in the database stays); and, with the
memo off, the rows that write (untimed) before each view: an action saved (the results
and plan pages' pieces written again), a business saved, a submission (with its figures
task run, not run yet, or lost).
"""

import statistics

from common import floor_again, measure  # noqa: I001
from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from france import FRANCE_RATIO, kind

from snut import page_memo  # noqa: E402

# How many requests the memo answered (snut/page_memo.py's `_from_memo` returned a page):
# a page listed in PAGE_MEMO may still not be kept (a streamed CSV, a page that writes).
SERVED = {"count": 0}
_from_memo = page_memo._from_memo


def _counted(*args, **kwargs):
    response = _from_memo(*args, **kwargs)
    SERVED["count"] += response is not None
    return response


page_memo._from_memo = _counted

COMPUTED = ", computed"


# Labels (or their start) measured once: not a page, or computed by construction.
ONCE = ("floor", "scoring", "re-scoring", "export", "pooling section")


COLD = ("cold", "first print")
# Rows whose setup writes, untimed, a table the page's kept part (diagnostics/views/
# kept_parts.py) or its pieces kept apart, and the memo, read: a computed page, what read
# that table written again (the results and plan pages: only the pieces the office's
# actions decide, since their holes; the businesses' pages: the part after one of the
# office's own businesses is saved, nothing after another office's, since office_writes;
# the staff's training needs and pooling, and the dashboard, after a submission: what is
# drawn from the campaign's submissions).
WRITTEN = (
    ", an action saved before",
    ", a business saved before",
    ", a submission before",
    ", one of its own businesses saved before",
    ", one of its own businesses renamed before",
    ", another office's business submitted before",
)


def once(label: str) -> bool:
    return label.startswith(ONCE) or any(word in label for word in COLD) or written(label)


def written(label: str) -> bool:
    return any(marker in label for marker in WRITTEN)


def cold(label: str) -> bool:
    return any(word in label for word in COLD)


def memo_off():
    """The computed page: what a first view, or a view after a write, costs."""
    return override_settings(PAGE_MEMO=())


def memoized(action) -> bool:
    """Whether the page an action GETs is one snut/page_memo.py may serve again
    (`settings.PAGE_MEMO`); a POST, or an action with no `url`, is not."""
    url = getattr(action, "url", None)
    if url is None:
        return False
    try:
        return resolve(url.split("?")[0]).view_name in settings.PAGE_MEMO
    except Resolver404:
        return False


def measure_both(pages, runs_of) -> tuple[list[tuple[str, list[float]]], dict[str, str]]:
    """(label, timings) rows: each page opened again, then « <label>, computed » with the
    memo off (the whole measure inside one `override_settings`, so that entering and
    leaving it costs no run anything), except the rows measured once (`once`). Also
    returns, for the pages the memo did not serve on every timed run, why (`how`)."""
    rows, unlisted = [], {}
    for label, action in pages:
        runs = runs_of(label)
        if label.startswith("floor"):
            rows.append((label, measure(action, runs, floor=True)))
            continue
        if written(label):  # the memo off, as a computed row
            with memo_off():
                rows.append((label, measure(action, runs)))
            floor_again()
            continue
        SERVED["count"] = 0
        rows.append((label, measure(action, runs)))
        floor_again()
        if once(label):
            continue
        served = SERVED["count"]  # the untimed warm-up computes the page and keeps it
        if not memoized(action):
            unlisted[label] = "opened again, not in PAGE_MEMO (computed each time)"
        elif served == 0:
            unlisted[label] = "opened again, in PAGE_MEMO but never served from it (computed)"
        elif served < runs:
            unlisted[label] = f"opened again, served from the memo in {served} of {runs} runs"
        with memo_off():
            rows.append((label + COMPUTED, measure(action, runs)))
        floor_again()
    return rows, unlisted


def how(label: str, unlisted: dict[str, str] | None) -> str:
    """What the row measures, printed after its target."""
    unlisted = unlisted or {}
    if label.startswith("pooling section"):
        return "the selector alone, no request"
    if label.endswith(COMPUTED):
        return "computed"
    if cold(label):
        return "computed (cache emptied before each run, untimed)"
    if written(label):
        if WRITTEN[0] in label:
            return "computed, memo off, its actions' pieces written again (an action saved before each run)"
        if WRITTEN[2] in label and "task lost" in label:
            return "computed, memo off, a submission 3 minutes before each run, its figures task never run (the worker stopped)"
        if WRITTEN[2] in label and "task not run" in label:
            return "computed, memo off, a submission before each run, its figures task not run"
        if WRITTEN[2] in label:
            return "computed, memo off, what a submission changes drawn again (a submission before each run)"
        if WRITTEN[3] in label:
            return "computed, memo off, its part kept, its communes' holes filled again (one of its office's businesses' commune corrected before each run)"
        if WRITTEN[5] in label:
            return "computed, memo off, its part kept (another office's business diagnostic submitted before each run, written for that office only: office_writes)"
        if WRITTEN[4] in label:
            return "computed, memo off, its part kept, its names' holes filled and its lists put in order again (one of its office's businesses renamed before each run)"
        return "computed, memo off, another office's business saved before each run (its part kept: office_writes)"
    if label in unlisted:
        return unlisted[label]
    if kind(label):
        return "opened again (memo)"
    return ""


def summary(rows, floor: float) -> list[str]:
    """How many pages meet issue 19's target opened again, and computed; the cold rows."""
    medians = {label: statistics.median(values) for label, values in rows}
    pairs = [
        label
        for label in medians
        if kind(label) and not label.endswith(COMPUTED) and label + COMPUTED in medians
    ]

    def met(label):
        return floor and medians[label] / floor <= FRANCE_RATIO[kind(label)]

    opened = [label for label in pairs if met(label)]
    computed = [label for label in pairs if met(label + COMPUTED)]
    colds = [label for label in medians if kind(label) and cold(label)]
    writes = [label for label in medians if kind(label) and written(label)]
    lines = [
        f"summary (director ≤ {FRANCE_RATIO['director']}×, staff ≤ {FRANCE_RATIO['staff']}× "
        f"the floor, {floor:.2f} ms): {len(pairs)} pages measured both ways; "
        f"{len(opened)} of {len(pairs)} meet their target opened again, "
        f"{len(computed)} of {len(pairs)} computed.",
    ]
    missed_opened = [label for label in pairs if label not in opened]
    missed_computed = [label for label in pairs if label not in computed]
    if missed_opened:
        lines.append("  missed opened again: " + "; ".join(missed_opened))
    if missed_computed:
        lines.append("  missed computed: " + "; ".join(missed_computed))
    if colds:
        lines.append(
            f"  rows with the cache cleared before each run (computed): "
            f"{sum(bool(met(label)) for label in colds)} of {len(colds)} meet their target"
        )
    if writes:
        lines.append(
            f"  rows after a write to a table their kept part read (computed): "
            f"{sum(bool(met(label)) for label in writes)} of {len(writes)} meet their target"
        )
    return lines
