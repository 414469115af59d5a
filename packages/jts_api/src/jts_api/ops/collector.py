"""The garbage collector in a serving process (``JTS_GC_FREEZE``).

CPython's collector walks every tracked object of a generation when it collects it, and
the oldest generation holds everything the process made to start: modules, the schema,
SQLAlchemy's and Strawberry's structures. A request that allocates many containers (an
upload of 1,000 heartbeats makes tens of thousands) sets off collections that walk all
of that again; measured on a 1,000-item upload, a fifth to a quarter of its CPU.
:func:`freeze_startup_heap` moves what the process holds once it has started into the
permanent generation, which no collection walks (``gc.freeze``, CPython 3.7+).
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect what is garbage already, then freeze the rest.

    Frozen objects are still freed when their last reference goes (reference counting
    is untouched); only a cycle among them would never be collected — hence the
    collection first, and hence freezing once, at start, not in a process that makes and
    drops whole apps (the test suite).
    """
    gc.collect()
    gc.freeze()
