"""The task-and-timer aggregate: a task with its active timer, which move together.

:class:`TaskWork` is the one home of the behaviour that changes a task's status or its
timer. Each method applies one lifecycle trigger once — the task's transition, and the
timer's when the trigger moves it — and returns a :class:`WorkChange`: the status-history
row, the timer after the change, the events to publish and the audit entry. A use case
loads the aggregate, checks who may act, calls one method, saves, commits.

The invariant both sides keep: a task is IN_PROGRESS while its timer runs or is on a
break, PAUSED while its timer is paused, and has no active timer otherwise. A timer stopped
from the timer side (by its user, at clock-out, at shift end, by an admin) puts a working
task ON_HOLD, from where ``resume`` starts a new timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from jts_domain.errors import invalid
from jts_domain.ids import new_id
from jts_domain.lifecycle import allowed_task_actions, task_transition, timer_transition
from jts_domain.model import (
    AUTO_STOP_REASONS,
    Actor,
    AuditEntry,
    DomainEvent,
    EventName,
    StatusChange,
    StopReason,
    Task,
    TaskStatus,
    Timer,
    TimerState,
)
from jts_domain.timeline import durations, switch_interval
from jts_domain.work.events import task_assigned, task_completed, timer_event
from jts_domain.work.start_checks import StartClearance

#: Statuses in which a task has (or should have) an active timer.
WORKING_STATUSES = frozenset({TaskStatus.IN_PROGRESS, TaskStatus.PAUSED})


@dataclass(frozen=True, slots=True)
class WorkChange:
    """What one trigger changed: the history row when the task moved, the timer after the
    change when it changed, the events to publish and the audit entry."""

    trigger: str
    status: StatusChange | None
    timer: Timer | None
    events: tuple[DomainEvent, ...]
    audit: AuditEntry


class TaskWork:
    """A task, its non-stopped timer (if any) and the active time of its stopped timers.

    A trigger the task may not take now raises INVALID_TRANSITION and changes nothing.

    ``settled_seconds`` is the RUNNING time of the task's timers that have stopped, so the
    task's actual time is recomputed from intervals on every stop without reading them.
    ``changes`` lists what the methods did, oldest first, for the store to save.
    """

    __slots__ = ("changes", "created", "settled_seconds", "task", "timer")

    def __init__(
        self, task: Task, timer: Timer | None = None, *, settled_seconds: float = 0.0
    ) -> None:
        self.task = task
        self.timer = timer
        self.settled_seconds = settled_seconds
        self.changes: list[WorkChange] = []
        self.created = False

    @classmethod
    def create(cls, task: Task, actor: Actor) -> TaskWork:
        """A new task: its first history row (from nothing) and its creation audit."""
        work = cls(task)
        work.created = True
        change = _status_row(task, None, task.status, at=task.created_at, actor=actor, note=None)
        summary = f"{task.title!r} created {task.status.value}"
        events: tuple[DomainEvent, ...] = ()
        if task.assignee_id is not None:
            summary += f", assignee {task.assignee_id}"
            events = (task_assigned(task, task.created_at, actor),)
        audit = _audit(
            task,
            actor,
            task.created_at,
            action="task.create",
            entity=("task", task.id),
            summary=summary,
        )
        work.changes.append(WorkChange("create", change, None, events, audit))
        return work

    # -- reading ----------------------------------------------------------------------

    def allowed_actions(self) -> tuple[str, ...]:
        """The task triggers valid now, conditions on the task's data included."""
        return allowed_task_actions(self.task)

    def expect(self, trigger: str) -> TaskStatus:
        """The status ``trigger`` leads to; INVALID_TRANSITION (listing the allowed
        triggers) when the task may not take it now."""
        return task_transition(self.task.status, trigger, requires_review=self.task.requires_review)

    @property
    def needs_new_timer(self) -> bool:
        """Whether ``resume`` would start a new timer (and so make the start checks)."""
        return self.timer is None

    # -- task triggers ----------------------------------------------------------------

    def assign(
        self,
        assignee_id: UUID,
        department_id: UUID | None,
        *,
        actor: Actor,
        at: datetime,
        note: str | None = None,
    ) -> WorkChange:
        """Give the task to an employee (it takes their department when it has none)."""
        self.expect("assign")
        self.task.assignee_id = assignee_id
        if self.task.department_id is None:
            self.task.department_id = department_id
        return self._move("assign", actor, at, note)

    def accept(self, *, actor: Actor, at: datetime) -> WorkChange:
        """The assignee accepts."""
        return self._move("accept", actor, at)

    def decline(self, *, actor: Actor, at: datetime, note: str) -> WorkChange:
        """The assignee declines: back to PENDING, unassigned."""
        self.expect("decline")
        self.task.assignee_id = None
        return self._move("decline", actor, at, note)

    def start(self, clearance: StartClearance, *, actor: Actor, at: datetime) -> WorkChange:
        """Start work: a new RUNNING timer for the cleared employee."""
        self.expect("start")
        return self._move("start", actor, at, timer=self._new_timer(clearance, at))

    def resume(self, clearance: StartClearance | None, *, actor: Actor, at: datetime) -> WorkChange:
        """Resume: the paused timer runs again, or (from ON_HOLD) a new timer starts, for
        which ``clearance`` is required."""
        self.expect("resume")
        if self.timer is not None:
            return self._move("resume", actor, at, timer=self._switch("resume", at))
        if clearance is None:
            raise invalid("resuming this task starts a new timer: the start checks are due")
        return self._move("resume", actor, at, timer=self._new_timer(clearance, at))

    def pause(self, *, actor: Actor, at: datetime, note: str | None = None) -> WorkChange:
        """Pause the task and its timer (running or on a break)."""
        self.expect("pause")
        timer = None if self.timer is None else self._switch("pause", at)
        return self._move("pause", actor, at, note, timer=timer)

    def hold(self, *, actor: Actor, at: datetime, note: str) -> WorkChange:
        """Put working task ON_HOLD; its timer stops."""
        return self._finish("hold", actor, at, note)

    def submit(self, *, actor: Actor, at: datetime) -> WorkChange:
        """Hand in a task that requires review; its timer stops."""
        return self._finish("submit", actor, at)

    def complete(self, *, actor: Actor, at: datetime) -> WorkChange:
        """Complete a task that needs no review; its timer stops."""
        return self._finish("complete", actor, at)

    def cancel(self, *, actor: Actor, at: datetime, note: str) -> WorkChange:
        """Cancel an open task; any timer of it stops."""
        return self._finish("cancel", actor, at, note)

    def approve(self, quality: int, *, actor: Actor, at: datetime) -> WorkChange:
        """Approve a task pending review with a quality rating."""
        self.expect("approve")
        self.task.quality_rating = quality
        self.task.approved_at = at
        return self._move("approve", actor, at, f"quality {quality}")

    def reject(self, *, actor: Actor, at: datetime, note: str) -> WorkChange:
        """Reject a task pending review."""
        return self._move("reject", actor, at, note)

    def reopen(self, *, actor: Actor, at: datetime) -> WorkChange:
        """Reopen a rejected task: ASSIGNED to the same assignee again."""
        return self._move("reopen", actor, at)

    # -- timer triggers ---------------------------------------------------------------

    def start_break(self, *, actor: Actor, at: datetime) -> WorkChange:
        """Put the running timer on a break (the task stays IN_PROGRESS)."""
        return self._timer_only("start_break", actor, at)

    def end_break(self, *, actor: Actor, at: datetime) -> WorkChange:
        """End the break: the timer runs again."""
        return self._timer_only("end_break", actor, at)

    def stop(self, reason: StopReason, *, actor: Actor, at: datetime) -> WorkChange:
        """Stop the timer from the timer side at ``at`` (which may be past: a shift's end).

        A working task goes ON_HOLD with the reason; a stop for CLOCK_OUT, SHIFT_END or
        ADMIN is recorded as automatic.
        """
        if self.task.status not in WORKING_STATUSES:
            timer = self._stop_timer(reason, at)
            events = (
                timer_event(EventName.TIMER_STATE_CHANGED, timer, at),
                timer_event(EventName.TIMER_STOPPED, timer, at),
            )
            audit = _audit(
                self.task,
                actor,
                at,
                action="timer.stop",
                entity=("timer", timer.id),
                summary=f"timer stopped ({reason.value})",
            )
            return self._record("stop", None, timer, audit, events)
        return self._finish(
            "hold", actor, at, f"timer stopped ({reason.value})", reason=reason, action="timer.stop"
        )

    # -- the one way each kind of change is made ----------------------------------------

    def _move(
        self,
        trigger: str,
        actor: Actor,
        at: datetime,
        note: str | None = None,
        *,
        timer: Timer | None = None,
        action: str | None = None,
    ) -> WorkChange:
        """Apply a task trigger (the timer, when given, already moved): the new status,
        its history row, ``task.completed`` / ``task.assigned``, the audit entry."""
        task = self.task
        target = self.expect(trigger)
        at = max(at, task.status_changed_at)
        change = _status_row(task, task.status, target, at=at, actor=actor, note=note)
        task.status = target
        task.status_changed_at = at
        events: list[DomainEvent] = []
        if timer is not None:
            events.append(timer_event(EventName.TIMER_STATE_CHANGED, timer, at))
            if timer.state is TimerState.STOPPED:
                events.append(timer_event(EventName.TIMER_STOPPED, timer, at))
        if target is TaskStatus.COMPLETED:
            task.completed_at = at
            events.append(task_completed(task, at))
        elif trigger in {"assign", "reopen"}:
            events.append(task_assigned(task, at, actor))
        summary = _move_summary(change, task, timer)
        entity = ("task", task.id) if timer is None or action is None else ("timer", timer.id)
        audit = _audit(
            task, actor, at, action=action or f"task.{trigger}", entity=entity, summary=summary
        )
        return self._record(trigger, change, timer, audit, tuple(events))

    def _finish(
        self,
        trigger: str,
        actor: Actor,
        at: datetime,
        note: str | None = None,
        *,
        reason: StopReason = StopReason.TASK,
        action: str | None = None,
    ) -> WorkChange:
        """A trigger that ends the work: the timer (if any) stops, the task moves."""
        self.expect(trigger)
        timer = None if self.timer is None else self._stop_timer(reason, at)
        return self._move(trigger, actor, at, note, timer=timer, action=action)

    def _timer_only(self, trigger: str, actor: Actor, at: datetime) -> WorkChange:
        timer = self._switch(trigger, at)
        event = timer_event(EventName.TIMER_STATE_CHANGED, timer, at)
        audit = _audit(
            self.task,
            actor,
            at,
            action=f"timer.{trigger}",
            entity=("timer", timer.id),
            summary=f"timer {timer.state.value}",
        )
        return self._record(trigger, None, timer, audit, (event,))

    def _record(
        self,
        trigger: str,
        status: StatusChange | None,
        timer: Timer | None,
        audit: AuditEntry,
        events: tuple[DomainEvent, ...] = (),
    ) -> WorkChange:
        change = WorkChange(trigger, status, timer, events, audit)
        self.changes.append(change)
        return change

    def _new_timer(self, clearance: StartClearance, at: datetime) -> Timer:
        state = timer_transition(None, "start")
        skipped = clearance.skipped
        timer = Timer(
            id=new_id(),
            organization_id=self.task.organization_id,
            employee_id=clearance.employee_id,
            task_id=self.task.id,
            state=state,
            started_at=at,
            business_date=clearance.business_date,
            intervals=switch_interval([], state, at),
            skipped_checks=skipped,
            override_by=clearance.employee_id if skipped else None,
            override_reason=clearance.override_reason if skipped else None,
        )
        self.timer = timer
        return timer

    def _switch(self, trigger: str, at: datetime) -> Timer:
        timer = self._require_timer()
        state = timer_transition(timer.state, trigger)
        timer.intervals = switch_interval(timer.intervals, state, at)
        timer.state = state
        return timer

    def _stop_timer(self, reason: StopReason, at: datetime) -> Timer:
        timer = self._switch("stop", at)
        timer.stopped_at = at
        timer.stop_reason = reason
        timer.auto_stopped = reason in AUTO_STOP_REASONS
        self.settled_seconds += durations(timer.intervals, at).active.total_seconds()
        self.task.actual_seconds = self.settled_seconds
        self.timer = None
        return timer

    def _require_timer(self) -> Timer:
        if self.timer is None:
            raise invalid("the task has no active timer", task_id=str(self.task.id))
        return self.timer


