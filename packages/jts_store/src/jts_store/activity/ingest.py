"""The ingest: a whole batch of heartbeats in one statement.

The batch travels as arrays (``unnest``), so the statement is the same for 1 item or
1,000. In one go it

1. finds each item's timer: the caller's RUNNING interval that holds its ``at``, from
   the intervals overlapping the batch's time range (so offline data sent after the
   timer stopped still lands on it);
2. claims each client id in ``activity_keys`` in client-id order with ``ON CONFLICT DO
   NOTHING`` — the keys a batch gets are the ones it stores; concurrent batches sharing
   ids wait for each other in the same order, so they never deadlock and never store an
   id twice;
3. stores the claimed items with a timer as heartbeats, and the other claimed items (and
   those without a usable client id) as rejections;
4. answers the claimed items with their timer, and each timer that received heartbeats
   with its business date, whether that date already has a summary, and the spell start
   of its open IDLE alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import DateTime, Integer, Text, Uuid

from jts_domain.activity.ingest import NO_TIMER_MESSAGE
from jts_domain.activity.model import ActivityRejection, RejectionReason
from jts_domain.activity.ports import IngestBatch, IngestOutcome, TouchedTimer

_ITEM_ARRAYS = ("client_ids", "ats", "kinds", "seconds", "apps", "urls", "titles")

INGEST = text(
    """
WITH item AS (
    SELECT * FROM unnest(:client_ids, :ats, :kinds, :seconds, :apps, :urls, :titles,
                         :reasons, :messages)
        AS i(client_id, at, kind, seconds, app, url, title, reason, message)
),
running AS (
    SELECT v.timer_id, v.started_at, v.ended_at, t.business_date
    FROM timers t JOIN timer_intervals v ON v.timer_id = t.id
    WHERE t.organization_id = :organization_id AND t.employee_id = :employee_id
      AND (t.stopped_at IS NULL OR t.stopped_at > :earliest) AND t.started_at <= :latest
      AND v.state = 'RUNNING'
      AND (v.ended_at IS NULL OR v.ended_at > :earliest) AND v.started_at <= :latest
),
located AS (
    SELECT DISTINCT ON (i.client_id) i.*, r.timer_id, r.business_date
    FROM item i LEFT JOIN running r
      ON i.reason IS NULL AND r.started_at <= i.at AND (r.ended_at IS NULL OR i.at < r.ended_at)
    ORDER BY i.client_id, r.started_at DESC
),
keyed AS (
    INSERT INTO activity_keys (organization_id, client_id, received_at)
    SELECT :organization_id, client_id, :received_at FROM item ORDER BY client_id
    ON CONFLICT DO NOTHING
    RETURNING client_id
),
fresh AS (
    SELECT l.* FROM located l JOIN keyed k ON k.client_id = l.client_id
),
stored AS (
    INSERT INTO heartbeats
        (organization_id, employee_id, at, client_id, timer_id, kind, seconds, app, url, title)
    SELECT :organization_id, :employee_id, at, client_id, timer_id, kind, seconds, app, url,
           title
    FROM fresh WHERE timer_id IS NOT NULL
),
rejected AS (
    INSERT INTO activity_rejections
        (id, organization_id, employee_id, client_id, at, kind, seconds, app, url, title,
         reason, message, received_at)
    SELECT gen_random_uuid(), :organization_id, :employee_id, client_id, at, kind, seconds,
           app, url, title, coalesce(reason, 'NO_TIMER'), coalesce(message, :no_timer), :received_at
    FROM fresh WHERE timer_id IS NULL
    UNION ALL
    SELECT id, :organization_id, :employee_id, NULL, at, kind, seconds, app, url, title,
           reason, message, :received_at
    FROM unnest(:u_ids, :u_ats, :u_kinds, :u_seconds, :u_apps, :u_urls, :u_titles, :u_reasons,
                :u_messages)
        AS u(id, at, kind, seconds, app, url, title, reason, message)
),
touched AS (
    SELECT DISTINCT timer_id, business_date FROM fresh WHERE timer_id IS NOT NULL
)
SELECT client_id, timer_id, NULL::date AS business_date, NULL::boolean AS summarized,
       NULL::timestamptz AS idle_since
FROM fresh
UNION ALL
SELECT NULL, t.timer_id, t.business_date,
       EXISTS (
           SELECT 1 FROM activity_daily d
           WHERE d.organization_id = :organization_id AND d.employee_id = :employee_id
             AND d.business_date = t.business_date
       ),
       (
           SELECT min(a.idle_since) FROM alerts a
           WHERE a.organization_id = :organization_id AND a.kind = 'IDLE'
             AND a.resolved_at IS NULL AND a.timer_id = t.timer_id
       )
