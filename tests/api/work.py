"""The documents the task and timer API tests send (the organization they work in is a
:class:`tests.api.team.Team`)."""

from __future__ import annotations

TASK_FIELDS = """
fragment TaskFields on Task {
  id title description status priority assignee { id name } departmentId storeId jobCategory
  environment plannedDate dueAt slaDeadline estimatedMinutes actualMinutes requiresReview
  qualityRating source version slaStatus allowedActions createdAt
  history { fromStatus toStatus at actorType actorId actorName note secondsInPrevious }
  timer { id state allowedActions task { id } employee { id } }
}
"""

TIMER_FIELDS = """
fragment TimerFields on Timer {
  id state task { id status } employee { id } startedAt stoppedAt activeSeconds pauseSeconds
  breakSeconds autoStopped autoStopReason skippedChecks overrideReason allowedActions
}
"""

TASK = "query Task($id: ID!) { task(id: $id) { ...TaskFields } }" + TASK_FIELDS
CREATE = (
    "mutation Create($input: CreateTaskInput!) { createTask(input: $input) { ...TaskFields } }"
    + TASK_FIELDS
)
CURRENT_TIMER = (
    "query Current($e: ID) { currentTimer(employeeId: $e) { ...TimerFields } }" + TIMER_FIELDS
)


def task_move(name: str, **arguments: str) -> str:
    """The document of a task trigger mutation taking ``id`` and the given arguments
    (name → GraphQL type), answering the task."""
    declared = "".join(f", ${key}: {kind}" for key, kind in arguments.items())
    passed = "".join(f", {key}: ${key}" for key in arguments)
    return (
        f"mutation Move($id: ID!{declared}) {{ {name}(id: $id{passed}) {{ ...TaskFields }} }}"
        + TASK_FIELDS
    )


def timer_move(name: str) -> str:
    """The document of a timer mutation taking an optional ``timerId``."""
    return (
        f"mutation Timer($timerId: ID) {{ {name}(timerId: $timerId) {{ ...TimerFields }} }}"
        + TIMER_FIELDS
    )
