"""The scheduled jobs of JTS: a saq worker on a PostgreSQL queue, thin job functions.

``run_worker(WorkerSettings())`` is ``jts worker``; ``SaqJobQueue`` is the domain's
``JobQueue`` port for manual triggers (built by the composition root for the API).
"""

from jts_jobs.queue import SaqJobQueue
from jts_jobs.settings import WorkerSettings
from jts_jobs.worker import JobsRuntime, run_worker

__all__ = ["JobsRuntime", "SaqJobQueue", "WorkerSettings", "run_worker"]
