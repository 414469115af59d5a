"""In-memory adapters of the ports that belong to no organization: sign-in attempts per
address, and the operator's execution log of system-wide jobs."""

from __future__ import annotations

from datetime import datetime

from jts_domain.login_throttle import LoginAttempts
from jts_domain.memory.tables import Tables, detached
from jts_domain.model import SystemJobRun
from jts_domain.schedule import SystemJobName


class MemoryLoginAttempts:
    """Attempts per address; the database's one lock serialises units of work, so a
    read is held until the unit of work ends, as ``SELECT … FOR UPDATE`` is."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def lock(self, email_key: str) -> LoginAttempts:
        return self._t.login_attempts.get(email_key) or LoginAttempts(email_key)

    async def save(self, attempts: LoginAttempts) -> None:
        self._t.login_attempts[attempts.email_key] = attempts

    async def clear(self, email_key: str) -> None:
        self._t.login_attempts.pop(email_key, None)


class MemorySystemJobRuns:
    """The operator's execution log; one row per job and slot."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def start(self, run: SystemJobRun) -> SystemJobRun | None:
        rows = self._t.system_job_runs
        existing = rows.get(run.id)
        if existing is not None:
            if existing.finished_at is not None:
                return None
            existing = detached(existing)
            existing.attempts += 1
            existing.started_at = run.started_at
            rows[existing.id] = existing
            return detached(existing)
        if run.slot is not None and any(
            (r.job, r.slot) == (run.job, run.slot) for r in rows.values()
        ):
            return None
        rows[run.id] = detached(run)
        return detached(run)

    async def finish(self, run: SystemJobRun) -> None:
        self._t.system_job_runs[run.id] = detached(run)

    async def last_slots(self) -> dict[SystemJobName, datetime]:
        slots: dict[SystemJobName, datetime] = {}
        for run in self._t.system_job_runs.values():
            if run.slot is not None and (run.job not in slots or run.slot > slots[run.job]):
                slots[run.job] = run.slot
        return slots

    async def recent(self, job: SystemJobName, limit: int = 20) -> list[SystemJobRun]:
        rows = [r for r in self._t.system_job_runs.values() if r.job is job]
        rows.sort(key=lambda r: (r.started_at, r.id), reverse=True)
        return [detached(r) for r in rows[:limit]]
