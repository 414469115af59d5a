"""The API under uvicorn (one process, uvloop, httptools), profiled on demand.

    python bench/profiled_server.py PORT STATS_FILE

``SIGUSR1`` starts cProfile (on the process's CPU time), ``SIGUSR2`` stops it and writes
the stats to STATS_FILE, so only the requests in between are profiled (not the start or
a warm-up). Settings come from ``JTS_`` variables, as for ``jts serve``. Used by
``bench/request_path.py``.
"""

from __future__ import annotations

import cProfile
import signal
import sys
import time
from types import FrameType

import uvicorn


def main() -> None:
    port, stats_file = int(sys.argv[1]), sys.argv[2]
    # CPU time, not wall time: a coroutine awaiting the database is not charged for it.
    profile = cProfile.Profile(time.process_time)

    def start(_signal: int, _frame: FrameType | None) -> None:
        profile.enable()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        profile.disable()
        profile.dump_stats(stats_file)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    config = uvicorn.Config(
        "jts_api.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        log_level="warning",
        access_log=False,
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
