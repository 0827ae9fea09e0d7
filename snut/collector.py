"""Python's cyclic garbage collector held off while WeasyPrint lays out and writes a report.

A report's print allocates hundreds of thousands of objects (boxes, styles, Pango
wrappers) that all live until the PDF is written. Each time the collector's thresholds
are crossed meanwhile, it walks them, and a full collection walks the rest of the
process too: in the 1,000-office bench, one or two full collections per print, 190 to
330 ms of a 1.5 s first print. Held off, the print's garbage (its reference cycles) is
found by one collection of the youngest generation when it ends (about 40 ms);
the rest is freed by reference counting as usual, and the peak memory is the same.

The collector is the whole process's and gunicorn runs threads: it is held off while at
least one print runs, and put back as it was found when the last one ends. Every print
collects the youngest generation as it ends, so that prints which keep overlapping never
leave their garbage piling up.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def held_off() -> Iterator[None]:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
        gc.collect(0)
