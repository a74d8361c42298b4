"""Python's cyclic garbage collector, paused where a process makes many long-lived objects.

A build holds its corpus (extractions, names, rows) and the analysis its graphs until they
end, millions of small objects that form no garbage cycles: each full collection would
only walk all of them again (a quarter of the analysis time, half of reading a corpus's
cached extractions). Reference counting still frees everything else as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """The collector paused for the duration (restored after).

    On the way out, the objects made meanwhile, all in the youngest generation that the
    first collection after this would walk (a second after a build), go to the oldest one
    instead, as if they had survived collections: frozen, then thawed into it. That also
    thaws what the process froze before (:func:`kg.workers._init_extract` freezes a
    pipeline built here; a worker's own is not affected), which full collections then walk
    again.

    >>> import gc
    >>> with collection_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
