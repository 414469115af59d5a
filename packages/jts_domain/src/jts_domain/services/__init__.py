"""The use cases of JTS: the only place business operations live."""

from jts_domain.services.context import Caller, ServiceContext

__all__ = ["Caller", "ServiceContext"]
