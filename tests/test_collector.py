"""The cyclic garbage collector is held off while a report prints (snut/collector.py): back
as it was found when the last print ends, even after an error, and every print collects
its own garbage as it ends, though another print still runs."""

import gc
import weakref

import pytest

from diagnostics import report
from snut import collector


class Node:
    pass


def test_it_is_held_off_during_a_print_and_back_after():
    assert gc.isenabled()
    with collector.held_off():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_back_after_a_print_that_failed():
    with pytest.raises(ValueError), collector.held_off():
        raise ValueError
    assert gc.isenabled()


def test_it_is_back_only_when_the_last_of_overlapping_prints_ends():
    first, second = collector.held_off(), collector.held_off()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collector.held_off():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_print_collects_its_garbage_as_it_ends_though_another_still_runs():
    other = collector.held_off()
    other.__enter__()
    try:
        with collector.held_off():
            cycle = Node()
            cycle.itself = cycle
            ref = weakref.ref(cycle)
            del cycle
        assert ref() is None
        assert not gc.isenabled()
    finally:
        other.__exit__(None, None, None)


def test_the_report_is_laid_out_and_written_with_the_collector_held_off(monkeypatch):
    seen = []
    complete_tags = report.complete_tags

    def finisher(document, pdf):
        seen.append(gc.isenabled())
        complete_tags(document, pdf)

    monkeypatch.setattr(report, "complete_tags", finisher)
    pdf = report.print_html('<html lang="fr"><body class="report"><p>Essai</p></body></html>')
    assert pdf.startswith(b"%PDF-")
    assert seen == [False]
    assert gc.isenabled()