def _status_row(
    task: Task,
    before: TaskStatus | None,
    after: TaskStatus,
    *,
    at: datetime,
    actor: Actor,
    note: str | None,
) -> StatusChange:
    return StatusChange(
        id=new_id(),
        organization_id=task.organization_id,
        task_id=task.id,
        from_status=before,
        to_status=after,
        at=at,
        actor=actor,
        note=note,
        seconds_in_previous=0.0
        if before is None
        else (at - task.status_changed_at).total_seconds(),
    )


def _move_summary(change: StatusChange, task: Task, timer: Timer | None) -> str:
    """``from → to``, then the assignee, the timer and its override, the note."""
    before = "none" if change.from_status is None else change.from_status.value
    parts = [f"{before} → {change.to_status.value}"]
    if change.to_status is TaskStatus.ASSIGNED and task.assignee_id is not None:
        parts.append(f"assignee {task.assignee_id}")
    if timer is not None and len(timer.intervals) == 1 and timer.state is TimerState.RUNNING:
        started = f"timer {timer.id} started"
        if timer.skipped_checks:
            checks = ", ".join(sorted(c.value for c in timer.skipped_checks))
            started += f"; override of {checks}: {timer.override_reason}"
        parts.append(started)
    if change.note:
        parts.append(change.note)
    return "; ".join(parts)


def _audit(
    task: Task,
    actor: Actor,
    at: datetime,
    *,
    action: str,
    entity: tuple[str, UUID],
    summary: str,
) -> AuditEntry:
    return AuditEntry(
        id=new_id(),
        organization_id=task.organization_id,
        at=at,
        actor=actor,
        action=action,
        entity_type=entity[0],
        entity_id=entity[1],
        summary=summary,
    )
