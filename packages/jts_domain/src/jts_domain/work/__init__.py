"""Work on a task: the task-and-timer aggregate, its start checks and its events.

:class:`~jts_domain.work.aggregate.TaskWork` is the aggregate;
:func:`~jts_domain.work.start_checks.clear_start` decides whether a timer may start;
:mod:`~jts_domain.work.recording` saves an aggregate with its audit entries and events.
The use cases that drive it are in :mod:`jts_domain.services.tasks` and
:mod:`jts_domain.services.timers`.
"""
