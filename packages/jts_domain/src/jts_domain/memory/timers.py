"""In-memory timers, templates, scores and alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.memory.tables import (
    Tables,
    check_version,
    detached,
    get_owned,
    insert_new,
    of_org,
    page,
)
from jts_domain.model import (
    SLA_ALERT_KINDS,
    Actor,
    Alert,
    AlertKind,
    AuditEntry,
    DailyScore,
    TaskTemplate,
    Timer,
)
from jts_domain.model.scores import StoredScore


class MemoryTimers:
    """Timers; at most one non-stopped timer per employee."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def _active_of(self, employee_id: UUID, *, besides: UUID | None = None) -> Timer | None:
        found = (
            t
            for t in self._t.timers.values()
            if t.employee_id == employee_id and t.is_active and t.id != besides
        )
        return next(found, None)

    async def add(self, timer: Timer) -> None:
        if timer.is_active and self._active_of(timer.employee_id) is not None:
            raise DomainError(
                ErrorCode.TIMER_ALREADY_RUNNING,
                "the employee already has a timer that is not stopped",
                {"employee_id": str(timer.employee_id)},
            )
        insert_new(self._t.timers, timer)

    async def get(self, organization_id: UUID, timer_id: UUID) -> Timer:
        return get_owned(self._t.timers, organization_id, timer_id, "timer")

    async def update(self, timer: Timer) -> None:
        if timer.is_active and self._active_of(timer.employee_id, besides=timer.id) is not None:
            raise DomainError(ErrorCode.TIMER_ALREADY_RUNNING, "another timer is not stopped")
        check_version(self._t.timers.get(timer.id), timer, "timer")
        self._t.timers[timer.id] = detached(timer)

    async def find_active(self, organization_id: UUID, employee_id: UUID) -> Timer | None:
        timer = self._active_of(employee_id)
        if timer is None or timer.organization_id != organization_id:
            return None
        return detached(timer)

    async def list_for_task(self, organization_id: UUID, task_id: UUID) -> list[Timer]:
        rows = [
            t
            for t in self._t.timers.values()
            if t.organization_id == organization_id and t.task_id == task_id
        ]
        return [detached(t) for t in sorted(rows, key=lambda t: (t.started_at, t.id))]

    async def list_active(self, organization_id: UUID) -> list[Timer]:
        rows = [
            t
            for t in self._t.timers.values()
            if t.organization_id == organization_id and t.is_active
        ]
        return [detached(t) for t in sorted(rows, key=lambda t: (t.started_at, t.id))]

    async def find_active_for_tasks(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> dict[UUID, Timer]:
        wanted = set(task_ids)
        return {
            t.task_id: detached(t)
            for t in self._t.timers.values()
            if t.organization_id == organization_id and t.is_active and t.task_id in wanted
        }

    async def list_for_employee(
        self,
        organization_id: UUID,
        employee_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Timer]:
        rows = [
            t
            for t in self._t.timers.values()
            if t.organization_id == organization_id and t.employee_id == employee_id
        ]
        return page(rows, lambda t: (t.started_at, t.id), after, limit, newest_first=True)


class MemoryTaskTemplates:
    """Task templates."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, template: TaskTemplate) -> None:
        insert_new(self._t.task_templates, template)

    async def list_all(self, organization_id: UUID) -> list[TaskTemplate]:
        return of_org(self._t.task_templates, organization_id)


def score_fingerprint(score: DailyScore) -> str:
    """What a score shows, spelled out: equal for equal scores, breakdowns and reliability
    (decimals by their digits, as the store prints them: 0.30 is not 0.3)."""
    return repr((score.score, score.reliability, score.metrics))


def stored_score(score: DailyScore) -> StoredScore:
    """The :class:`StoredScore` of a score kept in memory."""
    return StoredScore(
        employee_id=score.employee_id,
        business_date=score.business_date,
        id=score.id,
        calculated_at=score.calculated_at,
        fingerprint=score_fingerprint(score),
    )


class MemoryScores:
    """Daily scores, one per employee and date."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def fingerprint(self, score: DailyScore) -> str:
        return score_fingerprint(score)

    async def upsert_many(self, scores: Sequence[DailyScore]) -> list[StoredScore]:
        latest = {(s.employee_id, s.business_date): s for s in scores}
        answers = []
        for key, score in latest.items():
            row, before = detached(score), self._t.scores.get(key)
            if before is not None:
                row.id = before.id
                if score_fingerprint(before) == score_fingerprint(row):
                    row.calculated_at = before.calculated_at
            self._t.scores[key] = row
            if (row.id, row.calculated_at) != (score.id, score.calculated_at):
                answers.append(stored_score(row))
        return answers

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> DailyScore | None:
        score = self._t.scores.get((employee_id, business_date))
        if score is None or score.organization_id != organization_id:
            return None
        return detached(score)

    async def list_range(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID],
        date_from: date,
        date_to: date,
    ) -> list[DailyScore]:
        wanted = set(employee_ids)
        rows = [
            s
            for s in self._t.scores.values()
            if s.organization_id == organization_id
            and s.employee_id in wanted
            and date_from <= s.business_date <= date_to
        ]
        return [detached(s) for s in sorted(rows, key=lambda s: (s.business_date, s.employee_id))]


