"""saq's worker, stopping as soon as nothing is left worth waiting for.

saq's own ``stop`` waits its whole grace period for every task it runs, the idle ones
too: its upkeep loops sleep (up to the sweep interval) and its idle workers wait for a
job forever, so an idle worker always took the full grace period to stop — and a drain
or a ``jts dev`` that stopped it took that long. Here the upkeep loops wake when the
worker stops, and once no job is running the idle tasks are cancelled at once; running
jobs still get the grace period to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from saq import Worker

#: How often a stopping worker looks whether its running jobs have finished.
_STOP_POLL_S = 0.05
#: What saq waits for the tasks left after that, before cancelling them.
_LEFTOVER_GRACE_S = 1


class JtsWorker(Worker):  # type: ignore[type-arg]
    """A saq ``Worker`` whose ``stop`` does not wait for idle tasks (see the module)."""

    def __init__(self, *args: Any, stop_grace_s: float = 10.0, **kwargs: Any) -> None:
        # saq's own grace is only for what is left once this class has waited: the
        # upkeep loops winding down, or jobs that overran ``stop_grace_s``
        super().__init__(*args, shutdown_grace_period_s=_LEFTOVER_GRACE_S, **kwargs)
        self._stop_grace_s = stop_grace_s

    async def upkeep(self) -> list[asyncio.Task[None]]:
        """saq's upkeep loops, each waiting for the stop instead of sleeping through it."""

        async def poll(func: Callable[[int], Awaitable[Any]], every: int, arg: int) -> None:
            while not self.event.is_set():
                with contextlib.suppress(Exception):
                    await func(arg)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.event.wait(), timeout=every)

        timers = self.timers
        return [
            asyncio.create_task(poll(self.abort, timers["abort"], timers["abort"])),
            asyncio.create_task(poll(self.schedule, timers["schedule"], timers["schedule"])),
            asyncio.create_task(poll(self.queue.sweep, timers["sweep"], timers["sweep"])),
            asyncio.create_task(
                poll(self.worker_info, timers["worker_info"], timers["worker_info"] + 1)
            ),
        ]

    async def stop(self) -> None:
        """Let running jobs finish (up to the grace period), then stop without waiting."""
        self.event.set()
        deadline = time.monotonic() + self._stop_grace_s
        # saq keeps its running jobs in a dict with no event to wait on
        while self.job_task_contexts and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(_STOP_POLL_S)
        if not self.job_task_contexts:
            for task in list(self.tasks):
                if task.get_name() == "process":  # waiting for a job that will not come
                    task.cancel()
        await super().stop()