FROM touched t
"""
).bindparams(
    bindparam("client_ids", type_=ARRAY(Text())),
    bindparam("ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("kinds", type_=ARRAY(Text())),
    bindparam("seconds", type_=ARRAY(Integer())),
    bindparam("apps", type_=ARRAY(Text())),
    bindparam("urls", type_=ARRAY(Text())),
    bindparam("titles", type_=ARRAY(Text())),
    bindparam("reasons", type_=ARRAY(Text())),
    bindparam("messages", type_=ARRAY(Text())),
    bindparam("u_ids", type_=ARRAY(Uuid())),
    bindparam("u_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("u_kinds", type_=ARRAY(Text())),
    bindparam("u_seconds", type_=ARRAY(Integer())),
    bindparam("u_apps", type_=ARRAY(Text())),
    bindparam("u_urls", type_=ARRAY(Text())),
    bindparam("u_titles", type_=ARRAY(Text())),
    bindparam("u_reasons", type_=ARRAY(Text())),
    bindparam("u_messages", type_=ARRAY(Text())),
    bindparam("organization_id", type_=Uuid()),
    bindparam("employee_id", type_=Uuid()),
    bindparam("earliest", type_=DateTime(timezone=True)),
    bindparam("latest", type_=DateTime(timezone=True)),
    bindparam("received_at", type_=DateTime(timezone=True)),
    bindparam("no_timer", type_=Text()),
)


def _aware(at: datetime) -> datetime | None:
    return at if at.tzinfo is not None and at.utcoffset() is not None else None


def _unkeyed(rows: tuple[ActivityRejection, ...]) -> dict[str, list[Any]]:
    return {
        "u_ids": [r.id for r in rows],
        "u_ats": [r.at for r in rows],
        "u_kinds": [None if r.kind is None else r.kind.value for r in rows],
        "u_seconds": [r.seconds for r in rows],
        "u_apps": [r.app for r in rows],
        "u_urls": [r.url for r in rows],
        "u_titles": [r.title for r in rows],
        "u_reasons": [r.reason.value for r in rows],
        "u_messages": [r.message for r in rows],
    }


def ingest_parameters(batch: IngestBatch) -> dict[str, Any]:
    """The statement's parameters: the batch as columns (its items in client-id order)."""
    columns: dict[str, list[Any]] = {name: [] for name in (*_ITEM_ARRAYS, "reasons", "messages")}
    candidates: list[datetime] = []
    for entry in batch.keyed:
        item, refused = entry.item, entry.refusal
        # An INVALID item's texts may be unstorable (NUL, lone surrogates): not kept.
        storable = refused is None or refused.reason is not RejectionReason.INVALID
        columns["client_ids"].append(item.client_id)
        columns["ats"].append(_aware(item.at))
        columns["kinds"].append(item.kind.value)
        columns["seconds"].append(item.seconds)
        columns["apps"].append(item.app if storable else None)
        columns["urls"].append(item.url if storable else None)
        columns["titles"].append(item.title if storable else None)
        columns["reasons"].append(None if refused is None else refused.reason.value)
        columns["messages"].append(None if refused is None else refused.message)
        if refused is None:
            candidates.append(item.at)
    return {
        **columns,
        **_unkeyed(batch.unkeyed),
        "organization_id": batch.organization_id,
        "employee_id": batch.employee_id,
        "earliest": min(candidates, default=batch.received_at),
        "latest": max(candidates, default=batch.received_at),
        "received_at": batch.received_at,
        "no_timer": NO_TIMER_MESSAGE,
    }


def ingest_outcome(batch: IngestBatch, rows: Any) -> IngestOutcome:
    """The outcome the statement's rows describe."""
    first_seen: dict[str, UUID | None] = {}
    timers: list[TouchedTimer] = []
    for row in rows:
        if row.client_id is not None:
            first_seen[row.client_id] = row.timer_id
        else:
            timers.append(
                TouchedTimer(
                    timer_id=row.timer_id,
                    employee_id=batch.employee_id,
                    business_date=row.business_date,
                    summarized=row.summarized,
                    open_idle_since=row.idle_since,
                )
            )
    return IngestOutcome(
        first_seen=first_seen, timers=tuple(sorted(timers, key=lambda t: t.timer_id))
    )
