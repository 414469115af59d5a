"""saq's worker, stopping as soon as nothing is left worth waiting for.

saq's own ``stop`` waits its whole grace period for every task it runs, the idle ones
too: its upkeep loops sleep (up to the sweep interval) and its idle workers wait for a
job forever, so an idle worker always took the full grace period to stop — and a drain
or a ``jts dev`` that stopped it took that long. Here the upkeep loops wake when the
worker stops, and once no job is running the idle tasks are cancelled at once; running
jobs still get the grace period to finish.

"Idle" is read from the queue, not guessed: a task is cancelled only while it waits in
``JtsQueue.dequeue``. saq's task holds a job it has dequeued for a moment before its
running jobs show it (while it marks the job active and runs ``before_process``); a task
cancelled then leaves the job marked active with no worker on it until the sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from saq import Worker
from saq.job import Job
from saq.queue.postgres import PostgresQueue

#: How often a stopping worker looks whether its running jobs have finished.
_STOP_POLL_S = 0.05
#: What saq waits for the tasks left after that, before cancelling them.
_LEFTOVER_GRACE_S = 1


class JtsQueue(PostgresQueue):
    """saq's PostgreSQL queue, knowing which tasks are waiting in :meth:`dequeue`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dequeuing: set[asyncio.Task[Any]] = set()

    async def dequeue(
        self,
        timeout: float = 0.0,  # noqa: ASYNC109 -- saq's signature
        poll_interval: float = 0.0,
    ) -> Job | None:
        """saq's dequeue, with the calling task in :attr:`dequeuing` while it waits."""
        task = asyncio.current_task()
        assert task is not None
        self.dequeuing.add(task)
        try:
            return await super().dequeue(timeout=timeout, poll_interval=poll_interval)
        finally:
            self.dequeuing.discard(task)


class JtsWorker(Worker):  # type: ignore[type-arg]
    """A saq ``Worker`` whose ``stop`` does not wait for idle tasks (see the module)."""

    def __init__(
        self, queue: JtsQueue, *args: Any, stop_grace_s: float = 10.0, **kwargs: Any
    ) -> None:
        # saq's own grace is only for what is left once this class has waited: the
        # upkeep loops winding down, or jobs that overran ``stop_grace_s``
        super().__init__(queue, *args, shutdown_grace_period_s=_LEFTOVER_GRACE_S, **kwargs)
        self._queue = queue
        self._stop_grace_s = stop_grace_s

    def _processing(self) -> list[asyncio.Task[Any]]:
        return [t for t in self.tasks if t.get_name() == "process" and not t.done()]

    def _holding_a_job(self) -> bool:
        """A job runs, or a task has dequeued one and not started it yet."""
        waiting = self._queue.dequeuing
        return bool(self.job_task_contexts) or any(t not in waiting for t in self._processing())

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
        while self._holding_a_job() and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(_STOP_POLL_S)
        if not self._holding_a_job():
            for task in self._processing():  # each waits for a job that will not come
                task.cancel()
        await super().stop()
