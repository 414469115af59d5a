"""Durable outbox consumers: each one's name and the outbox position it has read up to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, text
from sqlalchemy.orm import Mapped, mapped_column

from jts_store.tables.base import Base, Xid8


class OutboxConsumerRow(Base):
    """A consumer's position ``(txid, last_id)``: it has handled every event before it."""

    __tablename__ = "outbox_consumers"

    name: Mapped[str] = mapped_column(primary_key=True)
    txid: Mapped[int] = mapped_column(Xid8, server_default=text("'0'::xid8"))
    last_id: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
