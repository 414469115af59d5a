"""Daily scores in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Date, DateTime, Numeric, Text, Uuid

from jts_domain.model import DailyScore, ScoreMetric, ScoreMetricName
from jts_domain.model.scores import StoredScore
from jts_store.repositories.score_breakdowns import BreakdownRenderer
from jts_store.repositories.transaction import TransactionConnection
from jts_store.tables import DailyScoreRow
from jts_store.tables.base import table_of

_scores = table_of(DailyScoreRow)

# One statement for any number of scores: columns travel as arrays, so no parameter limit.
# A stored score is updated in place: its id stays, and so does its calculated_at when
# the fingerprint (what it shows) is unchanged. Only the rows that were updated rather
# than inserted come back (``xmax`` is 0 on a row this statement inserted): usually none
# on a day's first calculation, and the given rows are read once (not kept for a join).
_UPSERT_SCORES = text(
    """
    WITH written AS (
        INSERT INTO daily_scores
            (id, organization_id, employee_id, business_date, score, metrics, reliability,
             calculated_at)
        SELECT id, organization_id, employee_id, business_date, score, metrics::jsonb,
               reliability, calculated_at
        FROM unnest(:ids, :organization_ids, :employee_ids, :business_dates, :scores,
                    :metrics, :reliabilities, :calculated_ats)
            AS s(id, organization_id, employee_id, business_date, score, metrics,
                 reliability, calculated_at)
        ON CONFLICT (employee_id, business_date) DO UPDATE SET
            organization_id = excluded.organization_id,
            score = excluded.score,
            metrics = excluded.metrics,
            reliability = excluded.reliability,
            calculated_at = CASE WHEN daily_scores.fingerprint = excluded.fingerprint
                                 THEN daily_scores.calculated_at
                                 ELSE excluded.calculated_at END
        RETURNING employee_id, business_date, id, calculated_at, fingerprint,
                  xmax = '0'::xid AS inserted
    )
    SELECT employee_id, business_date, id, calculated_at, fingerprint
    FROM written
    WHERE NOT inserted
    """
).bindparams(
    bindparam("ids", type_=ARRAY(Uuid())),
    bindparam("organization_ids", type_=ARRAY(Uuid())),
    bindparam("employee_ids", type_=ARRAY(Uuid())),
    bindparam("business_dates", type_=ARRAY(Date())),
    bindparam("scores", type_=ARRAY(Numeric())),
    bindparam("metrics", type_=ARRAY(Text())),
    bindparam("reliabilities", type_=ARRAY(Numeric())),
    bindparam("calculated_ats", type_=ARRAY(DateTime(timezone=True))),
)


def _any_of(name: str, ids: Sequence[UUID]) -> Any:
    """``= ANY(:ids)``: one array parameter however many ids there are."""
    return bindparam(name, list(ids), type_=ARRAY(Uuid())).any_()


def _metric(document: dict[str, Any]) -> ScoreMetric:
    return ScoreMetric(
        name=ScoreMetricName(document["name"]),
        numerator=Decimal(document["numerator"]),
        denominator=Decimal(document["denominator"]),
        value=None if document["value"] is None else Decimal(document["value"]),
        weight=Decimal(document["weight"]),
        contribution=Decimal(document["contribution"]),
    )


def _score(row: Row[Any]) -> DailyScore:
    return DailyScore(
        id=row.id,
        organization_id=row.organization_id,
        employee_id=row.employee_id,
        business_date=row.business_date,
        score=row.score,
        metrics=tuple(_metric(document) for document in row.metrics),
        reliability=row.reliability,
        calculated_at=row.calculated_at,
    )


class SqlDailyScores:
    """Daily scores, one per employee and date (upserted in place)."""

    def __init__(self, db: TransactionConnection) -> None:
        self._db = db
        self._rendered = BreakdownRenderer()

    def fingerprint(self, score: DailyScore) -> str:
        return self._rendered.fingerprint(score)

    async def upsert_many(self, scores: Sequence[DailyScore]) -> list[StoredScore]:
        # A later score of the same employee and date wins, as it does in memory.
        given = {(s.employee_id, s.business_date): s for s in scores}
        latest = list(given.values())
        if not latest:
            return []
        metrics = [self._rendered.breakdown(s.metrics) for s in latest]
        self._rendered.forget()
        rows = await self._db.execute(
            _UPSERT_SCORES,
            {
                "ids": [s.id for s in latest],
                "organization_ids": [s.organization_id for s in latest],
                "employee_ids": [s.employee_id for s in latest],
                "business_dates": [s.business_date for s in latest],
                "scores": [s.score for s in latest],
                "metrics": metrics,
                "reliabilities": [s.reliability for s in latest],
                "calculated_ats": [s.calculated_at for s in latest],
            },
        )
        stored = []
        for row in rows:  # updated, not inserted: usually as given too
            score = given[row.employee_id, row.business_date]
            if (row.id, row.calculated_at) != (score.id, score.calculated_at):
                stored.append(
                    StoredScore(
                        employee_id=row.employee_id,
                        business_date=row.business_date,
                        id=row.id,
                        calculated_at=row.calculated_at,
                        fingerprint=row.fingerprint,
                    )
                )
        return stored

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> DailyScore | None:
        statement = select(_scores).where(
            _scores.c.organization_id == organization_id,
            _scores.c.employee_id == employee_id,
            _scores.c.business_date == business_date,
        )
        row = (await self._db.execute(statement)).one_or_none()
        return None if row is None else _score(row)

    async def list_range(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID],
        date_from: date,
        date_to: date,
    ) -> list[DailyScore]:
        if not employee_ids:
            return []
        statement = (
            select(_scores)
            .where(
                _scores.c.organization_id == organization_id,
                _scores.c.employee_id == _any_of("employee_ids", employee_ids),
                _scores.c.business_date.between(date_from, date_to),
            )
            .order_by(_scores.c.business_date, _scores.c.employee_id)
        )
        return [_score(row) for row in await self._db.execute(statement)]
