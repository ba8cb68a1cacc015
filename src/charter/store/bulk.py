"""Reading a whole log back: the cyclic garbage collector paused while it is rebuilt.

Rebuilding a case and replaying it allocate millions of objects that all stay alive, and none
forms a reference cycle; the collector, triggered by the allocations, walks the growing heap again
and again for nothing: about a quarter of the time of a 100k-event replay (benchmarks/RESULTS.md).
The pause is process-wide and nests (threads included): the collector comes back when the last
pause ends, and only if it was on before the first.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
