"""Auto-assignment: greedy, eligible, never over capacity, deterministic."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.assignment import (
    AssignableTask,
    AssigneeCapacity,
    AutoAssignment,
    auto_assign,
    is_eligible,
)
from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import JobCategory
from tests.domain.strategies import assignable_tasks, assignees


def _eligible(task: AssignableTask, employee: AssigneeCapacity) -> bool:
    """PRODUCT.md: same job category and store, when the task names them."""
    return (task.job_category in {None, employee.job_category}) and (
        task.store_id in {None, employee.store_id}
    )


def _final_loads(
    result: AutoAssignment, tasks: list[AssignableTask], employees: list[AssigneeCapacity]
) -> dict[UUID, int]:
    estimate = {t.task_id: t.estimated_minutes for t in tasks}
    load = {e.employee_id: e.planned_minutes for e in employees}
    for task_id, employee_id in result.assignments:
        load[employee_id] += estimate[task_id]
    return load


@given(assignable_tasks(), assignees())
def test_every_task_is_assigned_once_or_reported(tasks, employees):
    result = auto_assign(tasks, employees)
    assigned = [task_id for task_id, _ in result.assignments]
    assert not [t for t, n in Counter(assigned).items() if n > 1]
    assert set(assigned).isdisjoint(result.unassigned)
    assert sorted([*assigned, *result.unassigned]) == sorted(t.task_id for t in tasks)


@given(assignable_tasks(), assignees())
def test_nobody_gets_work_beyond_capacity(tasks, employees):
    result = auto_assign(tasks, employees)
    load = _final_loads(result, tasks, employees)
    given_work = {employee_id for _, employee_id in result.assignments}
    for employee in employees:
        if employee.employee_id in given_work:
            assert load[employee.employee_id] <= employee.capacity_minutes


@given(assignable_tasks(), assignees())
def test_tasks_go_only_to_eligible_employees(tasks, employees):
    task_of = {t.task_id: t for t in tasks}
    employee_of = {e.employee_id: e for e in employees}
    for task_id, employee_id in auto_assign(tasks, employees).assignments:
        assert _eligible(task_of[task_id], employee_of[employee_id])
        assert is_eligible(task_of[task_id], employee_of[employee_id])


@given(assignable_tasks(), assignees(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(tasks, employees, rnd):
    shuffled_tasks, shuffled_employees = list(tasks), list(employees)
    rnd.shuffle(shuffled_tasks)
    rnd.shuffle(shuffled_employees)
    assert auto_assign(tasks, employees) == auto_assign(shuffled_tasks, shuffled_employees)


@given(assignable_tasks(), assignees())
def test_each_turn_goes_to_the_least_loaded_with_room_or_to_nobody(tasks, employees):
    """Replay the turns (largest estimate first, then task id): a task is left unassigned
    only if no eligible employee had room at its turn; otherwise it went to the eligible
    employee with room and the least load so far, ties to the lower employee id."""
    result = auto_assign(tasks, employees)
    decided = dict(result.assignments)
    load = {e.employee_id: e.planned_minutes for e in employees}
    turns = sorted(tasks, key=lambda t: (-t.estimated_minutes, t.task_id))
    assert [t.task_id for t in turns if t.task_id in decided] == [a for a, _ in result.assignments]
    assert [t.task_id for t in turns if t.task_id not in decided] == list(result.unassigned)
    for task in turns:
        room = [
            e
            for e in employees
            if _eligible(task, e)
            and load[e.employee_id] + task.estimated_minutes <= e.capacity_minutes
        ]
        if task.task_id not in decided:
            assert room == []
            continue
        best = min(room, key=lambda e: (load[e.employee_id], e.employee_id))
        assert decided[task.task_id] == best.employee_id
        load[best.employee_id] += task.estimated_minutes


S1 = UUID(int=100)


def test_a_worked_auto_assignment():
    """Ann (SALES, 300 of 480 planned), Bob (SALES, 120 of 480), Cy (LAB, 0 of 240), all at
    store S1. Tasks, largest first:

    T15 300 LAB    → only Cy is LAB; 0 + 300 > 240                 → unassigned
    T11 240 SALES  → Ann 300 + 240 = 540 > 480; Bob 120 + 240 = 360  → Bob (360)
    T12 120 any    → loads Ann 300, Bob 360, Cy 0, all have room     → Cy (120)
    T13 120 LAB    → Cy 120 + 120 = 240 ≤ 240                        → Cy (240)
    T14  90 SALES  → Ann 300 + 90 = 390, Bob 360 + 90 = 450; least   → Ann (390)
    """
    ann, bob, cy = UUID(int=1), UUID(int=2), UUID(int=3)
    staff = [
        AssigneeCapacity(cy, JobCategory.LAB, S1, 240, 0),
        AssigneeCapacity(bob, JobCategory.SALES, S1, 480, 120),
        AssigneeCapacity(ann, JobCategory.SALES, S1, 480, 300),
    ]
    tasks = [
        AssignableTask(UUID(int=14), 90, JobCategory.SALES, None),
        AssignableTask(UUID(int=12), 120, None, None),
        AssignableTask(UUID(int=13), 120, JobCategory.LAB, S1),
        AssignableTask(UUID(int=15), 300, JobCategory.LAB, None),
        AssignableTask(UUID(int=11), 240, JobCategory.SALES, S1),
    ]
    result = auto_assign(tasks, staff)
    assert result.assignments == (
        (UUID(int=11), bob),
        (UUID(int=12), cy),
        (UUID(int=13), cy),
        (UUID(int=14), ann),
    )
    assert result.unassigned == (UUID(int=15),)


def test_equal_loads_go_to_the_lower_employee_id_and_stores_must_match():
    """Both have 0 planned: the task goes to id 1. A task naming store S2 fits neither."""
    first, second = UUID(int=1), UUID(int=2)
    staff = [AssigneeCapacity(second, None, S1, 480, 0), AssigneeCapacity(first, None, S1, 480, 0)]
    tasks = [
        AssignableTask(UUID(int=10), 60, None, None),
        AssignableTask(UUID(int=11), 30, None, UUID(int=101)),
    ]
    result = auto_assign(tasks, staff)
    assert result.assignments == ((UUID(int=10), first),)
    assert result.unassigned == (UUID(int=11),)


@pytest.mark.parametrize(
    ("tasks", "staff"),
    [
        ([AssignableTask(UUID(int=1), -5, None, None)], []),
        ([AssignableTask(UUID(int=1), 5, None, None)] * 2, []),
        ([], [AssigneeCapacity(UUID(int=1), None, None, 60, 0)] * 2),
    ],
)
def test_bad_input_is_a_validation_error(tasks, staff):
    with pytest.raises(DomainError) as caught:
        auto_assign(tasks, staff)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
