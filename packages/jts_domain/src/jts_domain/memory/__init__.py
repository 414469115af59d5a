"""In-memory adapters of every port: product code, held to the same tests as the store.

Use them to embed JTS's rules in another program, or to run the use cases with no
database::

    db = InMemoryDatabase()
    ctx = ServiceContext(uow=db.unit_of_work, clock=SystemClock())
"""

from jts_domain.memory.database import InMemoryDatabase, InMemoryUnitOfWork, RecordingPublisher
from jts_domain.memory.jobs import RecordingJobQueue
from jts_domain.memory.roster_source import StaticRosterSource
from jts_domain.memory.score_recalculations import RecordingScoreRecalculations

__all__ = [
    "InMemoryDatabase",
    "InMemoryUnitOfWork",
    "RecordingJobQueue",
    "RecordingPublisher",
    "RecordingScoreRecalculations",
    "StaticRosterSource",
]
