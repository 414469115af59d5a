"""What every use case receives: its dependencies and who is calling."""

from __future__ import annotations

from dataclasses import dataclass

from jts_domain.model.caller import Caller
from jts_domain.ports import Clock, UnitOfWorkFactory

__all__ = ["Caller", "ServiceContext"]


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """The ports a use case runs on: a unit-of-work factory and the clock."""

    uow: UnitOfWorkFactory
    clock: Clock
