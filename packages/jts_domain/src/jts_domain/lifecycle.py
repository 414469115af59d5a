"""The task and timer state machines: PRODUCT.md's tables, defined once as data.

Both machines are :mod:`transitions` machines without models: nothing is attached per
call. A transition is looked up in the machine's own table (``get_transitions``), and the
triggers allowed from a state are read with ``get_triggers`` once and cached.

Conditions that depend on a task's data (``submit`` only when the task requires review,
``complete`` only when it does not) are part of the table too, as named conditions; they
are evaluated against the task by :func:`allowed_task_actions` and by
:func:`task_transition` when it is told ``requires_review``.

>>> task_transition(TaskStatus.ASSIGNED, "accept")
<TaskStatus.ACCEPTED: 'ACCEPTED'>
>>> allowed_task_triggers(TaskStatus.PENDING_REVIEW)
('approve', 'reject', 'cancel')
>>> timer_transition(None, "start")
<TimerState.RUNNING: 'RUNNING'>
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from transitions import Machine, Transition

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model.task import Task, TaskStatus
from jts_domain.model.timer import TimerState

_REQUIRES_REVIEW = "requires_review"

_S = TaskStatus
_TASK_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "assign", "source": [_S.PENDING, _S.ASSIGNED, _S.ACCEPTED], "dest": _S.ASSIGNED},
    {"trigger": "accept", "source": _S.ASSIGNED, "dest": _S.ACCEPTED},
    {"trigger": "decline", "source": _S.ASSIGNED, "dest": _S.PENDING},
    {"trigger": "start", "source": [_S.ASSIGNED, _S.ACCEPTED], "dest": _S.IN_PROGRESS},
    {"trigger": "pause", "source": _S.IN_PROGRESS, "dest": _S.PAUSED},
    {"trigger": "resume", "source": [_S.PAUSED, _S.ON_HOLD], "dest": _S.IN_PROGRESS},
    {"trigger": "hold", "source": [_S.IN_PROGRESS, _S.PAUSED], "dest": _S.ON_HOLD},
    {
        "trigger": "submit",
        "source": [_S.IN_PROGRESS, _S.PAUSED],
        "dest": _S.PENDING_REVIEW,
        "conditions": _REQUIRES_REVIEW,
    },
    {
        "trigger": "complete",
        "source": [_S.IN_PROGRESS, _S.PAUSED],
        "dest": _S.COMPLETED,
        "unless": _REQUIRES_REVIEW,
    },
    {"trigger": "approve", "source": _S.PENDING_REVIEW, "dest": _S.COMPLETED},
    {"trigger": "reject", "source": _S.PENDING_REVIEW, "dest": _S.REJECTED},
    {"trigger": "reopen", "source": _S.REJECTED, "dest": _S.ASSIGNED},
    {
        "trigger": "cancel",
        "source": [s for s in TaskStatus if s not in {_S.COMPLETED, _S.CANCELLED}],
        "dest": _S.CANCELLED,
    },
]

#: The pseudo-state a timer is in before it exists: ``start`` is its creation.
_NOT_STARTED = "NOT_STARTED"
_T = TimerState
_TIMER_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "start", "source": _NOT_STARTED, "dest": _T.RUNNING},
    {"trigger": "pause", "source": [_T.RUNNING, _T.ON_BREAK], "dest": _T.PAUSED},
    {"trigger": "resume", "source": _T.PAUSED, "dest": _T.RUNNING},
    {"trigger": "start_break", "source": _T.RUNNING, "dest": _T.ON_BREAK},
    {"trigger": "end_break", "source": _T.ON_BREAK, "dest": _T.RUNNING},
    {"trigger": "stop", "source": [_T.RUNNING, _T.PAUSED, _T.ON_BREAK], "dest": _T.STOPPED},
]

TASK_MACHINE = Machine(
    model=None,
    states=list(TaskStatus),
    initial=TaskStatus.PENDING,
    transitions=_TASK_TRANSITIONS,
    auto_transitions=False,
    name="task",
)
TIMER_MACHINE = Machine(
    model=None,
    states=[_NOT_STARTED, *TimerState],
    initial=_NOT_STARTED,
    transitions=_TIMER_TRANSITIONS,
    auto_transitions=False,
    name="timer",
)

#: Every task trigger, in the order of PRODUCT.md's table.
TASK_TRIGGERS: tuple[str, ...] = tuple(t["trigger"] for t in _TASK_TRANSITIONS)
#: Every timer trigger.
TIMER_TRIGGERS: tuple[str, ...] = tuple(t["trigger"] for t in _TIMER_TRANSITIONS)
#: The task triggers guarded by a condition on the task's data.
CONDITIONAL_TASK_TRIGGERS = frozenset({"submit", "complete"})


@cache
def allowed_task_triggers(status: TaskStatus) -> tuple[str, ...]:
    """Triggers the task table allows from a status, ignoring data conditions.

    >>> allowed_task_triggers(TaskStatus.COMPLETED)
    ()
    """
    return tuple(TASK_MACHINE.get_triggers(status))


@cache
def allowed_timer_triggers(state: TimerState | None) -> tuple[str, ...]:
    """Triggers the timer table allows from a state (None: the timer does not exist yet).

    >>> allowed_timer_triggers(TimerState.RUNNING)
    ('pause', 'start_break', 'stop')
    """
    return tuple(TIMER_MACHINE.get_triggers(_NOT_STARTED if state is None else state))


def allowed_task_actions(task: Task) -> tuple[str, ...]:
    """The triggers that are valid for this task now, conditions on its data included."""
    return _allowed_with_facts(task.status, _facts(requires_review=task.requires_review))


def task_transition(
    status: TaskStatus, trigger: str, *, requires_review: bool | None = None
) -> TaskStatus:
    """The status a trigger leads to from ``status``; INVALID_TRANSITION if none.

    With ``requires_review`` given, the data conditions are checked too (``submit`` needs
    it, ``complete`` needs its absence) and the error lists the actions of such a task.
    """
    facts = None if requires_review is None else _facts(requires_review=requires_review)
    for transition in _transitions(TASK_MACHINE, trigger, status):
        if facts is None or _conditions_hold(transition, facts):
            return TaskStatus[_dest(transition)]
    allowed = allowed_task_triggers(status) if facts is None else _allowed_with_facts(status, facts)
    raise _invalid("task", status.value, trigger, allowed)


def timer_transition(state: TimerState | None, trigger: str) -> TimerState:
    """The state a trigger leads a timer to (None: not started yet); INVALID_TRANSITION if none."""
    source = _NOT_STARTED if state is None else state
    for transition in _transitions(TIMER_MACHINE, trigger, source):
        return TimerState[_dest(transition)]
    label = _NOT_STARTED if state is None else state.value
    raise _invalid("timer", label, trigger, allowed_timer_triggers(state))


def is_terminal_task_status(status: TaskStatus) -> bool:
    """Whether no trigger leads out of the status (COMPLETED, CANCELLED)."""
    return not allowed_task_triggers(status)


@cache
def _allowed_with_facts(status: TaskStatus, facts: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    known = dict(facts)
    return tuple(
        trigger
        for trigger in allowed_task_triggers(status)
        if any(
            _conditions_hold(transition, known)
            for transition in _transitions(TASK_MACHINE, trigger, status)
        )
    )


def _transitions(machine: Machine, trigger: str, source: str) -> list[Transition]:
    """The machine's transitions for a trigger from a state (none for an unknown trigger).

    ``get_transitions`` reads an empty trigger as "any trigger", so unknown names are
    answered here first.
    """
    if trigger not in machine.events:
        return []
    return machine.get_transitions(trigger, source=source)


def _facts(*, requires_review: bool) -> tuple[tuple[str, bool], ...]:
    return ((_REQUIRES_REVIEW, requires_review),)


def _conditions_hold(
    transition: Transition, facts: Mapping[str, bool] | tuple[tuple[str, bool], ...]
) -> bool:
    known = dict(facts)
    return all(bool(known[str(c.func)]) is c.target for c in transition.conditions)


def _dest(transition: Transition) -> str:
    if transition.dest is None:  # pragma: no cover - every transition of ours has a destination
        msg = "internal transitions are not used"
        raise AssertionError(msg)
    return transition.dest


def _invalid(machine: str, state: str, trigger: str, allowed: tuple[str, ...]) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_TRANSITION,
        f"cannot {trigger} a {machine} that is {state}; allowed: {', '.join(allowed) or 'none'}",
        {"state": state, "trigger": trigger, "allowed": list(allowed)},
    )