class MemoryAlerts:
    """Alerts, at most one per occasion (:attr:`~jts_domain.model.Alert.occasion`)."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add_if_new(self, alert: Alert) -> bool:
        if any(a.occasion == alert.occasion for a in self._t.alerts.values()):
            return False
        self._t.alerts[alert.id] = detached(alert)
        return True

    async def add_many_if_new(self, alerts: Sequence[Alert]) -> list[Alert]:
        return [alert for alert in alerts if await self.add_if_new(alert)]

    async def get(self, organization_id: UUID, alert_id: UUID) -> Alert:
        return get_owned(self._t.alerts, organization_id, alert_id, "alert")

    async def resolve(self, alert: Alert) -> bool:
        stored = self._t.alerts.get(alert.id)
        if stored is None or stored.organization_id != alert.organization_id:
            return False
        if stored.resolved_at is not None:
            return False
        self._t.alerts[alert.id] = detached(alert)
        return True

    async def resolve_idle(
        self, organization_id: UUID, active_until: dict[UUID, datetime], at: datetime, by: Actor
    ) -> list[Alert]:
        resolved: list[Alert] = []
        for alert in sorted(self._t.alerts.values(), key=lambda a: a.id):
            end = active_until.get(alert.timer_id) if alert.timer_id is not None else None
            if (
                alert.organization_id == organization_id
                and alert.kind is AlertKind.IDLE
                and alert.resolved_at is None
                and end is not None
                and alert.idle_since is not None
                and end > alert.idle_since
            ):
                done = detached(alert)
                done.resolved_at, done.resolved_by = at, by
                self._t.alerts[alert.id] = done
                resolved.append(detached(done))
        return resolved

    async def recent(
        self,
        organization_id: UUID,
        *,
        employee_ids: frozenset[UUID] | None = None,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Alert]:
        rows = [
            a
            for a in self._t.alerts.values()
            if a.organization_id == organization_id
            and (employee_ids is None or a.employee_id in employee_ids)
        ]
        return page(rows, lambda a: (a.created_at, a.id), after, limit, newest_first=True)

    async def kinds_for_tasks(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> set[tuple[UUID, AlertKind]]:
        wanted = set(task_ids)
        return {
            (a.task_id, a.kind)
            for a in self._t.alerts.values()
            if a.organization_id == organization_id
            and a.task_id is not None
            and a.task_id in wanted
            and a.kind in SLA_ALERT_KINDS
        }


class MemoryAuditLog:
    """The audit log, append-only."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def add(self, entry: AuditEntry) -> None:
        self._t.audit[entry.id] = entry

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        for entry in entries:
            self._t.audit[entry.id] = entry

    async def recent(
        self,
        organization_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[AuditEntry]:
        rows = [e for e in self._t.audit.values() if e.organization_id == organization_id]
        return page(rows, lambda e: (e.at, e.id), after, limit, newest_first=True)
