"""An in-memory ``ScoreRecalculations`` queue that coalesces as the worker's does."""

from __future__ import annotations

from jts_domain.services import ServiceContext
from jts_domain.services.score_recalculation import ScoreRecalculation, recalculate_score


class RecordingScoreRecalculations:
    """Keeps the waiting recalculations; a request for one already waiting coalesces.

    :meth:`run_waiting` plays the worker: it runs every waiting recalculation, in order.
    """

    def __init__(self) -> None:
        self.waiting: list[ScoreRecalculation] = []
        self.requests = 0

    async def request(self, recalculation: ScoreRecalculation) -> bool:
        """Queue the recalculation unless it waits already."""
        self.requests += 1
        if recalculation in self.waiting:
            return False
        self.waiting.append(recalculation)
        return True

    async def run_waiting(self, ctx: ServiceContext) -> list[ScoreRecalculation]:
        """Run and forget every waiting recalculation; those that ran."""
        ran, self.waiting = self.waiting, []
        for recalculation in ran:
            await recalculate_score(ctx, recalculation)
        return ran
